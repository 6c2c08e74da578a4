package dev.gantry.session;

/** Where a session is. Every session ends in one of the terminal statuses. */
public enum SessionStatus {
  /** A stage is running or about to. */
  RUNNING,
  /** Waiting for a human decision on the template digest. */
  AWAITING_APPROVAL,
  SUCCEEDED,
  FAILED,
  REJECTED,
  CANCELLED,
  /** The approval was not given in time. */
  TIMED_OUT;

  /** Whether no further change is possible. */
  public boolean terminal() {
    return this != RUNNING && this != AWAITING_APPROVAL;
  }
}
