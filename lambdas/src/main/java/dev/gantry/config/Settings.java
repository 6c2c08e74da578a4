package dev.gantry.config;

import dev.gantry.model.ModelSelection;
import java.util.Map;

/**
 * Gantry's settings, read once from the environment ({@link EnvironmentVariables}); services get
 * them through their constructors and never read the environment themselves.
 *
 * @param region AWS region
 * @param sessionsTable sessions table name
 * @param auditTable audit table name
 * @param documentsBucket documents bucket name
 * @param modelProvider {@code offline}
 * @param modelId default model or inference profile id
 * @param maxTurns most model calls per agent run, 1..200
 * @param tokenBudget most tokens per agent run
 * @param readLimitBytes most bytes per read_file
 */
public record Settings(
    String region,
    String sessionsTable,
    String auditTable,
    String documentsBucket,
    String modelProvider,
    String modelId,
    int maxTurns,
    long tokenBudget,
    long readLimitBytes) {

  /** Default model: a Claude Sonnet cross-region inference profile (Bedrock model ids page). */
  public static final String DEFAULT_MODEL_ID = "us.anthropic.claude-sonnet-4-20250514-v1:0";

  /**
   * Reads settings from {@code environment}, with defaults for one machine.
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed
   */
  public static Settings fromEnvironment(Map<String, String> environment) {
    return new Settings(
        environment.getOrDefault(EnvironmentVariables.AWS_REGION, "us-east-1"),
        environment.getOrDefault(EnvironmentVariables.SESSIONS_TABLE, "gantry-sessions"),
        environment.getOrDefault(EnvironmentVariables.AUDIT_TABLE, "gantry-audit"),
        environment.getOrDefault(EnvironmentVariables.DOCUMENTS_BUCKET, "gantry-documents"),
        environment.getOrDefault(EnvironmentVariables.MODEL_PROVIDER, "offline"),
        environment.getOrDefault(EnvironmentVariables.MODEL_ID, DEFAULT_MODEL_ID),
        (int) number(environment, EnvironmentVariables.MAX_TURNS, 20, 1, 200),
        number(environment, EnvironmentVariables.TOKEN_BUDGET, 400_000, 1_000, 10_000_000),
        number(environment, EnvironmentVariables.READ_LIMIT_BYTES, 64 * 1024, 1024, 10 * 1024 * 1024));
  }

  /** Model aliases of agent frontmatter mapped to Bedrock inference profile ids. */
  public ModelSelection modelSelection() {
    return new ModelSelection(
        modelId,
        Map.of(
            "sonnet", DEFAULT_MODEL_ID,
            "opus", "us.anthropic.claude-opus-4-1-20250805-v1:0",
            "haiku", "us.anthropic.claude-3-5-haiku-20241022-v1:0"));
  }

  private static long number(Map<String, String> environment, String name, long fallback, long min, long max) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(name + "=" + value + " is out of range: use " + min + ".." + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
    }
  }
}
