package dev.gantry.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.StageDefinition.CloudFormationUse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.IConstruct;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;

/**
 * The deployed stacks' CloudFormation service role, their permissions boundary and what {@link
 * StackDeploymentAccess#grantDeploy} adds, read from synthesized templates: the Gantry stack with
 * default context, with a custom prefix and services, and a small stack whose one function is
 * granted deploy access.
 */
class StackDeploymentAccessTest {
  static final String PARTITION = "<AWS::Partition>";
  static final String REGION = "<AWS::Region>";
  static final String ACCOUNT = "<AWS::AccountId>";

  static Synthesized defaults;
  static Synthesized custom;
  static Granted granted;

  /** A stack with the deploy access and one function granted each use, checked by cdk-nag. */
  record Granted(Stack stack, StackDeploymentAccess access, Map<CloudFormationUse, GantryFunction> functions, Template template,
      Annotations annotations) {}

  @BeforeAll
  static void synthesize() throws Exception {
    defaults = Synthesized.defaults();
    custom = Synthesized.with(Map.of("stackPrefix", "team-", "deployServices", "lambda, dynamodb"));

    App app = new App(AppProps.builder().outdir(Files.createTempDirectory("gantry-deploy-access").toString()).build());
    Stack stack = new Stack(app, "DeployAccessTest");
    StackDeploymentAccess access = new StackDeploymentAccess(stack, "DeployAccess", new StackDeploymentAccess.Props(
        DeploymentSettings.DEFAULT_STACK_PREFIX, DeploymentSettings.DEFAULT_DEPLOY_SERVICES));
    Code code = Code.fromBucket(Bucket.fromBucketName(stack, "Code", "example-code-bucket"), "example.jar", "example-version");
    LambdaPackages packages = new LambdaPackages(java.util.Arrays.stream(LambdaRole.values())
        .collect(java.util.stream.Collectors.toMap(role -> role, role -> code)));
    Map<CloudFormationUse, GantryFunction> functions = new java.util.EnumMap<>(CloudFormationUse.class);
    for (CloudFormationUse use : CloudFormationUse.values()) {
      GantryFunction function = new GantryFunction(stack, "Deployer" + use.ordinal(), new GantryFunction.Props(LambdaRole.STAGE,
          "a deploy stage: " + use, 512, Duration.seconds(30), packages, Map.of()));
      access.grantDeploy(function, use);
      functions.put(use, function);
    }
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    granted = new Granted(stack, access, functions, Template.fromStack(stack), Annotations.fromStack(stack));
  }

  // ---------------------------------------------------------------- the boundary

  @Test
  void the_boundary_allows_the_configured_services_and_lambda_basics_and_denies_administration_and_changes_to_itself() {
    // GIVEN the Gantry stack with default context
    Template template = defaults.template;
    String boundary = logicalId(defaults.stack, defaults.stack.deployAccess().boundary());

    // WHEN its customer managed policy is read (the others are the API's invoke policies, one per scope)
    template.resourceCountIs("AWS::IAM::ManagedPolicy", 1 + defaults.stack.api().accessPolicies().size());
    Map<String, Object> properties = properties(template, "AWS::IAM::ManagedPolicy", boundary);
    String name = flat(properties.get("ManagedPolicyName"));

    // THEN it allows the default services and Lambda's logs and traces, and denies the rest and changes to itself
    assertThat(name).matches("GantryDeployAccess[0-9A-F]{8}-DeployedStackBoundary-<AWS::Region>");
    assertThat(statements(properties)).extracting(s -> s.get("Sid")).containsExactly(
        StackDeploymentAccess.SID_BOUNDARY_SERVICES, StackDeploymentAccess.SID_BOUNDARY_LAMBDA_BASICS,
        StackDeploymentAccess.SID_BOUNDARY_DENY_ADMIN, StackDeploymentAccess.SID_BOUNDARY_DENY_SELF,
        StackDeploymentAccess.SID_DENY_GANTRY);
    assertStatement(statement(properties, StackDeploymentAccess.SID_BOUNDARY_SERVICES), "Allow",
        List.of("lambda:*", "apigateway:*", "dynamodb:*", "s3:*", "sqs:*", "sns:*", "events:*", "states:*", "logs:*"),
        List.of("*"), null);
    assertStatement(statement(properties, StackDeploymentAccess.SID_BOUNDARY_LAMBDA_BASICS), "Allow",
        List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments",
            "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"),
        List.of("*"), null);
    assertStatement(statement(properties, StackDeploymentAccess.SID_BOUNDARY_DENY_ADMIN), "Deny",
        List.of("iam:*", "organizations:*", "account:*"), List.of("*"), null);
    assertStatement(statement(properties, StackDeploymentAccess.SID_BOUNDARY_DENY_SELF), "Deny",
        List.of("iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"),
        List.of("arn:" + PARTITION + ":iam::" + ACCOUNT + ":policy/" + name), null);
  }

  // ---------------------------------------------------------------- the deploy role

  @Test
  void the_deploy_role_is_assumed_only_by_cloudformation_on_behalf_of_this_account() {
    // GIVEN the Gantry stack with default context
    String role = logicalId(defaults.stack, defaults.stack.deployAccess().role());

    // WHEN the deploy role's trust policy is read
    Map<String, Object> trust = map(properties(defaults.template, "AWS::IAM::Role", role).get("AssumeRolePolicyDocument"));

    // THEN CloudFormation alone may assume it
    assertThat(trust.get("Statement")).isEqualTo(List.of(Map.of(
        "Action", "sts:AssumeRole",
        "Effect", "Allow",
        "Principal", Map.of("Service", "cloudformation.amazonaws.com"))));
    assertThat(properties(defaults.template, "AWS::IAM::Role", role)).doesNotContainKeys("ManagedPolicyArns",
        "PermissionsBoundary");
  }

  @Test
  void the_deploy_role_uses_the_configured_services_and_manages_only_prefixed_roles_and_users_within_the_boundary() {
    // GIVEN the Gantry stack with default context
    Stack stack = defaults.stack;
    Map<String, Object> role = properties(defaults.template, "AWS::IAM::Role", logicalId(stack, defaults.stack.deployAccess().role()));
    String boundary = "<" + logicalId(stack, defaults.stack.deployAccess().boundary()) + ">";
    String roles = "arn:" + PARTITION + ":iam::" + ACCOUNT + ":role/gantry-*";
    String users = "arn:" + PARTITION + ":iam::" + ACCOUNT + ":user/gantry-*";
    Map<String, Map<String, String>> withBoundary = Map.of("StringEquals", Map.of("iam:PermissionsBoundary", boundary));

    // WHEN its inline policies are read
    Map<String, Map<String, Object>> policies = inlinePolicies(role);

    // THEN the services are allowed on any resource, IAM only on prefixed roles and users that carry the boundary
    assertThat(policies).containsOnlyKeys(StackDeploymentAccess.POLICY_SERVICES, StackDeploymentAccess.POLICY_IDENTITIES);
    Map<String, Object> services = policies.get(StackDeploymentAccess.POLICY_SERVICES);
    assertThat(statements(services)).hasSize(1);
    assertStatement(statement(services, StackDeploymentAccess.SID_ROLE_SERVICES), "Allow",
        DeploymentSettings.DEFAULT_DEPLOY_SERVICES.stream().map(s -> s + ":*").toList(), List.of("*"), null);

    Map<String, Object> identities = policies.get(StackDeploymentAccess.POLICY_IDENTITIES);
    assertThat(statements(identities)).extracting(s -> s.get("Sid")).containsExactly(
        StackDeploymentAccess.SID_CREATE_ROLES, StackDeploymentAccess.SID_MANAGE_ROLES, StackDeploymentAccess.SID_PASS_ROLES,
        StackDeploymentAccess.SID_CREATE_USERS, StackDeploymentAccess.SID_MANAGE_USERS,
        StackDeploymentAccess.SID_DENY_REMOVE_BOUNDARY, StackDeploymentAccess.SID_DENY_CHANGE_BOUNDARY);
    assertStatement(statement(identities, StackDeploymentAccess.SID_CREATE_ROLES), "Allow",
        List.of("iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
            "iam:PutRolePolicy", "iam:DeleteRolePolicy"), List.of(roles), withBoundary);
    assertStatement(statement(identities, StackDeploymentAccess.SID_MANAGE_ROLES), "Allow",
        StackDeploymentAccess.ROLE_MANAGE_ACTIONS, List.of(roles), null);
    assertStatement(statement(identities, StackDeploymentAccess.SID_PASS_ROLES), "Allow",
        List.of("iam:PassRole"), List.of(roles), null);
    assertStatement(statement(identities, StackDeploymentAccess.SID_CREATE_USERS), "Allow",
        List.of("iam:CreateUser", "iam:PutUserPermissionsBoundary", "iam:AttachUserPolicy", "iam:DetachUserPolicy",
            "iam:PutUserPolicy", "iam:DeleteUserPolicy"), List.of(users), withBoundary);
    assertStatement(statement(identities, StackDeploymentAccess.SID_MANAGE_USERS), "Allow",
        StackDeploymentAccess.USER_MANAGE_ACTIONS, List.of(users), null);
    // the unconditioned IAM actions only read, tag, update or delete: none creates, attaches or writes a policy
    for (String sid : List.of(StackDeploymentAccess.SID_MANAGE_ROLES, StackDeploymentAccess.SID_MANAGE_USERS)) {
      assertThat(actions(statement(identities, sid))).allSatisfy(action -> assertThat(action)
          .matches("iam:(Get|List|Tag|Untag|Update|Delete)[A-Za-z]+").doesNotContain("PermissionsBoundary")
          .isNotIn(StackDeploymentAccess.ROLE_BOUNDARY_ACTIONS).isNotIn(StackDeploymentAccess.USER_BOUNDARY_ACTIONS));
    }
    // no Allow anywhere in the role names iam on any resource
    for (Map<String, Object> policy : policies.values()) {
      for (Map<String, Object> allow : statements(policy)) {
        if ("Allow".equals(allow.get("Effect")) && resources(allow).contains("*")) {
          assertThat(actions(allow)).noneMatch(action -> action.startsWith("iam:"));
        }
      }
    }
  }

  @Test
  void neither_the_deploy_role_nor_any_role_within_the_boundary_may_touch_gantrys_own_resources() {
    // GIVEN the Gantry stack WHEN the role's and the boundary's statements are read
    GantryStack stack = defaults.stack;
    Map<String, Object> role = properties(defaults.template, "AWS::IAM::Role", logicalId(stack, stack.deployAccess().role()));
    Map<String, Object> boundary = properties(defaults.template, "AWS::IAM::ManagedPolicy",
        logicalId(stack, stack.deployAccess().boundary()));
    List<Map<String, Object>> roleStatements = new ArrayList<>();
    defaults.template.findResources("AWS::IAM::Policy").values().stream().map(StackDeploymentAccessTest::properties)
        .filter(p -> ((List<?>) p.get("Roles")).contains(Map.of("Ref", logicalId(stack, stack.deployAccess().role()))))
        .forEach(p -> roleStatements.addAll(statements(map(p.get("PolicyDocument")))));

    // THEN both deny everything on the tables, the documents bucket, the bus, the state machine and the functions
    for (Map<String, Object> deny : List.of(sid(roleStatements, StackDeploymentAccess.SID_DENY_GANTRY),
        sid(statements(boundary), StackDeploymentAccess.SID_DENY_GANTRY))) {
      assertThat(deny.get("Effect")).isEqualTo("Deny");
      assertThat(actions(deny)).containsExactly("*");
      String resources = String.valueOf(deny.get("Resource"));
      assertThat(resources).contains(logicalId(stack, stack.storage().documents()), logicalId(stack, stack.storage().sessions()),
          logicalId(stack, stack.storage().audit()), "function:");
    }
    assertThat(role).isNotNull();
  }

  @Test
  void the_deploy_role_may_neither_remove_a_boundary_nor_change_or_delete_the_boundary_policy() {
    // GIVEN the Gantry stack with default context
    GantryStack stack = defaults.stack;
    Map<String, Object> role = properties(defaults.template, "AWS::IAM::Role", logicalId(stack, stack.deployAccess().role()));

    // WHEN the identities policy is read
    Map<String, Object> identities = inlinePolicies(role).get(StackDeploymentAccess.POLICY_IDENTITIES);

    // THEN both denies are there, on any role or user and on the boundary
    assertStatement(statement(identities, StackDeploymentAccess.SID_DENY_REMOVE_BOUNDARY), "Deny",
        List.of("iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"), List.of("*"), null);
    assertStatement(statement(identities, StackDeploymentAccess.SID_DENY_CHANGE_BOUNDARY), "Deny",
        List.of("iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"),
        List.of("<" + logicalId(stack, stack.deployAccess().boundary()) + ">"), null);
  }

  // ---------------------------------------------------------------- grantDeploy

  /**
   * The statements with a Sid on the role of the function granted {@code use}, every other one being
   * its log writes or its X-Ray trace writes (active tracing).
   */
  static List<Map<String, Object>> grantedStatements(CloudFormationUse use) {
    String functionRole = logicalId(granted.stack(), granted.functions().get(use).role());
    List<Map<String, Object>> statements = new ArrayList<>();
    granted.template().findResources("AWS::IAM::Policy").values().stream()
        .map(StackDeploymentAccessTest::properties)
        .filter(p -> p.get("Roles").equals(List.of(Map.of("Ref", functionRole))))
        .forEach(p -> statements.addAll(statements(map(p.get("PolicyDocument")))));
    assertThat(statements).filteredOn(s -> !s.containsKey("Sid"))
        .allSatisfy(s -> assertThat(actions(s)).allMatch(action -> action.startsWith("logs:")
            || action.equals("xray:PutTraceSegments") || action.equals("xray:PutTelemetryRecords")));
    return statements.stream().filter(s -> s.containsKey("Sid")).toList();
  }

  @Test
  void making_change_sets_gets_create_through_the_deploy_role_describe_the_transforms_and_passing_the_role() {
    // GIVEN the function granted MAKE_CHANGE_SETS WHEN its statements are read
    List<Map<String, Object>> statements = grantedStatements(CloudFormationUse.MAKE_CHANGE_SETS);
    String deployRole = "<" + logicalId(granted.stack(), granted.access().role()) + ".Arn>";
    String stacks = "arn:" + PARTITION + ":cloudformation:" + REGION + ":" + ACCOUNT + ":stack/gantry-*/*";

    // THEN it may create change sets only as the deploy role, read them, use the AWS transforms and pass the role
    assertThat(statements).extracting(s -> s.get("Sid")).containsExactly(
        StackDeploymentAccess.SID_CHANGE_SETS_AS_DEPLOY_ROLE, StackDeploymentAccess.SID_REVIEW_AND_EXECUTE,
        StackDeploymentAccess.SID_TRANSFORMS, StackDeploymentAccess.SID_PASS_DEPLOY_ROLE);
    assertStatement(sid(statements, StackDeploymentAccess.SID_CHANGE_SETS_AS_DEPLOY_ROLE), "Allow",
        List.of("cloudformation:CreateChangeSet"), List.of(stacks),
        Map.of("StringEquals", Map.of("cloudformation:RoleArn", deployRole)));
    assertStatement(sid(statements, StackDeploymentAccess.SID_REVIEW_AND_EXECUTE), "Allow",
        List.of("cloudformation:DescribeChangeSet", "cloudformation:DescribeChangeSetHooks", "cloudformation:DescribeStacks"),
        List.of(stacks), null);
    assertStatement(sid(statements, StackDeploymentAccess.SID_TRANSFORMS), "Allow",
        List.of("cloudformation:CreateChangeSet"),
        List.of("arn:" + PARTITION + ":cloudformation:" + REGION + ":aws:transform/Serverless-2016-10-31",
            "arn:" + PARTITION + ":cloudformation:" + REGION + ":aws:transform/LanguageExtensions"), null);
    assertStatement(sid(statements, StackDeploymentAccess.SID_PASS_DEPLOY_ROLE), "Allow", List.of("iam:PassRole"),
        List.of(deployRole), Map.of("StringEquals", Map.of("iam:PassedToService", "cloudformation.amazonaws.com")));
  }

  @Test
  void executing_change_sets_gets_describe_and_execute_only_and_never_the_role() {
    // GIVEN the function granted EXECUTE_CHANGE_SETS WHEN its statements are read
    List<Map<String, Object>> statements = grantedStatements(CloudFormationUse.EXECUTE_CHANGE_SETS);
    String stacks = "arn:" + PARTITION + ":cloudformation:" + REGION + ":" + ACCOUNT + ":stack/gantry-*/*";

    // THEN it may read and execute change sets of prefixed stacks and nothing else
    assertThat(statements).extracting(s -> s.get("Sid")).containsExactly(StackDeploymentAccess.SID_REVIEW_AND_EXECUTE);
    assertStatement(statements.get(0), "Allow", List.of("cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet"),
        List.of(stacks), null);
  }

  @Test
  void watching_stacks_gets_status_events_resources_and_deletion_through_the_deploy_role() {
    // GIVEN the function granted WATCH_STACKS WHEN its statements are read
    List<Map<String, Object>> statements = grantedStatements(CloudFormationUse.WATCH_STACKS);
    String deployRole = "<" + logicalId(granted.stack(), granted.access().role()) + ".Arn>";
    String stacks = "arn:" + PARTITION + ":cloudformation:" + REGION + ":" + ACCOUNT + ":stack/gantry-*/*";

    // THEN it may read stacks and delete one only as the deploy role, which it may pass
    assertThat(statements).extracting(s -> s.get("Sid")).containsExactly(StackDeploymentAccess.SID_CHANGE_SETS_AS_DEPLOY_ROLE,
        StackDeploymentAccess.SID_REVIEW_AND_EXECUTE, StackDeploymentAccess.SID_PASS_DEPLOY_ROLE);
    assertStatement(sid(statements, StackDeploymentAccess.SID_CHANGE_SETS_AS_DEPLOY_ROLE), "Allow",
        List.of("cloudformation:DeleteStack"), List.of(stacks), Map.of("StringEquals", Map.of("cloudformation:RoleArn", deployRole)));
    assertStatement(sid(statements, StackDeploymentAccess.SID_REVIEW_AND_EXECUTE), "Allow", List.of(
        "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:ListStackResources"),
        List.of(stacks), null);
  }

  @Test
  void only_the_changeset_deploy_and_verify_functions_may_call_cloudformation_or_pass_the_deploy_role() {
    // GIVEN the Gantry stack with default context and the roles of the three deploy stage functions
    GantryStack stack = defaults.stack;
    Set<String> deployStages = PipelineDefinition.standard().stages().stream()
        .filter(stage -> Set.of("changeset", "deploy", "verify").contains(stage.name()))
        .map(stage -> stage.stateName() + "Stage").collect(Collectors.toSet());
    Set<Map<String, Object>> deployStageRoles = stack.pipeline().functions().entrySet().stream()
        .filter(e -> deployStages.contains(e.getKey()))
        .map(e -> Map.<String, Object>of("Ref", logicalId(stack, e.getValue().role())))
        .collect(Collectors.toSet());

    // WHEN the policies that name CloudFormation, or the deploy role, are found
    String deployRole = "<" + logicalId(stack, stack.deployAccess().role()) + ".Arn>";
    List<Map<String, Object>> holders = defaults.template.findResources("AWS::IAM::Policy").values().stream()
        .map(StackDeploymentAccessTest::properties)
        .filter(p -> statements(map(p.get("PolicyDocument"))).stream().anyMatch(s ->
            actions(s).stream().anyMatch(a -> a.startsWith("cloudformation:"))
                || resources(s).stream().anyMatch(deployRole::equals)))
        .toList();

    // THEN each is attached to one of those roles and no other
    assertThat(holders).allSatisfy(p -> assertThat((List<?>) p.get("Roles")).hasSize(1)
        .allSatisfy(r -> assertThat(deployStageRoles).contains(map(r))));
  }

  // ---------------------------------------------------------------- environment and outputs

  @Test
  void the_environment_names_the_cloudformation_mode_the_deploy_role_the_boundary_and_the_stack_prefix() {
    // GIVEN the deploy access of the Gantry stack
    StackDeploymentAccess access = defaults.stack.deployAccess();

    // WHEN its environment is resolved
    Map<String, String> environment = access.environment();

    // THEN it names the mode, the role, the boundary and the prefix
    assertThat(environment).containsOnlyKeys(EnvironmentVariables.DEPLOY_MODE, EnvironmentVariables.DEPLOY_ROLE_ARN,
        EnvironmentVariables.DEPLOY_BOUNDARY_ARN, EnvironmentVariables.STACK_PREFIX);
    assertThat(defaults.stack.resolve(environment.get(EnvironmentVariables.DEPLOY_BOUNDARY_ARN)))
        .isEqualTo(defaults.stack.resolve(access.boundary().getManagedPolicyArn()));
    assertThat(environment).containsEntry(EnvironmentVariables.DEPLOY_MODE, "cloudformation")
        .containsEntry(EnvironmentVariables.STACK_PREFIX, "gantry-");
    assertThat(defaults.stack.resolve(environment.get(EnvironmentVariables.DEPLOY_ROLE_ARN)))
        .isEqualTo(Map.of("Fn::GetAtt", List.of(logicalId(defaults.stack, access.role()), "Arn")));
  }

  @Test
  void the_outputs_give_the_deploy_role_and_boundary_arns() {
    // GIVEN the Gantry stack with default context
    GantryStack stack = defaults.stack;

    // WHEN its outputs are read
    Map<String, Map<String, Object>> outputs = defaults.template.findOutputs("*");

    // THEN the deploy role and boundary ARNs are among them
    assertThat(outputs.get("DeployRoleArn")).containsEntry("Value",
        Map.of("Fn::GetAtt", List.of(logicalId(stack, stack.deployAccess().role()), "Arn")));
    assertThat(outputs.get("DeployBoundaryArn")).containsEntry("Value",
        Map.of("Ref", logicalId(stack, stack.deployAccess().boundary())));
  }

  // ---------------------------------------------------------------- context

  @Test
  void a_stack_prefix_and_deploy_services_from_context_change_the_policies() {
    // GIVEN the Gantry stack with stackPrefix team- and deployServices lambda, dynamodb
    GantryStack stack = custom.stack;
    Map<String, Object> role = properties(custom.template, "AWS::IAM::Role", logicalId(stack, stack.deployAccess().role()));
    Map<String, Object> boundary = properties(custom.template, "AWS::IAM::ManagedPolicy",
        logicalId(stack, stack.deployAccess().boundary()));

    // WHEN the role's and the boundary's statements are read
    Map<String, Map<String, Object>> policies = inlinePolicies(role);
    Map<String, Object> identities = policies.get(StackDeploymentAccess.POLICY_IDENTITIES);

    // THEN they name the team- roles and users, and only lambda and dynamodb
    assertThat(actions(statement(policies.get(StackDeploymentAccess.POLICY_SERVICES), StackDeploymentAccess.SID_ROLE_SERVICES)))
        .containsExactly("lambda:*", "dynamodb:*");
    assertThat(actions(statement(boundary, StackDeploymentAccess.SID_BOUNDARY_SERVICES))).containsExactly("lambda:*", "dynamodb:*");
    for (String sid : List.of(StackDeploymentAccess.SID_CREATE_ROLES, StackDeploymentAccess.SID_MANAGE_ROLES,
        StackDeploymentAccess.SID_PASS_ROLES)) {
      assertThat(resources(statement(identities, sid))).containsExactly("arn:" + PARTITION + ":iam::" + ACCOUNT + ":role/team-*");
    }
    for (String sid : List.of(StackDeploymentAccess.SID_CREATE_USERS, StackDeploymentAccess.SID_MANAGE_USERS)) {
      assertThat(resources(statement(identities, sid))).containsExactly("arn:" + PARTITION + ":iam::" + ACCOUNT + ":user/team-*");
    }
    assertThat(stack.deployAccess().environment()).containsEntry(EnvironmentVariables.STACK_PREFIX, "team-");
    assertThat(custom.template.toJSON().toString().contains("gantry-*")).as("the default prefix is gone").isFalse();
    // every function that starts or runs sessions (API, pushes, stages, approvals) checks stack names against team-
    Map<String, Map<String, Object>> functions = custom.template.findResources("AWS::Lambda::Function");
    assertThat(functions).isNotEmpty().allSatisfy((id, function) -> assertThat(
        ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) function.get("Properties")).get("Environment")).get("Variables"))
            .get(EnvironmentVariables.STACK_PREFIX)).as(id).isEqualTo("team-"));
  }

  @Test
  void without_context_the_prefix_is_gantry_and_the_services_are_the_serverless_ones() {
    // GIVEN no context WHEN the settings are read
    DeploymentSettings settings = DeploymentSettings.fromContext(Map.<String, Object>of()::get, Synthesized.LAMBDA_JARS);
    DeploymentSettings listed = DeploymentSettings.fromContext(
        Map.<String, Object>of("deployServices", List.of("lambda", "s3", "lambda"))::get, Synthesized.LAMBDA_JARS);

    // THEN the defaults apply, and a context list (as cdk.json may give) works like a comma-separated string
    assertThat(settings.stackPrefix()).isEqualTo("gantry-");
    assertThat(settings.deployServices()).containsExactly("lambda", "apigateway", "dynamodb", "s3", "sqs", "sns", "events",
        "states", "logs").doesNotContain("iam");
    assertThat(listed.deployServices()).containsExactly("lambda", "s3");
  }

  @Test
  void bad_stack_prefixes_and_deploy_services_are_refused_with_the_key_named() {
    for (String prefix : List.of("1gantry-", "-gantry", "gantry_", "gantry/", "g" + "x".repeat(64))) {
      assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("stackPrefix", prefix)::get,
          Synthesized.LAMBDA_JARS)).as(prefix).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("context stackPrefix: '" + prefix + "'");
    }
    for (String services : List.of("iam", "lambda,sts", "organizations", "account", "cloudformation", "Lambda", "s3:*",
        "lambda,,dynamodb db")) {
      assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("deployServices", services)::get,
          Synthesized.LAMBDA_JARS)).as(services).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("context deployServices: '");
    }
    assertThatThrownBy(() -> new StackDeploymentAccess.Props("gantry-", List.of("lambda", "iam")))
        .hasMessageStartingWith("services: 'iam' may not be given");
    assertThatThrownBy(() -> new StackDeploymentAccess.Props("gantry-", List.of()))
        .hasMessageStartingWith("services: give at least one");
  }

  @Test
  void a_gantry_stack_whose_own_name_starts_with_the_stack_prefix_is_refused() {
    // GIVEN a stack name that the default prefix covers WHEN the app is built THEN the prefix is refused
    assertThatThrownBy(() -> GantryApp.build(AppProps.builder().context(Map.of("stackName", "Gantry-prod")).build(),
        Synthesized.LAMBDA_JARS)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("stackPrefix: the stack Gantry-prod that holds the deploy role starts with 'gantry-'");
  }

  // ---------------------------------------------------------------- cdk-nag

  @Test
  void cdk_nag_reports_no_error_or_warning_for_any_of_the_three_stacks() {
    for (Annotations annotations : List.of(defaults.annotations, custom.annotations, granted.annotations())) {
      assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
          .extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
      assertThat(annotations.findWarning("*", Match.anyValue()))
          .extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
    }
  }

  @Test
  void the_wildcard_acknowledgements_name_the_configured_services_and_the_prefixed_patterns_only() {
    // GIVEN the acknowledgements on the custom stack's deploy role and the granted function's role
    List<String> role = appliesTo(custom.template, logicalId(custom.stack, custom.stack.deployAccess().role()));
    List<String> boundary = appliesTo(custom.template, logicalId(custom.stack, custom.stack.deployAccess().boundary()));
    List<String> function = appliesTo(granted.template(),
        logicalId(granted.stack(), granted.functions().get(CloudFormationUse.WATCH_STACKS).role()));

    // THEN they are the exact service list, '*' and the team- patterns, and the gantry- stacks
    assertThat(role).containsExactlyInAnyOrder("/^Action::(lambda|dynamodb):\\*$/", "Resource::*",
        "/^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:(role|user)/team-\\*$/");
    assertThat(boundary).containsExactlyInAnyOrder("/^Action::(lambda|dynamodb):\\*$/", "Resource::*");
    assertThat(function).contains(
        "/^Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/gantry-\\*/\\*$/");
  }

  // ---------------------------------------------------------------- helpers

  static String logicalId(Stack stack, IConstruct construct) {
    IConstruct element = construct instanceof CfnElement ? construct : construct.getNode().getDefaultChild();
    return stack.getLogicalId((CfnElement) element);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  static Map<String, Object> properties(Map<String, Object> resource) {
    return map(resource.get("Properties"));
  }

  static Map<String, Object> properties(Template template, String type, String logicalId) {
    Map<String, Map<String, Object>> found = template.findResources(type);
    assertThat(found).containsKey(logicalId);
    return properties(found.get(logicalId));
  }

  /** A role's inline policies by name. */
  static Map<String, Map<String, Object>> inlinePolicies(Map<String, Object> role) {
    return ((List<?>) role.get("Policies")).stream().map(StackDeploymentAccessTest::map)
        .collect(Collectors.toMap(p -> (String) p.get("PolicyName"), p -> map(p.get("PolicyDocument"))));
  }

  /** The statements of a policy document, or of a managed policy's properties. */
  static List<Map<String, Object>> statements(Map<String, Object> documentOrPolicy) {
    Map<String, Object> document = documentOrPolicy.containsKey("PolicyDocument")
        ? map(documentOrPolicy.get("PolicyDocument")) : documentOrPolicy;
    return ((List<?>) document.get("Statement")).stream().map(StackDeploymentAccessTest::map).toList();
  }

  static Map<String, Object> statement(Map<String, Object> documentOrPolicy, String sid) {
    return sid(statements(documentOrPolicy), sid);
  }

  static Map<String, Object> sid(List<Map<String, Object>> statements, String sid) {
    List<Map<String, Object>> found = statements.stream().filter(s -> sid.equals(s.get("Sid"))).toList();
    assertThat(found).as(sid).hasSize(1);
    return found.get(0);
  }

  static List<String> actions(Map<String, Object> statement) {
    return strings(statement.get("Action"));
  }

  static List<String> resources(Map<String, Object> statement) {
    return strings(statement.get("Resource"));
  }

  static List<String> strings(Object value) {
    return (value instanceof List<?> list ? list : List.of(value)).stream().map(StackDeploymentAccessTest::flat).toList();
  }

  /** A statement's effect, actions (in order), flattened resources and flattened condition; no other keys. */
  static void assertStatement(Map<String, Object> statement, String effect, List<String> actions, List<String> resources,
      Map<String, Map<String, String>> condition) {
    assertThat(statement.get("Effect")).isEqualTo(effect);
    assertThat(actions(statement)).containsExactlyElementsOf(actions);
    assertThat(resources(statement)).containsExactlyElementsOf(resources);
    if (condition == null) {
      assertThat(statement).doesNotContainKey("Condition");
    } else {
      Map<String, Map<String, String>> flattened = new java.util.HashMap<>();
      map(statement.get("Condition")).forEach((operator, keys) -> flattened.put(operator, map(keys).entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> flat(e.getValue())))));
      assertThat(flattened).isEqualTo(condition);
    }
    assertThat(statement.keySet()).isSubsetOf("Sid", "Effect", "Action", "Resource", "Condition");
  }

  /** A CloudFormation value as cdk-nag flattens it: {@code <AWS::Partition>}, {@code <Role.Arn>}; other intrinsics as text. */
  static String flat(Object node) {
    if (node instanceof String text) {
      return text;
    }
    Map<String, Object> value = map(node);
    if (value.containsKey("Fn::Join")) {
      List<?> join = (List<?>) value.get("Fn::Join");
      return ((List<?>) join.get(1)).stream().map(StackDeploymentAccessTest::flat).collect(Collectors.joining((String) join.get(0)));
    }
    if (value.containsKey("Ref")) {
      return "<" + value.get("Ref") + ">";
    }
    if (value.containsKey("Fn::GetAtt")) {
      List<?> attribute = (List<?>) value.get("Fn::GetAtt");
      return "<" + attribute.get(0) + "." + attribute.get(1) + ">";
    }
    return String.valueOf(node); // another intrinsic: compared as text, as cdk-nag does
  }

  /** The IAM5 {@code applies_to} entries of one resource's cdk-nag metadata (regexes as {@code /.../}). */
  static List<String> appliesTo(Template template, String logicalId) {
    Map<String, Object> resource = template.toJSON().entrySet().stream().filter(e -> e.getKey().equals("Resources"))
        .map(e -> map(map(e.getValue()).get(logicalId))).findFirst().orElseThrow();
    List<String> entries = new ArrayList<>();
    for (Object rule : (List<?>) map(map(resource.get("Metadata")).get("cdk_nag")).get("rules_to_suppress")) {
      Map<String, Object> suppression = map(rule);
      if ("AwsSolutions-IAM5".equals(suppression.get("id")) && suppression.get("applies_to") != null) {
        for (Object entry : (List<?>) suppression.get("applies_to")) {
          entries.add(entry instanceof String text ? text : (String) map(entry).get("regex"));
        }
      }
    }
    return entries;
  }
}
