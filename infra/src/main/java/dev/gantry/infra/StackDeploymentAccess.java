package dev.gantry.infra;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.pipeline.StageDefinition.CloudFormationUse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Names;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.UniqueResourceNameOptions;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * What the deploy stages need to reach CloudFormation, and nothing the rest of Gantry needs: a
 * CloudFormation service role that creates, updates and deletes the stacks whose names start with
 * the stack prefix, a permissions boundary that every role or user those stacks create must carry,
 * and {@link #grantDeploy} for the stage functions (changeset, deploy, verify) that call
 * CloudFormation with that role.
 *
 * <p><b>{@code DeployedStackBoundary}</b>, a customer managed policy (the permissions boundary):
 *
 * <ul>
 *   <li>{@value #SID_BOUNDARY_SERVICES}: Allow {@code <service>:*} on {@code *} for each configured
 *       service;
 *   <li>{@value #SID_BOUNDARY_LAMBDA_BASICS}: Allow what a Lambda execution role needs ({@code
 *       logs:CreateLogGroup}, {@code logs:CreateLogStream}, {@code logs:PutLogEvents}, X-Ray's
 *       {@code PutTraceSegments}, {@code PutTelemetryRecords}, {@code GetSamplingRules}, {@code
 *       GetSamplingTargets}) on {@code *};
 *   <li>{@value #SID_BOUNDARY_DENY_ADMIN}: Deny {@code iam:*}, {@code organizations:*}, {@code
 *       account:*} on {@code *};
 *   <li>{@value #SID_BOUNDARY_DENY_SELF}: Deny {@code iam:CreatePolicyVersion}, {@code
 *       iam:DeletePolicy}, {@code iam:DeletePolicyVersion}, {@code iam:SetDefaultPolicyVersion} on
 *       the boundary itself.
 * </ul>
 *
 * A boundary only caps: an entity that carries it may do what both its own policies and the
 * boundary allow (IAM User Guide, "Permissions boundaries for IAM entities"). A policy cannot name
 * its own {@code Ref}, so the boundary has a name derived from its construct path and the region
 * ({@link #boundaryName}), unique per stack and region, and its ARN is built from that name.
 *
 * <p><b>{@code DeployRole}</b>, the CloudFormation service role (CloudFormation User Guide,
 * "CloudFormation service role"), assumable only by {@code cloudformation.amazonaws.com} (as that
 * page prescribes, without conditions CloudFormation does not document setting; who may have it
 * assumed is decided by {@code iam:PassRole}, granted only to the deploy functions), with the
 * inline policies
 *
 * <ul>
 *   <li>{@value #POLICY_SERVICES}: {@value #SID_ROLE_SERVICES}, Allow {@code <service>:*} on {@code *}
 *       for each configured service ({@code iam} never among them);
 *   <li>{@value #POLICY_IDENTITIES}: for {@code role/<prefix>*}:
 *       {@value #SID_CREATE_ROLES} (Allow {@link #ROLE_BOUNDARY_ACTIONS} only with {@code
 *       StringEquals iam:PermissionsBoundary = <boundary ARN>}), {@value #SID_MANAGE_ROLES} (Allow
 *       {@link #ROLE_MANAGE_ACTIONS}), {@value #SID_PASS_ROLES} (Allow {@code iam:PassRole}); the
 *       same for {@code user/<prefix>*}: {@value #SID_CREATE_USERS} ({@link #USER_BOUNDARY_ACTIONS}
 *       with the same condition), {@value #SID_MANAGE_USERS} ({@link #USER_MANAGE_ACTIONS}); and
 *       {@value #SID_DENY_REMOVE_BOUNDARY} (Deny {@code iam:DeleteRolePermissionsBoundary}, {@code
 *       iam:DeleteUserPermissionsBoundary} on {@code *}), {@value #SID_DENY_CHANGE_BOUNDARY} (Deny
 *       {@link #POLICY_CHANGE_ACTIONS} on the boundary).
 * </ul>
 *
 * This is the delegation pattern of the IAM User Guide ("Permissions boundaries for IAM entities",
 * example "Delegating responsibility to others using permissions boundaries"): the role may create
 * and change roles and users only when they carry the boundary, may not take the boundary off, and
 * may not change the boundary.
 *
 * <p>Sources for the condition keys: Service Authorization Reference, "Actions, resources, and
 * condition keys for AWS CloudFormation" ({@code cloudformation:RoleArn}) and "for AWS Identity and
 * Access Management" ({@code iam:PermissionsBoundary}, {@code iam:PassedToService}).
 */
public final class StackDeploymentAccess extends Construct {
  /** A stack prefix: a letter, then up to 63 letters, digits or hyphens (stack names allow those). */
  public static final Pattern STACK_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,63}");
  /** An IAM service prefix, as in {@code lambda:*}. */
  public static final Pattern SERVICE_PREFIX = Pattern.compile("[a-z0-9-]+");
  /**
   * Services never given to the deploy role or the boundary: identity and account administration
   * ({@code iam}, {@code organizations}, {@code account}), credentials ({@code sts}), and {@code
   * cloudformation} itself, since whoever may update a stack uses the service role already
   * associated with it without passing it (CloudFormation User Guide, "CloudFormation service
   * role"), which would let a deployed function change a Gantry stack without an approval.
   */
  public static final Set<String> FORBIDDEN_SERVICES = Set.of("iam", "organizations", "sts", "account", "cloudformation");

  /** The boundary's Allow for the configured services. */
  public static final String SID_BOUNDARY_SERVICES = "AllowConfiguredServices";
  /** The boundary's Allow for a Lambda execution role's logs and traces. */
  public static final String SID_BOUNDARY_LAMBDA_BASICS = "AllowLambdaExecutionLogsAndTraces";
  /** The boundary's Deny of identity, organization and account administration. */
  public static final String SID_BOUNDARY_DENY_ADMIN = "DenyIamOrganizationsAndAccountActions";
  /** The boundary's Deny of changes to itself. */
  public static final String SID_BOUNDARY_DENY_SELF = "DenyChangingOrDeletingThisBoundary";
  /** The deploy role's inline policy for the configured services. */
  public static final String POLICY_SERVICES = "ConfiguredServices";
  /** The deploy role's inline policy for roles and users within the boundary. */
  public static final String POLICY_IDENTITIES = "RolesAndUsersWithinTheBoundary";
  /** The deploy role's Allow for the configured services. */
  public static final String SID_ROLE_SERVICES = "ConfiguredServicesOnAnyResource";
  /** Creating and changing prefixed roles, only with the boundary. */
  public static final String SID_CREATE_ROLES = "CreateOrChangePrefixedRolesOnlyWithTheBoundary";
  /** Reading, tagging, updating and deleting prefixed roles. */
  public static final String SID_MANAGE_ROLES = "ReadTagUpdateAndDeletePrefixedRoles";
  /** Passing prefixed roles to the services that use them. */
  public static final String SID_PASS_ROLES = "PassPrefixedRolesToTheServicesTheyAreFor";
  /** Creating and changing prefixed users, only with the boundary. */
  public static final String SID_CREATE_USERS = "CreateOrChangePrefixedUsersOnlyWithTheBoundary";
  /** Reading, tagging, updating and deleting prefixed users. */
  public static final String SID_MANAGE_USERS = "ReadTagUpdateAndDeletePrefixedUsers";
  /** Deny taking a permissions boundary off any role or user. */
  public static final String SID_DENY_REMOVE_BOUNDARY = "DenyRemovingAnyPermissionsBoundary";
  /** Deny changing or deleting the boundary policy. */
  public static final String SID_DENY_CHANGE_BOUNDARY = "DenyChangingOrDeletingTheBoundaryPolicy";
  /** {@link #grantDeploy}: change sets and stack deletions only with the deploy role. */
  public static final String SID_CHANGE_SETS_AS_DEPLOY_ROLE = "ChangeStacksOnlyAsTheDeployRole";
  /** {@link #grantDeploy}: the calls of the stage's use on prefixed stacks (describe, execute, events). */
  public static final String SID_REVIEW_AND_EXECUTE = "ThisStagesCallsOnPrefixedStacks";
  /** {@link #grantDeploy}: the transforms a change set may use. */
  public static final String SID_TRANSFORMS = "UseTheServerlessAndLanguageExtensionsTransforms";
  /** {@link #grantDeploy}: passing the deploy role, to CloudFormation only. */
  public static final String SID_PASS_DEPLOY_ROLE = "PassTheDeployRoleOnlyToCloudFormation";

  /** Allowed only when the role carries (or is given) the boundary. */
  public static final List<String> ROLE_BOUNDARY_ACTIONS = List.of("iam:CreateRole", "iam:PutRolePermissionsBoundary",
      "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy");
  /** Read, tag, update and delete actions on prefixed roles. */
  public static final List<String> ROLE_MANAGE_ACTIONS = List.of("iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:ListInstanceProfilesForRole", "iam:TagRole", "iam:UntagRole",
      "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole");
  /** Allowed only when the user carries (or is given) the boundary. */
  public static final List<String> USER_BOUNDARY_ACTIONS = List.of("iam:CreateUser", "iam:PutUserPermissionsBoundary",
      "iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPolicy");
  /** Read, tag, update and delete actions on prefixed users (no access keys, passwords or groups). */
  public static final List<String> USER_MANAGE_ACTIONS = List.of("iam:GetUser", "iam:GetUserPolicy", "iam:ListUserPolicies",
      "iam:ListAttachedUserPolicies", "iam:ListUserTags", "iam:TagUser", "iam:UntagUser", "iam:UpdateUser", "iam:DeleteUser");
  /** What would change or delete a managed policy. */
  public static final List<String> POLICY_CHANGE_ACTIONS = List.of("iam:CreatePolicyVersion", "iam:DeletePolicy",
      "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion");
  /** What a Lambda execution role needs beyond the configured services: its logs and traces. */
  public static final List<String> LAMBDA_EXECUTION_ACTIONS = List.of("logs:CreateLogGroup", "logs:CreateLogStream",
      "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
      "xray:GetSamplingTargets");
  /** {@link #grantDeploy}: by use, what may be asked only with {@code cloudformation:RoleArn} = the deploy role. */
  public static final Map<CloudFormationUse, List<String>> AS_DEPLOY_ROLE_ACTIONS = Map.of(
      CloudFormationUse.MAKE_CHANGE_SETS, List.of("cloudformation:CreateChangeSet"),
      CloudFormationUse.EXECUTE_CHANGE_SETS, List.of(),
      CloudFormationUse.WATCH_STACKS, List.of("cloudformation:DeleteStack"));
  /** {@link #grantDeploy}: by use, what may be asked of the prefixed stacks. */
  public static final Map<CloudFormationUse, List<String>> STACK_ACTIONS = Map.of(
      CloudFormationUse.MAKE_CHANGE_SETS, List.of("cloudformation:DescribeChangeSet", "cloudformation:DescribeChangeSetHooks",
          "cloudformation:DescribeStacks"),
      CloudFormationUse.EXECUTE_CHANGE_SETS, List.of("cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet"),
      CloudFormationUse.WATCH_STACKS, List.of("cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents",
          "cloudformation:ListStackResources"));
  /** The AWS-owned transforms a change set may name; CloudFormation authorizes CreateChangeSet on them. */
  public static final List<String> TRANSFORMS = List.of("Serverless-2016-10-31", "LanguageExtensions");

  private final Props props;
  private final Stack stack;
  private final ManagedPolicy boundary;
  private final Role role;

  /**
   * What the deployed stacks may be and use.
   *
   * @param stackPrefix every deployed stack's name, and every role or user it creates, starts with
   *     it; {@link #STACK_PREFIX}
   * @param services IAM service prefixes ({@code lambda}, {@code s3}, ...) the deployed stacks may
   *     use; none of {@link #FORBIDDEN_SERVICES}
   */
  public record Props(String stackPrefix, List<String> services) {
    /** @throws IllegalArgumentException for a malformed prefix, no services, or a malformed or forbidden service */
    public Props {
      services = List.copyOf(services);
      prefixProblem(stackPrefix).ifPresent(problem -> {
        throw new IllegalArgumentException("stackPrefix: " + problem);
      });
      if (services.isEmpty()) {
        throw new IllegalArgumentException("services: give at least one IAM service prefix");
      }
      for (String service : services) {
        serviceProblem(service).ifPresent(problem -> {
          throw new IllegalArgumentException("services: " + problem);
        });
      }
    }
  }

  /**
   * Why {@code prefix} cannot be a stack prefix, if it cannot.
   *
   * @return the reason, empty for a good prefix
   */
  public static Optional<String> prefixProblem(String prefix) {
    if (prefix == null || !STACK_PREFIX.matcher(prefix).matches()) {
      return Optional.of("'" + prefix + "' is not a stack name prefix: a letter, then at most 63 letters, digits or "
          + "hyphens (" + STACK_PREFIX.pattern() + ")");
    }
    return Optional.empty();
  }

  /**
   * Why {@code service} cannot be a deploy service, if it cannot.
   *
   * @return the reason, empty for a good service prefix
   */
  public static Optional<String> serviceProblem(String service) {
    if (service == null || !SERVICE_PREFIX.matcher(service).matches()) {
      return Optional.of("'" + service + "' is not an IAM service prefix (lowercase letters, digits and hyphens, "
          + "as in lambda or dynamodb)");
    }
    if (FORBIDDEN_SERVICES.contains(service)) {
      return Optional.of("'" + service + "' may not be given to deployed stacks (none of "
          + String.join(", ", new java.util.TreeSet<>(FORBIDDEN_SERVICES)) + "): roles and users are created only "
          + "through the deploy role's boundary-bound IAM statements, and no stack may administer the account, "
          + "mint credentials or change other stacks");
    }
    return Optional.empty();
  }

  /**
   * Creates the boundary and the deploy role.
   *
   * @throws IllegalArgumentException when the enclosing stack's own name starts with the prefix:
   *     the deploy role could then change or delete Gantry's own stack and roles
   */
  public StackDeploymentAccess(Construct scope, String id, Props props) {
    super(scope, id);
    this.props = props;
    this.stack = Stack.of(this);
    String own = stack.getStackName();
    if (own.toLowerCase(Locale.ROOT).startsWith(props.stackPrefix().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("stackPrefix: the stack " + own + " that holds the deploy role starts with '"
          + props.stackPrefix() + "', so deployed stacks could change or delete it and its roles; choose a prefix "
          + "that it does not start with, or another stack name");
    }

    String boundaryName = boundaryName(this);
    String boundaryArn = stack.formatArn(ArnComponents.builder()
        .service("iam").region("").resource("policy").resourceName(boundaryName).build());
    this.boundary = ManagedPolicy.Builder.create(this, "DeployedStackBoundary")
        .managedPolicyName(boundaryName)
        .description("Gantry: the permissions boundary every role or user of a " + props.stackPrefix()
            + "* stack must carry")
        .statements(List.of(
            allow(SID_BOUNDARY_SERVICES, serviceActions(), List.of("*")),
            allow(SID_BOUNDARY_LAMBDA_BASICS, LAMBDA_EXECUTION_ACTIONS, List.of("*")),
            deny(SID_BOUNDARY_DENY_ADMIN, List.of("iam:*", "organizations:*", "account:*"), List.of("*")),
            deny(SID_BOUNDARY_DENY_SELF, POLICY_CHANGE_ACTIONS, List.of(boundaryArn))))
        .build();
    Acknowledgements.deployedStackBoundary(boundary, props.services());

    Map<String, Object> withBoundary = Map.of("StringEquals", Map.of("iam:PermissionsBoundary", boundary.getManagedPolicyArn()));
    String roles = iamArn("role/" + props.stackPrefix() + "*");
    String users = iamArn("user/" + props.stackPrefix() + "*");
    this.role = Role.Builder.create(this, "DeployRole")
        .assumedBy(new ServicePrincipal("cloudformation.amazonaws.com"))
        .description("Gantry: CloudFormation service role for " + props.stackPrefix() + "* stacks")
        .inlinePolicies(Map.of(
            POLICY_SERVICES, PolicyDocument.Builder.create().statements(List.of(
                allow(SID_ROLE_SERVICES, serviceActions(), List.of("*")))).build(),
            POLICY_IDENTITIES, PolicyDocument.Builder.create().statements(List.of(
                allow(SID_CREATE_ROLES, ROLE_BOUNDARY_ACTIONS, List.of(roles), withBoundary),
                allow(SID_MANAGE_ROLES, ROLE_MANAGE_ACTIONS, List.of(roles)),
                allow(SID_PASS_ROLES, List.of("iam:PassRole"), List.of(roles)),
                allow(SID_CREATE_USERS, USER_BOUNDARY_ACTIONS, List.of(users), withBoundary),
                allow(SID_MANAGE_USERS, USER_MANAGE_ACTIONS, List.of(users)),
                deny(SID_DENY_REMOVE_BOUNDARY, List.of("iam:DeleteRolePermissionsBoundary",
                    "iam:DeleteUserPermissionsBoundary"), List.of("*")),
                deny(SID_DENY_CHANGE_BOUNDARY, POLICY_CHANGE_ACTIONS, List.of(boundary.getManagedPolicyArn()))))
                .build()))
        .build();
    Acknowledgements.deployRole(role, props.stackPrefix(), props.services());
  }

  /**
   * The boundary's name: the construct path made unique (at most 80 characters) and the region,
   * so stacks of the same name in two regions of one account do not collide (IAM is global).
   */
  static String boundaryName(Construct access) {
    return Names.uniqueResourceName(access, UniqueResourceNameOptions.builder().maxLength(80).build())
        + "-DeployedStackBoundary-" + Stack.of(access).getRegion();
  }

  /**
   * Lets {@code function} do what {@code use} needs with the prefixed stacks, and nothing else in
   * CloudFormation (Service Authorization Reference, AWS CloudFormation: actions, the {@code
   * cloudformation:RoleArn} condition key). Adds to its role:
   *
   * <ul>
   *   <li>{@value #SID_CHANGE_SETS_AS_DEPLOY_ROLE}: the use's {@link #AS_DEPLOY_ROLE_ACTIONS}
   *       (CreateChangeSet to make change sets, DeleteStack to watch stacks) on {@code
   *       arn:${Partition}:cloudformation:${Region}:${Account}:stack/<prefix>*}{@code /*} only with
   *       {@code StringEquals cloudformation:RoleArn = <deploy role ARN>}, so no change set and no
   *       deletion runs with the function's own permissions or another role;
   *   <li>{@value #SID_REVIEW_AND_EXECUTE}: the use's {@link #STACK_ACTIONS} on the same stacks;
   *   <li>to make change sets, {@value #SID_TRANSFORMS}: {@code cloudformation:CreateChangeSet} on
   *       {@code arn:${Partition}:cloudformation:${Region}:aws:transform/Serverless-2016-10-31} and
   *       {@code .../LanguageExtensions}, which CloudFormation checks for templates that declare them;
   *   <li>where the role is passed (making change sets, deleting stacks), {@value
   *       #SID_PASS_DEPLOY_ROLE}: {@code iam:PassRole} on the deploy role only, with {@code
   *       StringEquals iam:PassedToService = cloudformation.amazonaws.com}.
   * </ul>
   *
   * Executing takes no role: CloudFormation executes a change set with the role it was made with.
   */
  public void grantDeploy(GantryFunction function, CloudFormationUse use) {
    String stacks = "arn:" + stack.getPartition() + ":cloudformation:" + stack.getRegion() + ":" + stack.getAccount()
        + ":stack/" + props.stackPrefix() + "*/*";
    List<String> asRole = AS_DEPLOY_ROLE_ACTIONS.get(use);
    if (!asRole.isEmpty()) {
      function.role().addToPrincipalPolicy(allow(SID_CHANGE_SETS_AS_DEPLOY_ROLE, asRole, List.of(stacks),
          Map.of("StringEquals", Map.of("cloudformation:RoleArn", role.getRoleArn()))));
    }
    function.role().addToPrincipalPolicy(allow(SID_REVIEW_AND_EXECUTE, STACK_ACTIONS.get(use), List.of(stacks)));
    if (use == CloudFormationUse.MAKE_CHANGE_SETS) {
      List<String> transforms = new ArrayList<>();
      for (String transform : TRANSFORMS) {
        transforms.add("arn:" + stack.getPartition() + ":cloudformation:" + stack.getRegion() + ":aws:transform/" + transform);
      }
      function.role().addToPrincipalPolicy(allow(SID_TRANSFORMS, List.of("cloudformation:CreateChangeSet"), transforms));
    }
    if (!asRole.isEmpty()) {
      function.role().addToPrincipalPolicy(allow(SID_PASS_DEPLOY_ROLE, List.of("iam:PassRole"), List.of(role.getRoleArn()),
          Map.of("StringEquals", Map.of("iam:PassedToService", "cloudformation.amazonaws.com"))));
    }
    Acknowledgements.deployedStacks(function.role(), props.stackPrefix());
  }

  /**
   * What the deploy stage functions read: {@code GANTRY_DEPLOY_MODE=cloudformation}, {@code
   * GANTRY_DEPLOY_ROLE_ARN} (the deploy role) and {@code GANTRY_STACK_PREFIX}.
   */
  public Map<String, String> environment() {
    return Map.of(
        EnvironmentVariables.DEPLOY_MODE, "cloudformation",
        EnvironmentVariables.DEPLOY_ROLE_ARN, role.getRoleArn(),
        EnvironmentVariables.DEPLOY_BOUNDARY_ARN, boundary.getManagedPolicyArn(),
        EnvironmentVariables.STACK_PREFIX, props.stackPrefix());
  }

  /** The Deny that keeps deployed stacks and the roles they create away from Gantry's own resources. */
  public static final String SID_DENY_GANTRY = "DenyGantrysOwnResources";

  /**
   * Keeps Gantry's own resources out of reach of the deploy role and of every role a deployed stack
   * creates: an explicit Deny of all actions on them in the role and in the boundary, which no
   * Allow can override (IAM User Guide, "Policy evaluation logic"). Without it the configured
   * services' {@code <service>:*} on {@code *} would cover Gantry's own tables, bucket, bus and
   * functions.
   *
   * @param resourceArns ARNs (or ARN patterns) of Gantry's resources, e.g. a table and {@code <table>/*}
   */
  public void protect(List<String> resourceArns) {
    role.addToPrincipalPolicy(deny(SID_DENY_GANTRY, List.of("*"), resourceArns));
    boundary.addStatements(deny(SID_DENY_GANTRY, List.of("*"), resourceArns));
  }

  /** The CloudFormation service role. */
  public Role role() {
    return role;
  }

  /** The permissions boundary of every role and user a deployed stack creates. */
  public ManagedPolicy boundary() {
    return boundary;
  }

  /** The prefix and services this was built with. */
  public Props props() {
    return props;
  }

  private List<String> serviceActions() {
    return props.services().stream().map(service -> service + ":*").toList();
  }

  private String iamArn(String resource) {
    return "arn:" + stack.getPartition() + ":iam::" + stack.getAccount() + ":" + resource;
  }

  private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
    return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources).build();
  }

  private static PolicyStatement allow(String sid, List<String> actions, List<String> resources,
      Map<String, Object> conditions) {
    return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources)
        .conditions(conditions).build();
  }

  private static PolicyStatement deny(String sid, List<String> actions, List<String> resources) {
    return PolicyStatement.Builder.create().sid(sid).effect(Effect.DENY).actions(actions).resources(resources).build();
  }
}
