package dev.gantry.pipeline;

/** One stage's work. Stages act; the executor (or the state machine) decides what runs next. */
@FunctionalInterface
public interface Stage {

  /**
   * Runs one attempt of the stage.
   *
   * @return the outcome; a failed outcome ends the session FAILED without retries
   * @throws TransientStageException or another retryable exception of the stage's policy to be
   *     retried; any other exception ends the session FAILED
   */
  StageOutcome run(StageContext context);
}
