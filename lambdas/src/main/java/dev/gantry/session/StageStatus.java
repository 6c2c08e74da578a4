package dev.gantry.session;

/** Where one stage of a session is. Stored by name, so the DynamoDB item reads the same. */
public enum StageStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** The approval gate is waiting for a decision. */
  WAITING,
  /** The approval gate ended with an approval. */
  APPROVED,
  /** The approval gate ended with a rejection. */
  REJECTED,
  /** The session was cancelled while this stage ran or waited. */
  CANCELLED,
  /** The approval gate waited longer than its heartbeat or overall timeout. */
  TIMED_OUT;

  /** Whether the stage is done and a resumed run skips it. */
  public boolean completed() {
    return this == SUCCEEDED || this == APPROVED;
  }
}
