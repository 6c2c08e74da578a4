package dev.gantry.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Tokens model calls consumed and what they cost, as in Converse's {@code TokenUsage}: {@code
 * inputTokens} are the input tokens read without the prompt cache, {@code cacheReadTokens} and
 * {@code cacheWriteTokens} the input tokens read from and written to it (Amazon Bedrock API
 * reference, TokenUsage; User Guide, "Prompt caching").
 *
 * @param inputTokens input tokens not served from or written to the cache
 * @param outputTokens tokens generated
 * @param cacheReadTokens input tokens read from the prompt cache
 * @param cacheWriteTokens input tokens written to the prompt cache
 * @param costMicrodollars what the calls cost in millionths of a US dollar, from {@link
 *     ModelPrices}; 0 for the offline model and local endpoints
 */
@JsonIgnoreProperties(value = {"costUsd", "cacheReadShare"}, allowGetters = true)
public record TokenUsage(
    long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens, long costMicrodollars) {
  /** No tokens. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

  /** Usage without the prompt cache and without a price. */
  public TokenUsage(long inputTokens, long outputTokens) {
    this(inputTokens, outputTokens, 0, 0, 0);
  }

  /** All input tokens (uncached, cache read, cache write) plus output tokens. */
  public long totalTokens() {
    return inputTokens + cacheReadTokens + cacheWriteTokens + outputTokens;
  }

  /**
   * The share of input tokens served from the prompt cache: {@code cacheRead / (input + cacheRead
   * + cacheWrite)}, 0 when there was no input.
   */
  @JsonProperty("cacheReadShare")
  public double cacheReadShare() {
    long allInput = inputTokens + cacheReadTokens + cacheWriteTokens;
    return allInput == 0 ? 0 : (double) cacheReadTokens / allInput;
  }

  /** The cost in US dollars. */
  @JsonProperty("costUsd")
  public double costUsd() {
    return costMicrodollars / 1_000_000.0;
  }

  /** This usage with its cost set. */
  public TokenUsage withCost(long microdollars) {
    return new TokenUsage(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, microdollars);
  }

  /** The component-wise sum of this usage and {@code other}. */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
        cacheReadTokens + other.cacheReadTokens, cacheWriteTokens + other.cacheWriteTokens,
        costMicrodollars + other.costMicrodollars);
  }
}
