package dev.gantry.deploy.cloudformation;

import dev.gantry.deploy.ResourceChange;
import dev.gantry.deploy.StackDeployments;
import dev.gantry.deploy.StackOperationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.AlreadyExistsException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetHooksResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.ExecutionStatus;
import software.amazon.awssdk.services.cloudformation.model.InvalidChangeSetStatusException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceChangeDetail;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * The deploy port on CloudFormation (AWS CloudFormation API Reference: CreateChangeSet,
 * DescribeChangeSet, DescribeChangeSetHooks, ExecuteChangeSet, DescribeStacks, DescribeStackEvents,
 * ListStackResources, DeleteStack). Change sets and deletions go through the service role when one
 * is configured ({@code RoleARN}); every write carries a client token, so a retried task repeats
 * nothing. Each method makes the calls of one look and returns; the SDK retries throttling and 5xx
 * answers itself, and what is left is a retryable {@link StackOperationException}.
 */
public final class CloudFormationDeployments implements StackDeployments {
  /** The {@link #mode()} of real deployments. */
  public static final String MODE = "cloudformation";
  /** Most pages of stack events read for one operation (100 events a page). */
  static final int MAX_EVENT_PAGES = 20;
  private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded");

  private final java.util.function.Supplier<CloudFormationClient> cloudFormation;
  private final Optional<String> roleArn;
  private final Map<String, String> parameterValues;

  /** With a client already built (tests, the gantry command). */
  public CloudFormationDeployments(CloudFormationClient cloudFormation, Optional<String> roleArn, Optional<String> boundaryArn) {
    this(() -> cloudFormation, roleArn, boundaryArn);
  }

  /**
   * @param cloudFormation the client, built on first use (only the change set and deploy stages call it)
   * @param roleArn the service role CloudFormation acts through, or empty for the caller's own credentials
   * @param boundaryArn the permissions boundary passed as {@value StackDeployments#BOUNDARY_PARAMETER}, if configured
   */
  public CloudFormationDeployments(java.util.function.Supplier<CloudFormationClient> cloudFormation, Optional<String> roleArn, Optional<String> boundaryArn) {
    this.cloudFormation = cloudFormation;
    this.roleArn = roleArn;
    this.parameterValues = boundaryArn.map(arn -> Map.of(BOUNDARY_PARAMETER, arn)).orElse(Map.of());
  }

  @Override
  public Map<String, String> parameterValues() {
    return parameterValues;
  }

  @Override
  public String mode() {
    return MODE;
  }

  @Override
  public boolean executes() {
    return true;
  }

  @Override
  public ChangeSetState prepareChangeSet(ChangeSetRequest request) {
    DescribeChangeSetResponse first;
    try {
      first = call("DescribeChangeSet", () -> cloudFormation.get().describeChangeSet(b -> b
          .stackName(request.stackName()).changeSetName(request.changeSetName())));
    } catch (NotFound e) {
      return create(request);
    }
    return switch (first.status()) {
      case CREATE_PENDING, CREATE_IN_PROGRESS -> new Pending(first.statusAsString());
      // made, but not yet executable (UNAVAILABLE), or no longer (OBSOLETE: the stack changed)
      case CREATE_COMPLETE -> first.executionStatus() == ExecutionStatus.AVAILABLE ? ready(first)
          : first.executionStatus() == ExecutionStatus.UNAVAILABLE ? new Pending("CREATE_COMPLETE, not yet executable")
          : new Refused("change set " + first.changeSetName() + " cannot be executed: its execution status is "
              + first.executionStatusAsString() + (first.executionStatus() == ExecutionStatus.OBSOLETE
                  ? " (the stack changed after it was made)" : ""));
      case FAILED -> noChanges(first.statusReason())
          ? new NoChanges(first.changeSetId(), first.statusReason())
          : new Refused(first.statusReason());
      default -> new Refused("change set " + first.changeSetName() + " is " + first.statusAsString()
          + (first.statusReason() == null ? "" : ": " + first.statusReason()));
    };
  }

  private ChangeSetState create(ChangeSetRequest request) {
    Optional<Stack> stack = stack(request.stackName());
    boolean creating = stack.isEmpty() || stack.get().stackStatus() == StackStatus.REVIEW_IN_PROGRESS;
    try {
      call("CreateChangeSet", () -> cloudFormation.get().createChangeSet(b -> {
        b.stackName(request.stackName())
            .changeSetName(request.changeSetName())
            .changeSetType(creating ? ChangeSetType.CREATE : ChangeSetType.UPDATE)
            .templateBody(request.templateBody())
            .capabilities(request.capabilities().stream().map(Capability::fromValue).toList())
            .parameters(parameters(request, creating ? List.of() : stack.get().parameters()))
            .clientToken(request.clientToken())
            .description(request.description());
        roleArn.ifPresent(b::roleARN);
      }));
    } catch (NotFound e) {
      return new Refused(e.getMessage());
    } catch (StackOperationException e) {
      if (e.retryable()) {
        throw e;
      }
      if (e.getCause() instanceof AlreadyExistsException) {
        return new Pending(ChangeSetStatus.CREATE_PENDING.toString()); // a concurrent attempt created it: look again
      }
      return new Refused(e.getMessage()); // an invalid template, missing capabilities or permission: CloudFormation's reason
    }
    return new Pending(ChangeSetStatus.CREATE_PENDING.toString());
  }

  /** The values Gantry passes, then, on an update, the stack's previous value of every other declared parameter it has. */
  private static List<Parameter> parameters(ChangeSetRequest request, List<Parameter> current) {
    List<Parameter> parameters = new ArrayList<>();
    new java.util.TreeMap<>(request.parameters()).forEach((key, value) ->
        parameters.add(Parameter.builder().parameterKey(key).parameterValue(value).build()));
    for (Parameter previous : current) {
      String key = previous.parameterKey();
      if (!request.parameters().containsKey(key) && request.declaredParameters().contains(key)) {
        parameters.add(Parameter.builder().parameterKey(key).usePreviousValue(true).build());
      }
    }
    return parameters;
  }

  private Ready ready(DescribeChangeSetResponse first) {
    List<ResourceChange> changes = new ArrayList<>();
    boolean hooked = false;
    DescribeChangeSetResponse page = first;
    while (true) {
      for (Change change : page.changes()) {
        changes.add(resourceChange(change));
        hooked |= change.hookInvocationCount() != null && change.hookInvocationCount() > 0;
      }
      String next = page.nextToken();
      if (next == null || next.isEmpty()) {
        break;
      }
      page = call("DescribeChangeSet", () -> cloudFormation.get().describeChangeSet(b -> b
          .changeSetName(first.changeSetId()).nextToken(next)));
    }
    List<ChangeSetHook> hooks = hooked ? hooks(first.changeSetId()) : List.of();
    Optional<Stack> stack = stack(first.stackId());
    String type = stack.isPresent() && stack.get().stackStatus() != StackStatus.REVIEW_IN_PROGRESS ? "UPDATE" : "CREATE";
    return new Ready(first.changeSetId(), first.stackId(), type, changes, hooks);
  }

  private static ResourceChange resourceChange(Change change) {
    software.amazon.awssdk.services.cloudformation.model.ResourceChange r = change.resourceChange();
    List<ResourceChange.Detail> details = new ArrayList<>();
    for (ResourceChangeDetail d : r.details()) {
      details.add(new ResourceChange.Detail(
          d.target() == null ? null : d.target().attributeAsString(),
          d.target() == null ? null : d.target().name(),
          d.target() == null ? null : d.target().requiresRecreationAsString(),
          d.evaluationAsString(), d.changeSourceAsString(), d.causingEntity()));
    }
    return new ResourceChange(r.actionAsString(), r.logicalResourceId(), r.physicalResourceId(), r.resourceType(),
        r.replacementAsString(), r.scopeAsStrings(), details);
  }

  private List<ChangeSetHook> hooks(String changeSetId) {
    List<ChangeSetHook> hooks = new ArrayList<>();
    String next = null;
    do {
      String token = next;
      DescribeChangeSetHooksResponse page = call("DescribeChangeSetHooks", () -> cloudFormation.get().describeChangeSetHooks(b -> b
          .changeSetName(changeSetId).nextToken(token)));
      for (software.amazon.awssdk.services.cloudformation.model.ChangeSetHook hook : page.hooks()) {
        var target = hook.targetDetails() == null ? null : hook.targetDetails().resourceTargetDetails();
        hooks.add(new ChangeSetHook(hook.typeName(), hook.failureModeAsString(),
            hook.invocationPointAsString(), target == null ? null : target.logicalResourceId(),
            target == null ? null : target.resourceActionAsString()));
      }
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    return hooks;
  }

  /** CloudFormation's status reasons for a change set without changes (seen for stacks and for nested stacks). */
  private static boolean noChanges(String reason) {
    return reason != null && (reason.contains("didn't contain changes") || reason.contains("No updates are to be performed"));
  }

  @Override
  public Execution executeChangeSet(String stackName, String changeSetId, String clientRequestToken) {
    DescribeChangeSetResponse changeSet;
    try {
      changeSet = call("DescribeChangeSet", () -> cloudFormation.get().describeChangeSet(b -> b.changeSetName(changeSetId)));
    } catch (NotFound e) {
      return Execution.refused("change set " + changeSetId + " no longer exists (deleted, or another change set was executed on the stack): "
          + e.getMessage());
    }
    if (!stackName.equals(changeSet.stackName())) {
      return Execution.refused("change set " + changeSetId + " belongs to stack " + changeSet.stackName() + ", not " + stackName);
    }
    ExecutionStatus status = changeSet.executionStatus();
    if (status == ExecutionStatus.EXECUTE_IN_PROGRESS || status == ExecutionStatus.EXECUTE_COMPLETE
        || status == ExecutionStatus.EXECUTE_FAILED) {
      return Execution.began(); // a retried task: the change set is this session's and already executing
    }
    if (status != ExecutionStatus.AVAILABLE) {
      return Execution.refused("change set " + changeSetId + " cannot be executed: its execution status is "
          + changeSet.executionStatusAsString() + (status == ExecutionStatus.OBSOLETE
              ? " (the stack changed after it was made)" : "")
          + (changeSet.statusReason() == null ? "" : "; " + changeSet.statusReason()));
    }
    try {
      call("ExecuteChangeSet", () -> cloudFormation.get().executeChangeSet(b -> b
          .changeSetName(changeSetId).clientRequestToken(clientRequestToken)));
    } catch (NotFound e) {
      return Execution.refused("change set " + changeSetId + " no longer exists: " + e.getMessage());
    } catch (InvalidStatus | StackOperationException e) {
      if (e instanceof StackOperationException failure && failure.retryable()) {
        throw failure;
      }
      // a retried request whose first try CloudFormation accepted: it is executing, by this token
      ExecutionStatus now = call("DescribeChangeSet", () -> cloudFormation.get().describeChangeSet(b -> b.changeSetName(changeSetId)))
          .executionStatus();
      if (now == ExecutionStatus.EXECUTE_IN_PROGRESS || now == ExecutionStatus.EXECUTE_COMPLETE
          || now == ExecutionStatus.EXECUTE_FAILED) {
        return Execution.began();
      }
      if (e instanceof InvalidStatus) {
        return Execution.refused(e.getMessage());
      }
      throw e;
    }
    return Execution.began();
  }

  @Override
  public Optional<StackDescription> describeStack(String stack) {
    return stack(stack).map(s -> {
      Map<String, String> outputs = new LinkedHashMap<>();
      for (Output output : s.outputs()) {
        outputs.put(output.outputKey(), output.outputValue());
      }
      return new StackDescription(s.stackId(), s.stackName(), s.stackStatusAsString(), s.stackStatusReason(), outputs);
    });
  }

  private Optional<Stack> stack(String stack) {
    try {
      return call("DescribeStacks", () -> cloudFormation.get().describeStacks(b -> b.stackName(stack))).stacks().stream().findFirst();
    } catch (NotFound e) {
      return Optional.empty();
    }
  }

  @Override
  public List<StackEvent> events(String stackId, String clientRequestToken) {
    List<StackEvent> events = new ArrayList<>();
    String next = null;
    for (int page = 0; page < MAX_EVENT_PAGES; page++) {
      String token = next;
      DescribeStackEventsResponse response = call("DescribeStackEvents", () -> cloudFormation.get().describeStackEvents(b -> b
          .stackName(stackId).nextToken(token)));
      boolean passedOperation = false;
      for (var event : response.stackEvents()) { // newest first
        if (clientRequestToken.equals(event.clientRequestToken())) {
          events.add(new StackEvent(event.timestamp(), event.logicalResourceId(), event.resourceType(),
              event.resourceStatusAsString(), event.resourceStatusReason(), event.hookType(), event.hookStatusAsString(),
              event.hookStatusReason()));
        } else if (!events.isEmpty()) {
          passedOperation = true; // older than the operation's first event
          break;
        }
      }
      next = response.nextToken();
      if (passedOperation || next == null || next.isEmpty()) {
        break;
      }
    }
    Collections.reverse(events);
    return events;
  }

  @Override
  public List<StackResource> resources(String stackId) {
    List<StackResource> resources = new ArrayList<>();
    String next = null;
    do {
      String token = next;
      var page = call("ListStackResources", () -> cloudFormation.get().listStackResources(b -> b.stackName(stackId).nextToken(token)));
      page.stackResourceSummaries().forEach(r -> resources.add(new StackResource(r.logicalResourceId(),
          r.physicalResourceId(), r.resourceType(), r.resourceStatusAsString())));
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    return resources;
  }

  @Override
  public void deleteStack(String stackId, String clientRequestToken) {
    call("DeleteStack", () -> cloudFormation.get().deleteStack(b -> {
      b.stackName(stackId).clientRequestToken(clientRequestToken);
      roleArn.ifPresent(b::roleARN);
    }));
  }

  /** CloudFormation answered that the stack or change set does not exist. */
  private static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message, null, false, false);
    }
  }

  /** CloudFormation refused to execute a change set in its current status. */
  private static final class InvalidStatus extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidStatus(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Makes one SDK call, translating its errors at the boundary: "does not exist" answers become
   * {@link NotFound}, an invalid change set status {@link InvalidStatus}, throttling, 5xx and
   * network errors a retryable {@link StackOperationException}, anything else (access denied, a
   * validation error) a non-retryable one quoting CloudFormation's message.
   */
  private static <T> T call(String action, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (ChangeSetNotFoundException e) {
      throw new NotFound(message(e));
    } catch (InvalidChangeSetStatusException e) {
      throw new InvalidStatus(message(e));
    } catch (AwsServiceException e) {
      String message = message(e);
      if ("ValidationError".equals(e.awsErrorDetails().errorCode()) && message.contains("does not exist")) {
        throw new NotFound(message);
      }
      boolean retryable = e.statusCode() >= 500 || e.isThrottlingException()
          || THROTTLING.contains(e.awsErrorDetails().errorCode());
      throw new StackOperationException(action + " failed: " + e.awsErrorDetails().errorCode() + ": " + message, retryable, e);
    } catch (SdkException e) {
      throw new StackOperationException(action + " failed: cannot reach CloudFormation: " + e.getMessage(), true, e);
    }
  }

  private static String message(AwsServiceException e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
        ? e.awsErrorDetails().errorMessage() : e.getMessage();
  }
}
