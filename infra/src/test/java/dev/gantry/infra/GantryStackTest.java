package dev.gantry.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.push.RepositoryPush;
import dev.gantry.session.SessionTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** What {@code cdk deploy} would create, read from the synthesized template. */
class GantryStackTest {
  static final Template TEMPLATE = Synthesized.defaults().template;

  static Map<String, Object> props(Map<String, Object> resource) {
    @SuppressWarnings("unchecked")
    Map<String, Object> properties = (Map<String, Object>) resource.get("Properties");
    return properties;
  }

  @Test
  void cdk_nag_aws_solutions_reports_no_unacknowledged_error_or_warning() {
    Synthesized synthesized = Synthesized.defaults();
    assertThat(synthesized.annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
        .extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
    assertThat(synthesized.annotations.findWarning("*", Match.anyValue()))
        .extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
  }

  @Test
  void every_cdk_nag_acknowledgement_names_its_rule_and_gives_a_reason() {
    List<Map<String, Object>> acknowledgements = new java.util.ArrayList<>();
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) TEMPLATE.toJSON().get("Resources");
    for (Map<String, Object> resource : resources.values()) {
      Object metadata = resource.get("Metadata");
      if (metadata instanceof Map<?, ?> meta && meta.get("cdk_nag") instanceof Map<?, ?> nag) {
        for (Object rule : (List<?>) nag.get("rules_to_suppress")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> suppression = (Map<String, Object>) rule;
          acknowledgements.add(suppression);
        }
      }
    }

    assertThat(acknowledgements).isNotEmpty().allSatisfy(a -> {
      assertThat((String) a.get("id")).matches("AwsSolutions-[A-Z0-9]+");
      assertThat((String) a.get("reason")).hasSizeGreaterThan(60);
    });
    assertThat(acknowledgements).extracting(a -> (String) a.get("id")).doesNotContain("AwsSolutions-IAM4", "AwsSolutions-S1",
        "AwsSolutions-DDB3", "AwsSolutions-SF1", "AwsSolutions-SF2", "AwsSolutions-APIG1", "AwsSolutions-SQS4");
    assertThat(acknowledgements).filteredOn(a -> "AwsSolutions-IAM5".equals(a.get("id")))
        .as("wildcard acknowledgements list the patterns they cover").allSatisfy(a -> assertThat(a).containsKey("applies_to"));
  }

  @Test
  void the_tables_are_on_demand_encrypted_recoverable_and_keyed_as_the_store_expects() {
    TEMPLATE.resourceCountIs("AWS::DynamoDB::Table", 2);
    TEMPLATE.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
        "KeySchema", List.of(Map.of("AttributeName", SessionTables.SESSION_ID, "KeyType", "HASH")),
        "BillingMode", "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
        "SSESpecification", Map.of("SSEEnabled", true),
        "TimeToLiveSpecification", Map.of("AttributeName", SessionTables.EXPIRES_AT, "Enabled", true),
        "GlobalSecondaryIndexes", Match.arrayWith(List.of(
            Match.objectLike(Map.of("IndexName", SessionTables.BY_CREATED, "KeySchema", List.of(
                Map.of("AttributeName", SessionTables.LIST_PARTITION, "KeyType", "HASH"),
                Map.of("AttributeName", SessionTables.CREATED_ORDER, "KeyType", "RANGE")))),
            Match.objectLike(Map.of("IndexName", SessionTables.BY_STATUS, "KeySchema", List.of(
                Map.of("AttributeName", SessionTables.STATUS, "KeyType", "HASH"),
                Map.of("AttributeName", SessionTables.CREATED_ORDER, "KeyType", "RANGE"))))))));
    TEMPLATE.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
        "KeySchema", List.of(Map.of("AttributeName", SessionTables.SESSION_ID, "KeyType", "HASH"),
            Map.of("AttributeName", SessionTables.SEQ, "KeyType", "RANGE")),
        "BillingMode", "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
        "SSESpecification", Map.of("SSEEnabled", true),
        "DeletionProtectionEnabled", true));
    TEMPLATE.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
  }

  @Test
  void the_documents_bucket_blocks_public_access_encrypts_versions_expires_old_versions_and_logs_access() {
    Map<String, Object> blockAll = Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
        "RestrictPublicBuckets", true);
    TEMPLATE.resourceCountIs("AWS::S3::Bucket", 3); // documents, access logs, audit anchors
    TEMPLATE.allResourcesProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
        "PublicAccessBlockConfiguration", blockAll,
        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
            List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))))));
    TEMPLATE.hasResourceProperties("AWS::S3::Bucket", Map.of(
        "VersioningConfiguration", Map.of("Status", "Enabled"),
        "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "documents/")),
        "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
            "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 90),
            "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7),
            "Status", "Enabled"))))));
    TEMPLATE.resourcePropertiesCountIs("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(
        List.of(Match.objectLike(Map.of("Effect", "Deny", "Condition",
            Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))), 3);
  }

  @Test
  void every_function_is_java_21_on_arm64_with_snapstart_on_published_versions_behind_a_live_alias() {
    Map<String, Map<String, Object>> functions = TEMPLATE.findResources("AWS::Lambda::Function");
    long stageFunctions = Pipelines.standard().stages().stream().filter(s -> !s.approvalGate()).count();
    assertThat(functions).hasSize((int) stageFunctions + 5); // one per stage of any pipeline, approval, recorder, push, api, redelivery
    TEMPLATE.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Runtime", "java21",
        "Architectures", List.of("arm64"),
        "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "GANTRY_SESSIONS_TABLE", Match.anyValue(), "GANTRY_AUDIT_TABLE", Match.anyValue(),
            "GANTRY_DOCUMENTS_BUCKET", Match.anyValue(), "JAVA_TOOL_OPTIONS", GantryFunction.JAVA_TOOL_OPTIONS))))));
    TEMPLATE.resourceCountIs("AWS::Lambda::Alias", functions.size());
    TEMPLATE.allResourcesProperties("AWS::Lambda::Alias", Match.objectLike(Map.of("Name", "live")));
    TEMPLATE.resourceCountIs("AWS::Lambda::Version", functions.size());
    assertThat(functions.values()).allSatisfy(f -> assertThat(props(f)).doesNotContainKey("FunctionName"));
  }

  @Test
  void each_stage_function_outlives_its_stage_and_each_agent_stage_outlives_a_model_call() {
    for (StageDefinition stage : Pipelines.standard().stages()) {
      if (stage.approvalGate()) {
        continue;
      }
      GantryFunction function = Synthesized.defaults().stack.pipeline().functions().get(stage.stateName() + "Stage");
      Map<String, Map<String, Object>> found = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
          Map.of("Description", "Runs the " + stage.name() + " stage")));
      assertThat(found).as(stage.name()).hasSize(1);
      Number timeout = (Number) props(found.values().iterator().next()).get("Timeout");

      assertThat(function).isNotNull();
      assertThat(timeout.longValue()).isEqualTo(PipelineDefinition.functionTimeout(stage).toSeconds())
          .isGreaterThan(stage.timeout().toSeconds()).isLessThanOrEqualTo(900);
      if (stage.agent().isPresent()) {
        assertThat(stage.timeout()).isGreaterThan(PipelineDefinition.MODEL_CALL_TIMEOUT);
      }
    }
  }

  @Test
  void functions_use_their_own_roles_without_managed_policies() {
    Map<String, Map<String, Object>> roles = TEMPLATE.findResources("AWS::IAM::Role");
    assertThat(roles.values()).allSatisfy(role -> assertThat(props(role)).doesNotContainKey("ManagedPolicyArns"));
  }

  @Test
  void each_pipeline_has_a_standard_state_machine_that_logs_all_events_without_execution_data_and_traces_with_x_ray() {
    TEMPLATE.resourceCountIs("AWS::StepFunctions::StateMachine", Pipelines.standard().pipelines().size());
    TEMPLATE.allResourcesProperties("AWS::StepFunctions::StateMachine", Match.objectLike(Map.of(
        "StateMachineType", "STANDARD",
        "LoggingConfiguration", Match.objectLike(Map.of("Level", "ALL", "IncludeExecutionData", false)),
        "TracingConfiguration", Map.of("Enabled", true))));
    assertThat(Synthesized.defaults().stack.pipeline().stateMachines().keySet())
        .containsExactlyElementsOf(Pipelines.standard().names());
  }

  @Test
  void the_api_and_the_push_function_can_start_every_pipeline_and_know_each_state_machine() {
    for (String description : List.of("Gantry HTTP API", "Starts sessions for repository pushes that match the push rules")) {
      Map<String, Map<String, Object>> found = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
          Map.of("Description", description)));
      assertThat(found).as(description).hasSize(1);
      Object arns = ((Map<?, ?>) ((Map<?, ?>) props(found.values().iterator().next()).get("Environment")).get("Variables"))
          .get(dev.gantry.config.EnvironmentVariables.STATE_MACHINE_ARNS);
      String joined = dev.gantry.json.Json.write(arns);
      for (String logicalId : TEMPLATE.findResources("AWS::StepFunctions::StateMachine").keySet()) {
        assertThat(joined).as(description).contains(logicalId);
      }
    }
    Map<String, Map<String, Object>> starters = TEMPLATE.findResources("AWS::IAM::Policy", Map.of("Properties", Map.of(
        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "states:StartExecution"))))))));
    for (Map<String, Object> policy : starters.values()) {
      long statements = ((List<?>) ((Map<?, ?>) props(policy).get("PolicyDocument")).get("Statement")).stream()
          .filter(s -> "states:StartExecution".equals(((Map<?, ?>) s).get("Action"))).count();
      assertThat(statements).isEqualTo(Pipelines.standard().pipelines().size());
    }
    assertThat(starters).hasSize(2);
  }

  @Test
  void only_agent_stages_may_invoke_bedrock_and_only_the_configured_inference_profile() {
    Map<String, Map<String, Object>> policies = TEMPLATE.findResources("AWS::IAM::Policy",
        Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("PolicyDocument", Map.of("Statement",
            Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "InvokeConfiguredModels")))), "Version", "2012-10-17"))))));
    long agentStages = Pipelines.standard().stages().stream().filter(s -> s.agent().isPresent()).count();
    assertThat(policies).hasSize((int) agentStages);
    TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
        Match.objectLike(Map.of(
            "Sid", "InvokeThroughProfile1",
            "Action", ModelAccess.ACTIONS,
            "Condition", Map.of("StringEquals", Map.of("bedrock:InferenceProfileArn", Match.objectLike(Map.of("Fn::Join",
                Match.arrayWith(List.of(Match.arrayWith(List.of(
                    ":inference-profile/" + dev.gantry.config.Settings.DEFAULT_MODEL_ID)))))))))))), "Version", "2012-10-17")));
  }

  @Test
  void every_agent_alias_of_the_stage_functions_resolves_to_a_model_iam_allows() {
    Template template = Synthesized.with(Map.of("bedrockModelIds", "eu.anthropic.claude-sonnet-4-20250514-v1:0")).template;

    template.hasResourceProperties("AWS::Lambda::Function", Map.of("Description", "Runs the architect stage",
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "GANTRY_MODEL_PROVIDER", "bedrock",
            "GANTRY_MODEL_ID", "eu.anthropic.claude-sonnet-4-20250514-v1:0",
            "GANTRY_MODEL_SONNET", "eu.anthropic.claude-sonnet-4-20250514-v1:0",
            "GANTRY_MODEL_OPUS", "eu.anthropic.claude-sonnet-4-20250514-v1:0",
            "GANTRY_MODEL_HAIKU", "eu.anthropic.claude-sonnet-4-20250514-v1:0")))));
  }

  @Test
  void the_http_api_has_one_route_per_openapi_operation_with_iam_by_default_and_public_webhooks() {
    List<GantryHttpApi.Operation> operations = GantryHttpApi.operations();
    TEMPLATE.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP"));
    TEMPLATE.resourceCountIs("AWS::ApiGatewayV2::Route", operations.size());
    for (GantryHttpApi.Operation operation : operations) {
      TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of(
          "RouteKey", operation.method() + " " + operation.path(),
          "AuthorizationType", operation.isPublic() ? "NONE" : "AWS_IAM"));
    }
    assertThat(operations).filteredOn(GantryHttpApi.Operation::isPublic).extracting(GantryHttpApi.Operation::path)
        .containsExactlyInAnyOrder("/health", "/webhooks/github", "/webhooks/gitlab");
    TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
        "StageName", "$default",
        "AutoDeploy", true,
        "AccessLogSettings", Match.objectLike(Map.of("Format", GantryHttpApi.ACCESS_LOG_FORMAT)),
        "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 25, "ThrottlingBurstLimit", 50)));
  }

  @Test
  void a_jwt_issuer_in_context_puts_a_jwt_authorizer_with_audience_and_each_routes_scopes_on_the_authenticated_routes() {
    Template template = Synthesized.with(Map.of("jwtIssuer", "https://login.example.com/", "jwtAudience", "gantry-api")).template;

    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of(
        "AuthorizerType", "JWT",
        "JwtConfiguration", Map.of("Issuer", "https://login.example.com/", "Audience", List.of("gantry-api")),
        "IdentitySource", List.of("$request.header.Authorization")));
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "POST /sessions",
        "AuthorizationType", "JWT", "AuthorizationScopes", List.of("gantry/sessions.write")));
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "POST /sessions/{id}/approval",
        "AuthorizationType", "JWT", "AuthorizationScopes", List.of("gantry/approvals")));
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /sessions/{id}",
        "AuthorizationType", "JWT",
        "AuthorizationScopes", List.of("gantry/sessions.read", "gantry/sessions.read-all", "gantry/approvals")));
    assertThat(template.findResources("AWS::IAM::ManagedPolicy", Map.of("Properties",
        Map.of("Description", Match.stringLikeRegexp("^Gantry HTTP API, gantry/.*"))))).as("no IAM route policies with a JWT authorizer")
        .isEmpty();
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "POST /webhooks/github",
        "AuthorizationType", "NONE"));
    template.resourcePropertiesCountIs("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "AWS_IAM"), 0);
  }

  @Test
  void with_iam_one_managed_policy_per_scope_allows_invoking_exactly_the_routes_that_scope_allows() {
    Map<String, Map<String, Object>> policies = TEMPLATE.findResources("AWS::IAM::ManagedPolicy", Map.of("Properties",
        Map.of("Description", Match.stringLikeRegexp("^Gantry HTTP API, gantry/.*"))));
    assertThat(policies).hasSize(dev.gantry.api.Permission.values().length);
    String approvals = policies.values().stream().map(Object::toString).filter(p -> p.contains("gantry/approvals:")).findFirst().orElseThrow();
    assertThat(approvals).contains("/$default/POST/sessions/*/approval", "/$default/GET/sessions/*")
        .doesNotContain("/cancel");
    String write = policies.values().stream().map(Object::toString).filter(p -> p.contains("gantry/sessions.write:")).findFirst().orElseThrow();
    assertThat(write).contains("/$default/POST/sessions", "/$default/POST/sessions/*/cancel").doesNotContain("approval", "GET");
    TEMPLATE.hasOutput("InvokeApprovePolicyArn", Match.anyValue());
    TEMPLATE.hasOutput("InvokeReadAllPolicyArn", Match.anyValue());
  }

  @Test
  void session_readers_in_context_reach_the_api_function_and_a_pattern_that_is_not_an_arn_fails_synth() {
    Template template = Synthesized.with(Map.of("sessionReaders", "arn:aws:sts::123456789012:assumed-role/Auditors/*")).template;
    template.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
        EnvironmentVariables.SESSION_READERS, "arn:aws:sts::123456789012:assumed-role/Auditors/*")))), 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Synthesized.with(Map.of("sessionReaders", "Auditors")))
        .hasMessageContaining("context sessionReaders");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Synthesized.with(Map.of("jwtIssuer", "https://login.example.com/",
        "jwtAudience", "a", "jwtScopes", "gantry/sessions"))).hasMessageContaining("jwtScopes is no longer read");
  }

  @Test
  void a_schedule_sweeps_undelivered_approval_decisions_with_a_function_that_may_answer_task_tokens() {
    TEMPLATE.hasResourceProperties("AWS::Events::Rule", Map.of(
        "ScheduleExpression", "rate(" + DecisionRedeliverySchedule.EVERY_MINUTES + " minutes)",
        "State", "ENABLED",
        "Targets", List.of(Match.objectLike(Map.of("RetryPolicy", Map.of("MaximumRetryAttempts", 0))))));
    TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of(
        "Handler", Match.stringLikeRegexp(dev.gantry.handler.DecisionRedeliveryHandler.class.getName().replace(".", "\\.") + ".*")));
    assertThat(TEMPLATE.findResources("AWS::IAM::Policy", Map.of("Properties", Map.of("PolicyDocument", Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Action", Match.arrayWith(List.of("states:SendTaskSuccess")))))))))).keySet())
        .anyMatch(name -> name.startsWith("DecisionRedelivery"));
  }

  @Test
  void pushes_on_the_custom_bus_reach_the_push_function_with_retries_an_age_limit_and_an_encrypted_tls_only_dlq() {
    TEMPLATE.resourceCountIs("AWS::Events::EventBus", 1);
    TEMPLATE.resourceCountIs("AWS::Events::Rule", 2); // the push rule and the decision redelivery schedule
    TEMPLATE.hasResourceProperties("AWS::Events::Rule", Map.of(
        "EventBusName", Match.anyValue(),
        "EventPattern", Map.of("source", List.of(RepositoryPush.SOURCE), "detail-type", List.of(RepositoryPush.DETAIL_TYPE)),
        "Targets", List.of(Match.objectLike(Map.of(
            "DeadLetterConfig", Match.objectLike(Map.of("Arn", Match.anyValue())),
            "RetryPolicy", Map.of("MaximumRetryAttempts", PushTriggers.RETRY_ATTEMPTS,
                "MaximumEventAgeInSeconds", PushTriggers.MAX_EVENT_AGE_HOURS * 3600))))));
    TEMPLATE.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1209600));
    TEMPLATE.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(
        List.of(Match.objectLike(Map.of("Effect", "Deny", "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))),
        "Version", "2012-10-17")));
    TEMPLATE.hasResourceProperties("AWS::SecretsManager::Secret", Map.of(
        "GenerateSecretString", Match.objectLike(Map.of("GenerateStringKey", "github"))));
  }

  @Test
  void every_stage_function_has_room_in_tmp_for_a_snapshot_and_only_the_checkout_publish_and_report_functions_read_the_git_secret() {
    Map<String, Map<String, Object>> stageFunctions = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
        Map.of("Description", Match.stringLikeRegexp("Runs the .* stage"))));
    assertThat(stageFunctions).hasSize((int) Pipelines.standard().stages().stream().filter(s -> !s.approvalGate()).count());
    assertThat(stageFunctions.values()).allSatisfy(f ->
        assertThat(props(f)).containsEntry("EphemeralStorage", Map.of("Size", PipelineStateMachine.STAGE_TMP_MB)));

    Map<String, Map<String, Object>> secrets = TEMPLATE.findResources("AWS::SecretsManager::Secret", Map.of("Properties",
        Map.of("Description", Match.stringLikeRegexp("Gantry Git tokens.*"))));
    assertThat(secrets).hasSize(1);
    String gitSecret = secrets.keySet().iterator().next();
    Map<String, Map<String, Object>> readers = TEMPLATE.findResources("AWS::IAM::Policy", Map.of("Properties", Map.of(
        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Action", Match.arrayWith(List.of("secretsmanager:GetSecretValue")), "Resource", Map.of("Ref", gitSecret)))))))));
    assertThat(readers).hasSize(3);
    List<Object> readerRoles = readers.values().stream().map(p -> props(p).get("Roles")).toList();
    for (String stage : List.of("Checkout", "Publish", "Report")) {
      String role = TEMPLATE.findResources("AWS::IAM::Role").keySet().stream()
          .filter(id -> id.startsWith("Pipeline" + stage + "StageRole")).findFirst().orElseThrow();
      assertThat(readerRoles).contains(List.of(Map.of("Ref", role)));
      TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of("Description", "Runs the " + stage.toLowerCase() + " stage",
          "Environment", Map.of("Variables", Match.objectLike(Map.of("GANTRY_GIT_SECRET_ARN", Map.of("Ref", gitSecret))))));
    }
    Map<String, Map<String, Object>> withSecret = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
        Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of("GANTRY_GIT_SECRET_ARN", Match.anyValue()))))));
    assertThat(withSecret).hasSize(3);
  }

  @Test
  void separation_of_duties_is_on_in_aws_unless_the_context_allows_self_approval() {
    TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of("Description", "Gantry HTTP API",
        "Environment", Map.of("Variables", Match.objectLike(Map.of("GANTRY_ALLOW_SELF_APPROVAL", "false")))));
    Synthesized.with(Map.of("allowSelfApproval", "true")).template.hasResourceProperties("AWS::Lambda::Function",
        Map.of("Description", "Gantry HTTP API",
            "Environment", Map.of("Variables", Match.objectLike(Map.of("GANTRY_ALLOW_SELF_APPROVAL", "true")))));
  }

  @Test
  void the_report_function_links_review_commit_statuses_to_the_sessions_api_route() {
    Map<String, Map<String, Object>> report = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
        Map.of("Description", "Runs the report stage")));
    assertThat(report).hasSize(1);
    Object link = ((Map<?, ?>) ((Map<?, ?>) props(report.values().iterator().next()).get("Environment")).get("Variables"))
        .get(dev.gantry.config.EnvironmentVariables.SESSION_LINK);
    String joined = dev.gantry.json.Json.write(link);
    assertThat(joined).contains("https://", ".execute-api.", "/sessions/{sessionId}");
    String api = TEMPLATE.findResources("AWS::ApiGatewayV2::Api").keySet().iterator().next();
    assertThat(joined).contains(api);
  }

  @Test
  void each_stage_function_knows_its_stage_so_only_the_validate_function_loads_the_template_rules_at_start_up() {
    for (StageDefinition stage : Pipelines.standard().stages()) {
      if (!stage.approvalGate()) {
        TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of("Description", "Runs the " + stage.name() + " stage",
            "Environment", Map.of("Variables", Match.objectLike(Map.of(EnvironmentVariables.STAGE, stage.name())))));
      }
    }
  }

  @Test
  void the_webhook_receiver_and_the_push_function_read_the_same_push_rules() {
    for (String description : List.of("Gantry HTTP API", "Starts sessions for repository pushes that match the push rules")) {
      TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of("Description", description,
          "Environment", Map.of("Variables", Match.objectLike(Map.of("GANTRY_PUSH_RULES", "rules: []")))));
    }
  }

  @Test
  void codecommit_repositories_in_context_add_a_reference_updated_rule_on_the_default_bus() {
    String arn = "arn:aws:codecommit:eu-west-1:123456789012:app";
    Template template = Synthesized.with(Map.of("codeCommitRepositoryArns", arn)).template;

    template.resourceCountIs("AWS::Events::Rule", 3);
    template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
        Match.objectLike(Map.of("Sid", "PullConfiguredCodeCommitRepositories", "Action", "codecommit:GitPull", "Resource", arn)))),
        "Version", "2012-10-17"), "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("PipelineCheckoutStageRole.*")))));
    template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
        Match.objectLike(Map.of("Sid", "PushBranchesToConfiguredCodeCommitRepositories",
            "Action", List.of("codecommit:GitPull", "codecommit:GitPush"), "Resource", arn)))),
        "Version", "2012-10-17"), "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("PipelinePublishStageRole.*")))));
    assertThat(template.toJSON().toString().split("codecommit:GitPush", -1)).as("only the publish role may push").hasSize(2);
    assertThat(TEMPLATE.toJSON().toString()).doesNotContain("codecommit:GitPull");
    template.hasResourceProperties("AWS::Events::Rule", Map.of(
        "EventPattern", Map.of("source", List.of("aws.codecommit"), "detail-type", List.of("CodeCommit Repository State Change"),
            "resources", List.of(arn), "detail", Map.of("event", List.of("referenceUpdated"), "referenceType", List.of("branch"))),
        "Targets", List.of(Match.objectLike(Map.of("DeadLetterConfig", Match.anyValue())))));
  }

  @Test
  void no_resource_depends_on_itself_through_references_which_cloudformation_would_refuse() {
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) TEMPLATE.toJSON().get("Resources");
    Map<String, java.util.Set<String>> edges = new java.util.HashMap<>();
    resources.forEach((name, resource) -> {
      java.util.Set<String> targets = new java.util.HashSet<>();
      references(resource.get("Properties"), resources.keySet(), targets);
      Object dependsOn = resource.get("DependsOn");
      if (dependsOn instanceof String one) {
        targets.add(one);
      } else if (dependsOn instanceof List<?> many) {
        many.forEach(d -> targets.add((String) d));
      }
      edges.put(name, targets);
    });

    Map<String, Integer> state = new java.util.HashMap<>();
    for (String name : edges.keySet()) {
      assertThat(cycleFrom(name, edges, state)).as("reference cycle through %s", name).isFalse();
    }
  }

  static void references(Object node, java.util.Set<String> names, java.util.Set<String> into) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> {
        if ("Ref".equals(key) && value instanceof String ref && names.contains(ref)) {
          into.add(ref);
        } else if ("Fn::GetAtt".equals(key) && value instanceof List<?> att && names.contains(att.get(0))) {
          into.add((String) att.get(0));
        } else {
          references(value, names, into);
        }
      });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> references(item, names, into));
    }
  }

  static boolean cycleFrom(String name, Map<String, java.util.Set<String>> edges, Map<String, Integer> state) {
    Integer seen = state.get(name);
    if (seen != null) {
      return seen == 1;
    }
    state.put(name, 1);
    for (String next : edges.getOrDefault(name, java.util.Set.of())) {
      if (cycleFrom(next, edges, state)) {
        return true;
      }
    }
    state.put(name, 2);
    return false;
  }

  @Test
  void the_outputs_give_the_api_url_bus_state_machine_and_bucket() {
    assertThat(TEMPLATE.findOutputs("*").keySet())
        .contains("ApiUrl", "EventBusName", "StateMachineArn", "DocumentsBucketName", "WebhookSecretArn");
  }

  @Test
  void bad_context_values_are_refused_with_the_key_named() {
    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("jwtIssuer", "http://x")::get,
        Synthesized.LAMBDA_JARS)).hasMessageStartingWith("context jwtIssuer:");
    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("jwtIssuer", "https://x")::get,
        Synthesized.LAMBDA_JARS)).hasMessageStartingWith("context jwtAudience:");
    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("throttleBurst", "lots")::get,
        Synthesized.LAMBDA_JARS)).hasMessageStartingWith("context throttleBurst:");
    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("codeCommitRepositoryArns", "app")::get,
        Synthesized.LAMBDA_JARS)).hasMessageStartingWith("context codeCommitRepositoryArns:");
  }

  @Test
  void a_push_rules_file_is_checked_at_synth_so_no_function_fails_at_start_up(@TempDir Path dir) throws IOException {
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "rules:\n  - repository: octo-org/app\n    branch: [main]\n");
    Path local = Files.writeString(dir.resolve("local.yaml"), "rules:\n  - repository: octo-org/app\n    path: /home/me/app\n");
    Path good = Files.writeString(dir.resolve("good.yaml"), "rules:\n  - repository: octo-org/app\n    branches: [main]\n");
    Path foreign = Files.writeString(dir.resolve("foreign.yaml"), "rules:\n  - repository: octo-org/app\n    stack: orders-prod\n");

    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("pushRulesFile", typo.toString())::get,
        Synthesized.LAMBDA_JARS)).hasMessage("context pushRulesFile " + typo + ": rules[0]: unknown field 'branch' "
            + "(use repository, branches, stack, path, pipeline, agents)");
    Path unknownPipeline = Files.writeString(dir.resolve("pipeline.yaml"), "rules:\n  - repository: octo-org/app\n    pipeline: ship\n");
    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("pushRulesFile", unknownPipeline.toString())::get,
        Synthesized.LAMBDA_JARS)).hasMessage("context pushRulesFile " + unknownPipeline + ": rules[0].pipeline: no pipeline 'ship': "
            + "choose one of deliver, design, review, implement");
    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("pushRulesFile", local.toString())::get,
        Synthesized.LAMBDA_JARS)).hasMessageStartingWith("context pushRulesFile " + local + ": rules[0].path names a local checkout");
    assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("pushRulesFile", foreign.toString())::get,
        Synthesized.LAMBDA_JARS)).hasMessage("context pushRulesFile " + foreign + ": rules[0].stack orders-prod does not start "
            + "with the stack prefix gantry-: Gantry may deploy only gantry-* stacks");
    assertThat(DeploymentSettings.fromContext(Map.<String, Object>of("pushRulesFile", foreign.toString(), "stackPrefix", "orders-")::get,
        Synthesized.LAMBDA_JARS).pushRules()).isEqualTo(Files.readString(foreign));
    assertThat(DeploymentSettings.fromContext(Map.<String, Object>of("pushRulesFile", good.toString())::get,
        Synthesized.LAMBDA_JARS).pushRules()).isEqualTo(Files.readString(good));
  }
}
