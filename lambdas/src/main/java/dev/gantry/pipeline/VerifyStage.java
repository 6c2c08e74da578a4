package dev.gantry.pipeline;

import dev.gantry.deploy.ChangeSetReport;
import dev.gantry.deploy.DeploymentNames;
import dev.gantry.deploy.StackDeployments;
import dev.gantry.deploy.StackDeployments.StackDescription;
import dev.gantry.deploy.StackDeployments.StackEvent;
import dev.gantry.deploy.StackDeployments.StackResource;
import dev.gantry.deploy.StackOperationException;
import dev.gantry.json.Json;
import dev.gantry.session.ApprovalDecision;
import dev.gantry.session.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Waits for the executed change set's stack to reach a terminal status, one look per attempt, and
 * records what happened in {@code stack.json} (status, outputs, resources, the operation's events)
 * and {@code deployment.md} (the same, in the order it happened):
 *
 * <ul>
 *   <li>{@code CREATE_COMPLETE} / {@code UPDATE_COMPLETE}: SUCCEEDED, with the stack's outputs and resources;
 *   <li>{@code UPDATE_ROLLBACK_COMPLETE}: FAILED with the first failed resource and its reason,
 *       CloudFormation having restored the previous template;
 *   <li>{@code ROLLBACK_COMPLETE} (a failed first create): the stack is deleted through the service
 *       role so the next session can create it, then FAILED with the first failed resource;
 *   <li>{@code UPDATE_ROLLBACK_FAILED}, {@code ROLLBACK_FAILED}, {@code DELETE_FAILED}: FAILED and
 *       reported as they are, never retried: they need a person (continue the rollback, or delete).
 * </ul>
 *
 * A dry run has no stack: it records that nothing was executed. Sources: AWS CloudFormation User
 * Guide, "Stack status codes"; API Reference, DescribeStacks and DescribeStackEvents.
 */
public final class VerifyStage implements Stage {
  /** The machine-readable record of the stack after the deployment. */
  public static final String STACK_DOCUMENT = "stack.json";
  /** The account of what happened. */
  public static final String DEPLOYMENT_DOCUMENT = "deployment.md";
  private static final String STACK_TYPE = "AWS::CloudFormation::Stack";

  private final StackDeployments deployments;

  VerifyStage(StackDeployments deployments) {
    this.deployments = deployments;
  }

  @Override
  public StageOutcome run(StageContext context) {
    Session session = context.session();
    ChangeSetReport changeSet = context.documents().read(ChangeSetReport.DOCUMENT_NAME)
        .map(text -> Json.read(text, ChangeSetReport.class))
        .orElseThrow(() -> new StageFailedException("no " + ChangeSetReport.DOCUMENT_NAME + ": nothing was deployed"));
    if (!deployments.executes()) {
      context.documents().write(DEPLOYMENT_DOCUMENT, DeploymentAccount.dryRun(session, changeSet));
      return StageOutcome.success("dry run: nothing was executed; " + changeSet.summary() + " previewed");
    }
    return OutsideCalls.call(() -> look(context, session, changeSet));
  }

  private StageOutcome look(StageContext context, Session session, ChangeSetReport changeSet) {
    String stackId = changeSet.stackId();
    Optional<StackDescription> found = deployments.describeStack(stackId);
    if (found.isEmpty()) {
      return StageOutcome.failure("stack " + session.stackName() + " (" + stackId + ") does not exist");
    }
    StackDescription stack = found.get();
    String status = stack.status();
    String executeToken = DeploymentNames.executeToken(session.sessionId());
    if (status.endsWith("_IN_PROGRESS")) {
      return StageOutcome.waiting("stack " + session.stackName() + " " + status);
    }
    switch (status) {
      case "CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE" -> {
        List<StackEvent> events = deployments.events(stackId, executeToken);
        if (!reached(events, stack)) {
          return notStartedYet(session, status);
        }
        List<StackResource> resources = deployments.resources(stackId);
        record(context, session, changeSet, stack, resources, events, null, false);
        return StageOutcome.success("stack " + session.stackName() + " " + status + ": " + stack.outputs().size()
            + " outputs, " + resources.size() + " resources");
      }
      case "ROLLBACK_COMPLETE" -> {
        List<StackEvent> events = deployments.events(stackId, executeToken);
        if (!reached(events, stack)) {
          return notStartedYet(session, status);
        }
        // a failed first create leaves a stack that can only be deleted: clear it for the next session
        try {
          deployments.deleteStack(stackId, DeploymentNames.deleteToken(session.sessionId()));
        } catch (StackOperationException e) {
          if (e.retryable()) {
            throw e;
          }
          StackEvent cause = events.stream().filter(StackEvent::causeOfFailure).findFirst().orElse(null);
          record(context, session, changeSet, stack, List.of(), events, cause, false);
          return StageOutcome.failure("the first create failed" + where(cause) + "; CloudFormation rolled it back, but the "
              + "stack could not be deleted (" + e.getMessage() + "): delete it before the next session");
        }
        return StageOutcome.waiting("stack " + session.stackName() + " ROLLBACK_COMPLETE: the first create failed and "
            + "was rolled back; deleting the stack so a new session can create it");
      }
      default -> {
        List<StackEvent> events = new ArrayList<>(deployments.events(stackId, executeToken));
        boolean deleted = status.equals("DELETE_COMPLETE");
        if (deleted || status.startsWith("DELETE_")) {
          events.addAll(deployments.events(stackId, DeploymentNames.deleteToken(session.sessionId())));
        }
        if (!reached(events, stack)) {
          return notStartedYet(session, status);
        }
        StackEvent cause = events.stream().filter(StackEvent::causeOfFailure).findFirst().orElse(null);
        record(context, session, changeSet, stack, List.of(), events, cause, deleted);
        String where = where(cause);
        String outcome = switch (status) {
          case "UPDATE_ROLLBACK_COMPLETE" -> "the update failed" + where + "; CloudFormation rolled the stack back to its previous template";
          case "DELETE_COMPLETE" -> "the first create failed" + where + "; CloudFormation rolled it back and the stack was deleted";
          default -> "stack " + session.stackName() + " is " + status + where
              + (stack.statusReason() == null ? "" : " (" + stack.statusReason() + ")")
              + "; not retried: it needs a person (continue the rollback or delete the stack in the console)";
        };
        return StageOutcome.failure(outcome);
      }
    }
  }

  private static String where(StackEvent cause) {
    return cause == null ? "" : " at " + cause.logicalResourceId() + " (" + cause.resourceType() + "): " + cause.reason();
  }

  /**
   * Whether this session's operation brought the stack to its status: CloudFormation gives every
   * event of an operation the operation's client request token, so the stack's own event with that
   * status carries this session's token. Right after ExecuteChangeSet the stack may still show the
   * status of an earlier operation; that is not this deployment's outcome.
   */
  private static boolean reached(List<StackEvent> events, StackDescription stack) {
    return events.stream().anyMatch(e -> STACK_TYPE.equals(e.resourceType()) && stack.stackName().equals(e.logicalResourceId())
        && stack.status().equals(e.status()));
  }

  private static StageOutcome notStartedYet(Session session, String status) {
    return StageOutcome.waiting("stack " + session.stackName() + " " + status + " from an earlier operation: waiting for "
        + "CloudFormation to start executing the change set");
  }

  private void record(StageContext context, Session session, ChangeSetReport changeSet, StackDescription stack,
      List<StackResource> resources, List<StackEvent> events, StackEvent cause, boolean deleted) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("stackName", stack.stackName());
    json.put("stackId", stack.stackId());
    json.put("status", stack.status());
    json.put("statusReason", stack.statusReason());
    json.put("changeSetId", changeSet.changeSetId());
    json.put("deletedAfterFailedCreate", deleted);
    json.put("failure", cause);
    json.put("outputs", stack.outputs());
    json.put("resources", resources);
    json.put("events", events);
    context.documents().write(STACK_DOCUMENT, Json.pretty(json));
    ApprovalDecision decision = session.decision();
    context.documents().write(DEPLOYMENT_DOCUMENT,
        DeploymentAccount.executed(session, decision, changeSet, stack, resources, events, cause, deleted));
  }
}
