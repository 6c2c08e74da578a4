package dev.gantry.deploy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deploy stages' port to CloudFormation: change sets and the stacks they change. In AWS and
 * with {@code --deploy cloudformation} it is CloudFormation itself ({@code
 * deploy.cloudformation.CloudFormationDeployments}); by default on one machine it is {@link
 * DryRunDeployments}, which previews changes against the last executed template and never touches
 * an account. Every method asks once and returns at once: waiting is the caller's job (a Wait state
 * in Step Functions, the local executor's loop), never a sleeping function.
 *
 * <p>Errors: {@link StackOperationException} when CloudFormation cannot be asked (retryable or not);
 * answers CloudFormation gives about the change set or stack are results, not exceptions.
 */
public interface StackDeployments {

  /** {@code cloudformation} or {@code dry-run}, written into every deploy document. */
  String mode();

  /** Whether {@link #executeChangeSet} really changes an account (false for a dry run). */
  boolean executes();

  /**
   * The template parameter Gantry fills with the permissions boundary that roles and users of
   * deployed stacks must carry: a template declares it and sets {@code PermissionsBoundary: !Ref
   * PermissionsBoundaryArn} on each role it creates.
   */
  String BOUNDARY_PARAMETER = "PermissionsBoundaryArn";

  /**
   * The template parameter values Gantry passes, by name, when a template declares them: {@value
   * #BOUNDARY_PARAMETER} when a boundary is configured. Other parameters keep their defaults.
   */
  default Map<String, String> parameterValues() {
    return Map.of();
  }

  /**
   * Creates the change set {@code request} names unless it exists, then describes it once, reading
   * every page of its changes when it is ready. Safe to call again with the same request: the change
   * set is created once ({@code ClientToken}).
   */
  ChangeSetState prepareChangeSet(ChangeSetRequest request);

  /**
   * Executes exactly the change set {@code changeSetId} of {@code stackName}, with {@code
   * clientRequestToken} so a retried call cannot start a second execution. Asks CloudFormation first
   * whether the change set can still be executed.
   *
   * @return {@link Execution#started()} or why nothing was executed (obsolete, or deleted because another change set was executed or the stack was deleted)
   */
  Execution executeChangeSet(String stackName, String changeSetId, String clientRequestToken);

  /** The stack with id (ARN) or name {@code stack}, including a deleted one looked up by id; empty when there is none. */
  Optional<StackDescription> describeStack(String stack);

  /**
   * The stack's events caused by the operation with {@code clientRequestToken}, oldest first (every
   * page read until the operation's first event).
   */
  List<StackEvent> events(String stackId, String clientRequestToken);

  /** The stack's resources, every page. */
  List<StackResource> resources(String stackId);

  /** Deletes the stack through the service role, with {@code clientRequestToken}; returns at once. */
  void deleteStack(String stackId, String clientRequestToken);

  /**
   * What a change set is for.
   *
   * @param stackName the stack, with the configured prefix
   * @param changeSetName {@code [a-zA-Z][-a-zA-Z0-9]*}, at most 128 characters
   * @param clientToken identifies the create request across retries
   * @param templateBody the template text (at most 51,200 bytes for {@code TemplateBody})
   * @param capabilities what the template needs ({@link Capabilities#required})
   * @param parameters template parameter values Gantry passes, by parameter name
   * @param declaredParameters every parameter the template declares: on an update, those the stack
   *     already has and Gantry does not pass keep their previous values ({@code UsePreviousValue}),
   *     as {@code aws cloudformation deploy} does, so a value set outside Gantry is not reset
   * @param description shown in the console, at most 1,024 characters
   */
  record ChangeSetRequest(
      String stackName, String changeSetName, String clientToken, String templateBody, List<String> capabilities,
      Map<String, String> parameters, List<String> declaredParameters, String description) {
    public ChangeSetRequest {
      capabilities = List.copyOf(capabilities);
      parameters = Map.copyOf(parameters);
      declaredParameters = List.copyOf(declaredParameters);
    }
  }

  /** Where a change set is, as one look found it. */
  sealed interface ChangeSetState {}

  /** Still being created ({@code CREATE_PENDING}, {@code CREATE_IN_PROGRESS}). */
  record Pending(String status) implements ChangeSetState {}

  /**
   * Created and executable.
   *
   * @param changeSetId the change set's ARN
   * @param stackId the stack's ARN
   * @param changeSetType {@code CREATE} or {@code UPDATE}
   * @param changes every resource change, in CloudFormation's order
   * @param hooks the hooks that will run on it, empty when none
   */
  record Ready(String changeSetId, String stackId, String changeSetType, List<ResourceChange> changes,
      List<ChangeSetHook> hooks) implements ChangeSetState {
    public Ready {
      changes = List.copyOf(changes);
      hooks = List.copyOf(hooks);
    }
  }

  /** CloudFormation found nothing to change; {@code reason} is its status reason. */
  record NoChanges(String changeSetId, String reason) implements ChangeSetState {}

  /** CloudFormation refused the change set (an invalid template, a missing permission); {@code reason} is its own. */
  record Refused(String reason) implements ChangeSetState {}

  /**
   * A hook that runs on a change set (DescribeChangeSetHooks).
   *
   * @param typeName e.g. {@code MyCompany::Security::Hook}
   * @param failureMode {@code FAIL} (stops the operation) or {@code WARN}
   * @param invocationPoint {@code PRE_PROVISION}
   * @param logicalResourceId the resource it looks at, if one
   * @param resourceAction {@code CREATE}, {@code UPDATE} or {@code DELETE}
   */
  record ChangeSetHook(String typeName, String failureMode, String invocationPoint, String logicalResourceId,
      String resourceAction) {}

  /**
   * The answer to an execution request.
   *
   * @param started whether the change set is executing (or was already, by this token)
   * @param reason why nothing was executed, when {@code started} is false
   */
  record Execution(boolean started, String reason) {
    /** Started. */
    public static Execution began() {
      return new Execution(true, null);
    }

    /** Nothing executed, for {@code reason}. */
    public static Execution refused(String reason) {
      return new Execution(false, reason);
    }
  }

  /**
   * A stack as DescribeStacks shows it.
   *
   * @param stackId its ARN
   * @param stackName its name
   * @param status e.g. {@code UPDATE_COMPLETE}
   * @param statusReason CloudFormation's reason, may be null
   * @param outputs output values by key, in template order
   */
  record StackDescription(String stackId, String stackName, String status, String statusReason, Map<String, String> outputs) {
    public StackDescription {
      outputs = outputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
    }
  }

  /**
   * One stack event (DescribeStackEvents).
   *
   * @param timestamp when
   * @param logicalResourceId the resource, or the stack's name for the stack itself
   * @param resourceType e.g. {@code AWS::CloudFormation::Stack}
   * @param status e.g. {@code CREATE_FAILED}
   * @param reason CloudFormation's reason, may be null
   * @param hookType the hook, for hook events; else null
   * @param hookStatus e.g. {@code HOOK_COMPLETE_FAILED}, for hook events
   * @param hookStatusReason the hook's message, for hook events
   */
  record StackEvent(Instant timestamp, String logicalResourceId, String resourceType, String status, String reason,
      String hookType, String hookStatus, String hookStatusReason) {
    /** Whether this event is a resource (not the stack) failing for its own reason, not because another failed. */
    public boolean causeOfFailure() {
      return status != null && status.endsWith("_FAILED") && !"AWS::CloudFormation::Stack".equals(resourceType)
          && (reason == null || !reason.toLowerCase(java.util.Locale.ROOT).contains("cancelled"));
    }
  }

  /** One stack resource (ListStackResources). */
  record StackResource(String logicalResourceId, String physicalResourceId, String resourceType, String status) {}
}
