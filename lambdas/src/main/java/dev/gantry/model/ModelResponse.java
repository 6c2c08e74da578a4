package dev.gantry.model;

/**
 * A model's answer to one {@link ModelRequest}.
 *
 * @param output the assistant message (text and/or tool requests)
 * @param stopReason why generation stopped
 * @param usage tokens this call consumed, and their cost
 * @param latencyMillis how long the call took as the provider reports it (Converse {@code
 *     metrics.latencyMs}), or as measured by the client
 */
public record ModelResponse(Message output, StopReason stopReason, TokenUsage usage, long latencyMillis) {

  /** A response without a latency figure (the offline model). */
  public ModelResponse(Message output, StopReason stopReason, TokenUsage usage) {
    this(output, stopReason, usage, 0);
  }
}
