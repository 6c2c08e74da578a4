package dev.gantry.pipeline;

import dev.gantry.session.Session;
import dev.gantry.session.StageRecord;

/** Told when stages start and end, for progress output. Must not throw. */
public interface StageListener {
  /** A stage began (the approval gate included). */
  void stageStarted(Session session, StageDefinition stage);

  /** A stage ended, or the gate began waiting; {@code record} holds outcome and duration. */
  void stageEnded(Session session, StageDefinition stage, StageRecord record);

  /**
   * An agent stage's run made a model call or a tool call ({@code entry}, as its transcript records
   * it), for progress while the stage runs. Called on the stage's thread; does nothing by default.
   */
  default void agentCalled(Session session, StageDefinition stage, dev.gantry.agent.Transcript.Entry entry) {}

  /** A listener that does nothing. */
  StageListener NONE =
      new StageListener() {
        @Override
        public void stageStarted(Session session, StageDefinition stage) {}

        @Override
        public void stageEnded(Session session, StageDefinition stage, StageRecord record) {}
      };
}
