package dev.gantry.session;

/**
 * The principal that started a session asked to decide its approval while separation of duties is
 * on ({@code GANTRY_ALLOW_SELF_APPROVAL} unset or false in AWS): the API answers 403, the CLI exits 1.
 * Changes nothing.
 */
public final class SelfApprovalRefusedException extends DecisionRefusedException {
  private static final long serialVersionUID = 1L;

  /** @param message which principal, and how to proceed */
  public SelfApprovalRefusedException(String message) {
    super(message);
  }
}
