package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.Router;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Lambda composition root wires from the environment alone, and names what is missing. */
public class AwsGantryTest {
  /** The environment the stack gives the functions, with made-up names. */
  public static final Map<String, String> LAMBDA_ENVIRONMENT = Map.ofEntries(
      Map.entry("AWS_REGION", "eu-west-1"),
      Map.entry("GANTRY_SESSIONS_TABLE", "sessions-table"),
      Map.entry("GANTRY_AUDIT_TABLE", "audit-table"),
      Map.entry("GANTRY_DOCUMENTS_BUCKET", "documents-bucket"),
      Map.entry("GANTRY_AUDIT_KEY_ID", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
      Map.entry("GANTRY_AUDIT_ANCHORS_BUCKET", "anchors-bucket"),
      Map.entry("GANTRY_STATE_MACHINE_ARNS", "{\"deliver\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry\","
          + " \"design\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-design\","
          + " \"review\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-review\","
          + " \"implement\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-implement\"}"),
      Map.entry("GANTRY_EVENT_BUS_NAME", "gantry-pushes"),
      Map.entry("GANTRY_WEBHOOK_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gantry-webhooks"),
      Map.entry("GANTRY_PUSH_RULES", "{\"rules\": [{\"repository\": \"octo-org/app\", \"branches\": [\"main\"]}]}"),
      Map.entry("GANTRY_AGENTS_DIR", "../agents"),
      // what GantryFunction sets on every function for Powertools: the service is a metrics dimension
      Map.entry("POWERTOOLS_SERVICE_NAME", "gantry"),
      Map.entry("POWERTOOLS_METRICS_NAMESPACE", "Gantry"),
      Map.entry("POWERTOOLS_LOG_LEVEL", "INFO"));

  @Test
  void the_api_push_starter_and_pipeline_are_wired_from_the_lambda_environment_without_calling_aws() {
    assertThat(AwsGantry.api(LAMBDA_ENVIRONMENT).service().router().routes()).extracting(Router.Route::operationId)
        .contains("startSession", "decideApproval", "receiveGitHubWebhook");
    assertThat(AwsGantry.pushes(LAMBDA_ENVIRONMENT)).isNotNull();
    assertThat(AwsGantry.stages(LAMBDA_ENVIRONMENT).service().pipelines()).isEqualTo(dev.gantry.pipeline.Pipelines.standard());
    assertThat(AwsGantry.approvals(LAMBDA_ENVIRONMENT).service().recorder()).isNotNull();
  }

  @Test
  void the_stage_functions_need_no_state_machine_arn_which_would_be_a_circular_reference() {
    Map<String, String> environment = new java.util.HashMap<>(LAMBDA_ENVIRONMENT);
    environment.remove("GANTRY_STATE_MACHINE_ARNS");
    environment.remove("GANTRY_WEBHOOK_SECRET_ARN");

    assertThat(AwsGantry.stages(environment).service().definition().approvalGate()).isPresent();
    assertThatThrownBy(() -> AwsGantry.api(environment))
        .hasMessageStartingWith("GANTRY_STATE_MACHINE_ARNS is not set");
  }

  @Test
  void a_state_machine_map_missing_a_pipeline_is_refused_naming_it() {
    Map<String, String> environment = new java.util.HashMap<>(LAMBDA_ENVIRONMENT);
    environment.put("GANTRY_STATE_MACHINE_ARNS", "{\"deliver\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry\"}");

    assertThatThrownBy(() -> AwsGantry.api(environment))
        .hasMessageContaining("GANTRY_STATE_MACHINE_ARNS names no state machine for the design pipeline");
  }

  @Test
  void the_failure_recorder_starts_when_the_stage_functions_cannot_so_a_session_still_ends_recorded() {
    Map<String, String> environment = new java.util.HashMap<>(LAMBDA_ENVIRONMENT);
    environment.put("GANTRY_MODEL_PROVIDER", "no-such-provider");

    assertThatThrownBy(() -> AwsGantry.stages(environment)).hasMessageStartingWith("GANTRY_MODEL_PROVIDER=no-such-provider");
    assertThat(AwsGantry.recorder(environment)).isNotNull();
    assertThat(AwsGantry.approvals(environment).service().notifier()).isNotNull();
  }

  @Test
  void a_missing_setting_is_named() {
    Map<String, String> environment = new java.util.HashMap<>(LAMBDA_ENVIRONMENT);
    environment.remove("GANTRY_EVENT_BUS_NAME");

    assertThatThrownBy(() -> AwsGantry.api(environment))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("GANTRY_EVENT_BUS_NAME is not set");
  }

  @Test
  void every_function_that_writes_audit_entries_needs_the_audit_key_and_anchors_bucket() {
    for (String name : java.util.List.of("GANTRY_AUDIT_KEY_ID", "GANTRY_AUDIT_ANCHORS_BUCKET")) {
      Map<String, String> environment = new java.util.HashMap<>(LAMBDA_ENVIRONMENT);
      environment.remove(name);

      assertThatThrownBy(() -> AwsGantry.recorder(environment)).hasMessageStartingWith(name + " is not set");
    }
  }
}
