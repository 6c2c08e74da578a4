package dev.gantry.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.telemetry.GantryMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The dashboard, the alarms, their topic and tracing, read from the synthesized template. */
class ObservabilityTest {
  static final Template TEMPLATE = Synthesized.defaults().template;
  static final int FUNCTIONS = TEMPLATE.findResources("AWS::Lambda::Function").size();

  @SuppressWarnings("unchecked")
  static Map<String, Object> props(Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("Properties");
  }

  /** The alarms whose metric or metric math reads {@code metricName}. */
  static Map<String, Map<String, Object>> alarmsOn(String metricName) {
    Map<String, Map<String, Object>> all = TEMPLATE.findResources("AWS::CloudWatch::Alarm");
    Map<String, Map<String, Object>> on = new java.util.LinkedHashMap<>();
    all.forEach((id, alarm) -> {
      if (dev.gantry.json.Json.write(props(alarm)).contains("\"MetricName\":\"" + metricName + "\"")) {
        on.put(id, alarm);
      }
    });
    return on;
  }

  @Test
  void every_function_is_traced_actively_and_each_state_machine_keeps_its_tracing() {
    TEMPLATE.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of("TracingConfig", Map.of("Mode", "Active"))));
    TEMPLATE.allResourcesProperties("AWS::StepFunctions::StateMachine",
        Match.objectLike(Map.of("TracingConfiguration", Map.of("Enabled", true))));
    TEMPLATE.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment", Map.of("Variables",
        Match.objectLike(Map.of("POWERTOOLS_SERVICE_NAME", "gantry", "POWERTOOLS_LOG_LEVEL", "INFO",
            "POWERTOOLS_METRICS_NAMESPACE", GantryMetrics.NAMESPACE))))));
  }

  @Test
  void each_state_machine_has_an_alarm_for_failed_or_timed_out_executions() {
    Map<String, Map<String, Object>> failed = alarmsOn("ExecutionsFailed");
    assertThat(failed).hasSize(Pipelines.standard().pipelines().size());
    assertThat(alarmsOn("ExecutionsTimedOut").keySet()).isEqualTo(failed.keySet());
    failed.values().forEach(alarm -> {
      assertThat(props(alarm)).containsEntry("Threshold", 1).containsEntry("ComparisonOperator",
          "GreaterThanOrEqualToThreshold").containsEntry("TreatMissingData", "notBreaching");
      assertThat(props(alarm).get("AlarmActions")).asList().hasSize(1);
    });
  }

  @Test
  void a_message_in_the_push_dead_letter_queue_api_5xx_and_each_functions_errors_and_throttles_raise_alarms() {
    assertThat(alarmsOn("ApproximateNumberOfMessagesVisible")).hasSize(1).allSatisfy((id, alarm) -> assertThat(props(alarm))
        .containsEntry("Threshold", 1).containsEntry("Namespace", "AWS/SQS"));
    assertThat(alarmsOn("5xx")).hasSize(1).allSatisfy((id, alarm) -> assertThat(props(alarm))
        .containsEntry("Namespace", "AWS/ApiGateway").containsEntry("Threshold", 1));
    assertThat(alarmsOn("Errors")).hasSize(FUNCTIONS).allSatisfy((id, alarm) -> assertThat(props(alarm))
        .containsEntry("Namespace", "AWS/Lambda").containsEntry("Threshold", Observability.FUNCTION_ERRORS));
    assertThat(alarmsOn("Throttles")).hasSize(FUNCTIONS).allSatisfy((id, alarm) -> assertThat(props(alarm))
        .containsEntry("Namespace", "AWS/Lambda").containsEntry("Threshold", 1));
  }

  @Test
  void the_daily_cost_alarm_sums_every_pipelines_model_cost_over_24_hours_at_the_context_threshold() {
    Map<String, Map<String, Object>> defaults = alarmsOn(GantryMetrics.COST_USD);
    assertThat(defaults).hasSize(1);
    Map<String, Object> alarm = props(defaults.values().iterator().next());
    assertThat(alarm).containsEntry("Threshold", DeploymentSettings.DEFAULT_DAILY_COST_ALARM_USD);
    String metrics = dev.gantry.json.Json.write(alarm.get("Metrics"));
    for (String pipeline : Pipelines.standard().names()) {
      assertThat(metrics).contains("{\"Name\":\"pipeline\",\"Value\":\"" + pipeline + "\"}");
    }
    assertThat(metrics).contains("\"Period\":86400", "\"Namespace\":\"Gantry\"");

    Template custom = Synthesized.with(Map.of("dailyCostAlarmUsd", "12.5", "alarmEmail", "ops@example.com")).template;
    custom.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of("Threshold", 12.5)));
    custom.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com",
        "TopicArn", Match.anyValue()));
  }

  @Test
  void the_alarm_topic_is_encrypted_with_a_rotated_key_cloudwatch_may_use_and_has_no_subscriber_without_context() {
    TEMPLATE.resourceCountIs("AWS::SNS::Topic", 1);
    TEMPLATE.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Match.anyValue()));
    TEMPLATE.resourceCountIs("AWS::SNS::Subscription", 0);
    TEMPLATE.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true,
        "KeyPolicy", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
            "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"))))))))));
    TEMPLATE.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of(
        "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
  }

  @Test
  void the_dashboard_shows_sessions_stages_cost_approvals_the_dead_letter_queue_and_the_api() {
    TEMPLATE.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    String body = dev.gantry.json.Json.write(props(TEMPLATE.findResources("AWS::CloudWatch::Dashboard").values().iterator().next())
        .get("DashboardBody"));
    assertThat(body).contains("Sessions by outcome", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut",
        "Stage duration p50", "Stage duration p90", "MetricName=\\\\\\\"StageDuration\\\\\\\"', 'p90'",
        "Model cost per day (USD)", "Approvals waiting", "Push dead-letter queue depth", "ApproximateNumberOfMessagesVisible",
        "API requests, 4xx, 5xx", "4xx", "5xx", "API latency (ms)", "Latency", "Function errors", "Function throttles");
  }

  @Test
  void the_api_function_knows_every_functions_log_group_for_the_logs_insights_link() {
    Map<String, Map<String, Object>> logGroups = TEMPLATE.findResources("AWS::Logs::LogGroup");
    Map<String, Map<String, Object>> api = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
        Map.of("Handler", dev.gantry.handler.ApiHandler.class.getName())));
    assertThat(api).hasSize(1);
    String variable = dev.gantry.json.Json.write(props(api.values().iterator().next()));
    long named = logGroups.keySet().stream().filter(id -> variable.contains("{\"Ref\":\"" + id + "\"}")).count();
    assertThat(variable).contains(EnvironmentVariables.LOG_GROUPS);
    assertThat(named).as("one per function").isEqualTo(FUNCTIONS);
  }

  @Test
  void bad_alarm_context_values_are_refused_with_the_key_named() {
    for (Map<String, Object> context : List.<Map<String, Object>>of(Map.of("alarmEmail", "ops-at-example"),
        Map.of("dailyCostAlarmUsd", "ten"), Map.of("dailyCostAlarmUsd", "-5"))) {
      String key = context.keySet().iterator().next();
      assertThatThrownBy(() -> DeploymentSettings.fromContext(context::get, Synthesized.LAMBDA_JARS))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("context " + key);
    }
  }
}
