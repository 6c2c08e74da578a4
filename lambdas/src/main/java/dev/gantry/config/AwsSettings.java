package dev.gantry.config;

import dev.gantry.json.Json;
import dev.gantry.pipeline.Pipelines;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Settings only the AWS deployment has, read once from the Lambda environment (the CDK stack sets
 * them). Each function gets the variables its role needs, so each is checked when read: the stage
 * functions, for one, cannot know the state machine that invokes them.
 */
public final class AwsSettings {
  private final Map<String, String> environment;

  private AwsSettings(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The AWS settings of {@code environment}; nothing is checked until read. */
  public static AwsSettings fromEnvironment(Map<String, String> environment) {
    return new AwsSettings(environment);
  }

  /**
   * Each pipeline's state machine ARN by pipeline name ({@value EnvironmentVariables#STATE_MACHINE_ARNS}).
   *
   * @throws IllegalArgumentException when unset, not a JSON object of strings, or missing a pipeline
   *     of {@link Pipelines#standard()}
   */
  public Map<String, String> stateMachineArns() {
    String text = required(EnvironmentVariables.STATE_MACHINE_ARNS);
    Map<String, String> arns;
    try {
      arns = Json.MAPPER.readValue(text, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(EnvironmentVariables.STATE_MACHINE_ARNS
          + " is not a JSON object of pipeline name to state machine ARN: " + e.getOriginalMessage());
    }
    for (String pipeline : Pipelines.standard().names()) {
      if (arns == null || arns.get(pipeline) == null || arns.get(pipeline).isBlank()) {
        throw new IllegalArgumentException(EnvironmentVariables.STATE_MACHINE_ARNS + " names no state machine for the "
            + pipeline + " pipeline: redeploy the stack");
      }
    }
    return Map.copyOf(arns);
  }

  /**
   * The functions' log group names ({@value EnvironmentVariables#LOG_GROUPS}), in order; empty when
   * unset, and then a session has no Logs Insights link.
   */
  public java.util.List<String> logGroups() {
    String names = environment.getOrDefault(EnvironmentVariables.LOG_GROUPS, "");
    return java.util.Arrays.stream(names.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
  }

  /** The custom bus pushes and approval notices go on ({@value EnvironmentVariables#EVENT_BUS_NAME}). */
  public String eventBusName() {
    return required(EnvironmentVariables.EVENT_BUS_NAME);
  }

  /** The Secrets Manager secret with the webhook secrets ({@value EnvironmentVariables#WEBHOOK_SECRET_ARN}). */
  public String webhookSecretArn() {
    return required(EnvironmentVariables.WEBHOOK_SECRET_ARN);
  }

  /** The Git tokens secret ({@value EnvironmentVariables#GIT_SECRET_ARN}), set on the checkout function alone. */
  public Optional<String> gitSecretArn() {
    String arn = environment.get(EnvironmentVariables.GIT_SECRET_ARN);
    return arn == null || arn.isBlank() ? Optional.empty() : Optional.of(arn);
  }

  /** The KMS HMAC key audit entries are authenticated with ({@value EnvironmentVariables#AUDIT_KEY_ID}). */
  public String auditKeyId() {
    return required(EnvironmentVariables.AUDIT_KEY_ID);
  }

  /** The bucket audit anchors go to ({@value EnvironmentVariables#AUDIT_ANCHORS_BUCKET}). */
  public String auditAnchorsBucket() {
    return required(EnvironmentVariables.AUDIT_ANCHORS_BUCKET);
  }

  /** Push rules text (YAML or JSON); no rules when unset. */
  public String pushRules() {
    return environment.getOrDefault(EnvironmentVariables.PUSH_RULES, "rules: []");
  }

  /** The agent definitions packaged with the function: {@code $LAMBDA_TASK_ROOT/agents} unless set. */
  public String agentsDirectory() {
    return environment.getOrDefault(EnvironmentVariables.AGENTS_DIR,
        environment.getOrDefault("LAMBDA_TASK_ROOT", ".") + "/agents");
  }

  /**
   * How long a finished session item is kept ({@value EnvironmentVariables#SESSION_RETENTION_DAYS}),
   * empty to keep it.
   *
   * @throws IllegalArgumentException for a value that is not a whole number of days, 1..36500
   */
  public Optional<Duration> sessionRetention() {
    long days = Settings.number(environment, EnvironmentVariables.SESSION_RETENTION_DAYS, 0, 1, 36_500);
    return days == 0 ? Optional.empty() : Optional.of(Duration.ofDays(days));
  }

  private String required(String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set: the CDK stack sets it on the Gantry functions that need it");
    }
    return value;
  }
}
