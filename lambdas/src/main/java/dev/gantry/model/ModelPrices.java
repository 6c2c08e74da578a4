package dev.gantry.model;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * On-demand prices of the models Gantry's aliases name, in US dollars per million tokens, the one
 * place costs come from. Source: Amazon Bedrock pricing page (aws.amazon.com/bedrock/pricing),
 * Anthropic models, on-demand, US regions, as of {@value #AS_OF}; prompt-cache writes cost 1.25×
 * and reads 0.1× the input price. Cross-region inference profiles ({@code us.}, {@code eu.}, ...)
 * cost what their model costs. A model not listed has no price: a cost budget then fails closed.
 */
public final class ModelPrices {
  /** When the prices below were read. */
  public static final String AS_OF = "2026-11-01";

  /**
   * USD per million tokens.
   *
   * @param input uncached input
   * @param output generated
   * @param cacheRead input read from the prompt cache
   * @param cacheWrite input written to the prompt cache
   */
  public record Price(double input, double output, double cacheRead, double cacheWrite) {
    /** The cost of {@code usage} in microdollars (rounded up: a budget must not be passed by rounding). */
    public long costMicrodollars(TokenUsage usage) {
      double usd = (usage.inputTokens() * input + usage.outputTokens() * output
          + usage.cacheReadTokens() * cacheRead + usage.cacheWriteTokens() * cacheWrite) / 1_000_000.0;
      return (long) Math.ceil(usd * 1_000_000.0);
    }
  }

  private static final Pattern PROFILE_PREFIX = Pattern.compile("^(us|eu|apac|jp|au|ca|us-gov|global)\\.");

  private static final Map<String, Price> PRICES = Map.of(
      "anthropic.claude-sonnet-4-20250514-v1:0", new Price(3.00, 15.00, 0.30, 3.75),
      "anthropic.claude-sonnet-4-5-20250929-v1:0", new Price(3.00, 15.00, 0.30, 3.75),
      "anthropic.claude-opus-4-1-20250805-v1:0", new Price(15.00, 75.00, 1.50, 18.75),
      "anthropic.claude-3-5-haiku-20241022-v1:0", new Price(0.80, 4.00, 0.08, 1.00));

  private ModelPrices() {}

  /** The price of a model or inference profile id, if listed. */
  public static Optional<Price> of(String modelId) {
    return Optional.ofNullable(PRICES.get(PROFILE_PREFIX.matcher(modelId).replaceFirst("")));
  }
}
