package dev.gantry.model;

/** Why the model stopped generating, as in Converse's {@code stopReason}. */
public enum StopReason {
  /** The model finished its answer. */
  END_TURN,
  /** The model asks for one or more tools to run. */
  TOOL_USE,
  /** The output reached {@code maxTokens}. */
  MAX_TOKENS,
  /** A stop sequence was generated. */
  STOP_SEQUENCE,
  /** Content was filtered by a guardrail or the model's own filter. */
  CONTENT_FILTERED
}
