package dev.gantry.pipeline;

import dev.gantry.agent.AgentRunner;
import dev.gantry.model.TokenUsage;
import java.util.List;

/**
 * A stage cannot complete and retrying will not help: an agent that stopped before writing its
 * documents, a missing agent, a template that changed after approval. Ends the session FAILED.
 */
public class StageFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient TokenUsage usage;
  private final transient List<AgentRunner.ModelCall> modelCalls;

  /** @param message one line a user can act on */
  public StageFailedException(String message) {
    this(message, TokenUsage.ZERO, List.of());
  }

  /**
   * A failure after model calls, whose usage and cost are still recorded on the stage and session.
   *
   * @param message one line a user can act on
   * @param usage what the attempt consumed before it stopped
   * @param modelCalls the calls it made
   */
  public StageFailedException(String message, TokenUsage usage, List<AgentRunner.ModelCall> modelCalls) {
    super(message);
    this.usage = usage;
    this.modelCalls = List.copyOf(modelCalls);
  }

  /** What the attempt consumed before it failed. */
  public TokenUsage usage() {
    return usage == null ? TokenUsage.ZERO : usage;
  }

  /** The model calls the attempt made. */
  public List<AgentRunner.ModelCall> modelCalls() {
    return modelCalls == null ? List.of() : modelCalls;
  }
}
