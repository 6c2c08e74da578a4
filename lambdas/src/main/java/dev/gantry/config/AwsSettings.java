package dev.gantry.config;

import java.util.Map;

/**
 * Settings only the AWS deployment has, read once from the Lambda environment (the CDK stack sets
 * them).
 *
 * @param stateMachineArn the pipeline state machine
 * @param eventBusName the custom bus repository pushes go on
 * @param webhookSecretArn the Secrets Manager secret with the webhook secrets
 * @param pushRules push rules text (YAML or JSON), empty for none
 * @param agentsDirectory the agent definitions packaged with the function
 */
public record AwsSettings(
    String stateMachineArn, String eventBusName, String webhookSecretArn, String pushRules, String agentsDirectory) {

  /**
   * Reads the AWS settings.
   *
   * @throws IllegalArgumentException naming a required variable that is missing
   */
  public static AwsSettings fromEnvironment(Map<String, String> environment) {
    return new AwsSettings(
        required(environment, EnvironmentVariables.STATE_MACHINE_ARN),
        required(environment, EnvironmentVariables.EVENT_BUS_NAME),
        required(environment, EnvironmentVariables.WEBHOOK_SECRET_ARN),
        environment.getOrDefault(EnvironmentVariables.PUSH_RULES, "rules: []"),
        environment.getOrDefault(EnvironmentVariables.AGENTS_DIR,
            environment.getOrDefault("LAMBDA_TASK_ROOT", ".") + "/agents"));
  }

  private static String required(Map<String, String> environment, String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set: the CDK stack sets it on every Gantry function");
    }
    return value;
  }
}
