package dev.gantry.pipeline;

import dev.gantry.session.Session;

/**
 * What runs a session's stages after the API or a push changed it: Step Functions in AWS ({@link
 * StepFunctionsWorkflow}), the in-process executor locally ({@link InProcessWorkflow}). The session
 * is already stored; these calls only set the run going.
 */
public interface SessionWorkflow {
  /**
   * Starts running a newly created session. Idempotent: a session that already runs, waits or has
   * ended is left alone (in AWS the execution name is the session id, so a second start of the same
   * session is refused by Step Functions).
   */
  void start(Session session);

  /**
   * A delivery that had already started {@code session} (a push redelivered) arrived again: the run
   * is started if it never was. Locally ({@link InProcessWorkflow}) it also recovers the session when
   * its run was lost ({@link SessionRecovery}), and restarts one that ended FAILED because the run
   * queue was full. In AWS the default applies: {@link #start}, which Step Functions makes
   * idempotent by the execution's name.
   */
  default void redelivered(Session session) {
    start(session);
  }

  /** Continues after an approval decision: an approved session runs on, a rejected one ends its run. */
  void decided(Session session);

  /** Stops the run of a session that was just cancelled. */
  void cancelled(Session session);

  /**
   * Tells the run that a session waiting for approval is still being reviewed, so its approval
   * heartbeat timeout starts again (the overall timeout still applies). Never throws: a heartbeat
   * that cannot be delivered is logged. Locally approvals do not expire, so the default does nothing.
   */
  default void heartbeat(Session session) {}
}
