package dev.gantry.session;

/**
 * A request was refused before anything changed: an empty goal, a missing repository, a bad stack
 * name. {@code field} names the input; the message says how to fix it.
 */
public class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  /**
   * @param field the input at fault, such as {@code goal}
   * @param message what is wrong and how to fix it
   */
  public InvalidRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The input at fault. */
  public String field() {
    return field;
  }
}
