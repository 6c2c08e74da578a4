package dev.gantry.pipeline;

import dev.gantry.session.Session;
import dev.gantry.session.StageRecord;

/** Told when stages start and end, for progress output. Must not throw. */
public interface StageListener {
  /** A stage began (the approval gate included). */
  void stageStarted(Session session, StageDefinition stage);

  /** A stage ended, or the gate began waiting; {@code record} holds outcome and duration. */
  void stageEnded(Session session, StageDefinition stage, StageRecord record);

  /** A listener that does nothing. */
  StageListener NONE =
      new StageListener() {
        @Override
        public void stageStarted(Session session, StageDefinition stage) {}

        @Override
        public void stageEnded(Session session, StageDefinition stage, StageRecord record) {}
      };
}
