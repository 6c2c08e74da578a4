package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.Router;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Lambda composition root wires from the environment alone, and names what is missing. */
class AwsGantryTest {
  static final Map<String, String> LAMBDA_ENVIRONMENT = Map.of(
      "AWS_REGION", "eu-west-1",
      "GANTRY_SESSIONS_TABLE", "sessions-table",
      "GANTRY_AUDIT_TABLE", "audit-table",
      "GANTRY_DOCUMENTS_BUCKET", "documents-bucket",
      "GANTRY_STATE_MACHINE_ARNS", "{\"deliver\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry\","
          + " \"design\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-design\","
          + " \"review\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-review\","
          + " \"implement\": \"arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-implement\"}",
      "GANTRY_EVENT_BUS_NAME", "gantry-pushes",
      "GANTRY_WEBHOOK_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gantry-webhooks",
      "GANTRY_PUSH_RULES", "{\"rules\": [{\"repository\": \"octo-org/app\", \"branches\": [\"main\"]}]}",
      "GANTRY_AGENTS_DIR", "../agents");

  @Test
  void the_api_push_starter_and_pipeline_are_wired_from_the_lambda_environment_without_calling_aws() {
    assertThat(AwsGantry.api(LAMBDA_ENVIRONMENT).router().routes()).extracting(Router.Route::operationId)
        .contains("startSession", "decideApproval", "receiveGitHubWebhook");
    assertThat(AwsGantry.pushes(LAMBDA_ENVIRONMENT)).isNotNull();
    assertThat(AwsGantry.stages(LAMBDA_ENVIRONMENT).pipelines()).isEqualTo(dev.gantry.pipeline.Pipelines.standard());
    assertThat(AwsGantry.approvals(LAMBDA_ENVIRONMENT).recorder()).isNotNull();
  }

  @Test
  void the_stage_functions_need_no_state_machine_arn_which_would_be_a_circular_reference() {
    Map<String, String> environment = new java.util.HashMap<>(LAMBDA_ENVIRONMENT);
    environment.remove("GANTRY_STATE_MACHINE_ARNS");
    environment.remove("GANTRY_WEBHOOK_SECRET_ARN");

    assertThat(AwsGantry.stages(environment).definition().approvalGate()).isPresent();
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
    assertThat(AwsGantry.approvals(environment).notifier()).isNotNull();
  }

  @Test
  void a_missing_setting_is_named() {
    Map<String, String> environment = new java.util.HashMap<>(LAMBDA_ENVIRONMENT);
    environment.remove("GANTRY_EVENT_BUS_NAME");

    assertThatThrownBy(() -> AwsGantry.api(environment))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("GANTRY_EVENT_BUS_NAME is not set");
  }
}
