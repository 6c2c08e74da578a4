package dev.gantry.agent;

/** A tool refused its input; the message is returned to the model as an error tool result. */
public class ToolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what was wrong with the input, safe to show to the model */
  public ToolException(String message) {
    super(message);
  }
}
