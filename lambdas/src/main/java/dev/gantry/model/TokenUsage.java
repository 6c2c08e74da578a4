package dev.gantry.model;

/**
 * Tokens a model call consumed, as in Converse's {@code TokenUsage}.
 *
 * @param inputTokens tokens read (the prompt, tools and conversation so far)
 * @param outputTokens tokens generated
 */
public record TokenUsage(long inputTokens, long outputTokens) {

  /** No tokens. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0);

  /** Input plus output tokens. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** The component-wise sum of this usage and {@code other}. */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens);
  }
}
