package dev.gantry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.BoundaryRequirements;
import dev.gantry.deploy.Capabilities;
import dev.gantry.deploy.ChangeSetReport;
import dev.gantry.deploy.ChangeSetRisks;
import dev.gantry.deploy.ChangeSetSummary;
import dev.gantry.deploy.DeploymentNames;
import dev.gantry.deploy.PendingChangeSet;
import dev.gantry.deploy.RiskFlag;
import dev.gantry.deploy.StackDeployments;
import dev.gantry.deploy.StackDeployments.ChangeSetRequest;
import dev.gantry.deploy.StackDeployments.ChangeSetState;
import dev.gantry.deploy.TemplateParser;
import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.session.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes the session's change set before anyone is asked to approve: CreateChangeSet for the
 * validated template (CREATE for a new stack, else UPDATE; the capabilities it needs; a client
 * token), then one look per attempt until CloudFormation has made it. Once it is ready every page of
 * its changes is read and written as {@code changeset.json} with the risk flags a reviewer must see
 * ({@link ChangeSetRisks}), and the deployer agent writes {@code rollout.md} (what the change does,
 * how to check it, how to back out). The session then waits for approval of both the template and
 * this change set.
 *
 * <p>A change set CloudFormation refuses ends the session FAILED with CloudFormation's reason; one
 * with no changes ends it SUCCEEDED ("no changes") without asking anyone. Templates above 51,200
 * bytes, CloudFormation's inline limit, are refused with that reason.
 */
public final class ChangeSetStage implements Stage {
  /** CloudFormation's limit for {@code TemplateBody} (AWS CloudFormation quotas: template body size in a request). */
  public static final int MAX_TEMPLATE_BODY_BYTES = 51_200;
  /** The deployer agent's document. */
  public static final String ROLLOUT = "rollout.md";

  private final AgentStep agent;
  private final StackDeployments deployments;
  private final TemplateParser parser = new TemplateParser();

  ChangeSetStage(AgentStep agent, StackDeployments deployments) {
    this.agent = agent;
    this.deployments = deployments;
  }

  @Override
  public StageOutcome run(StageContext context) {
    Session session = context.session();
    SessionDocuments documents = context.documents();
    String templateName = documents.firstPresent(SessionDocuments.TEMPLATE_NAMES)
        .orElseThrow(() -> new StageFailedException("no template: the plan stage did not write one"));
    String templateText = documents.read(templateName).orElseThrow();
    String digest = Sha256.hex(templateText);
    if (!digest.equals(session.pendingDigest())) {
      throw new StageFailedException(templateName + "'s SHA-256 " + digest + " is not the validated digest "
          + session.pendingDigest());
    }
    int bytes = templateText.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_TEMPLATE_BODY_BYTES) {
      return StageOutcome.failure(templateName + " is " + bytes + " bytes; CloudFormation takes at most "
          + MAX_TEMPLATE_BODY_BYTES + " bytes in a request: split it into nested stacks or move large inline code out");
    }
    JsonNode template = parser.parse(templateText).root();
    List<String> capabilities = Capabilities.required(template);
    Map<String, String> parameters = new TreeMap<>();
    List<String> unset = new ArrayList<>();
    List<String> declared = new ArrayList<>();
    template.path("Parameters").fields().forEachRemaining(parameter -> {
      declared.add(parameter.getKey());
      String value = deployments.parameterValues().get(parameter.getKey());
      if (value != null) {
        parameters.put(parameter.getKey(), value);
      } else if (!parameter.getValue().has("Default")) {
        unset.add(parameter.getKey());
      }
    });
    if (!unset.isEmpty()) {
      return StageOutcome.failure(templateName + " declares parameter" + (unset.size() == 1 ? " " : "s ") + String.join(", ", unset)
          + " without a Default; Gantry passes no values except " + StackDeployments.BOUNDARY_PARAMETER
          + ": give each a Default");
    }
    if (deployments.parameterValues().containsKey(StackDeployments.BOUNDARY_PARAMETER)) {
      List<String> violations = BoundaryRequirements.violations(template);
      if (!violations.isEmpty()) {
        return StageOutcome.failure("the deploy role creates roles and users only within Gantry's permissions boundary: "
            + String.join("; ", violations) + ". Set PermissionsBoundary: !Ref " + StackDeployments.BOUNDARY_PARAMETER
            + " (a String parameter Gantry fills) on each role and user");
      }
    }
    String changeSetName = DeploymentNames.changeSetName(session.sessionId());
    ChangeSetState state = OutsideCalls.call(() -> deployments.prepareChangeSet(new ChangeSetRequest(session.stackName(),
        changeSetName, DeploymentNames.createToken(session.sessionId()), templateText, capabilities, parameters, declared,
        truncate("Gantry session " + session.sessionId() + ": " + session.goal(), 1024))));
    if (state instanceof StackDeployments.Pending pending) {
      return StageOutcome.waiting("change set " + changeSetName + " " + pending.status());
    }
    if (state instanceof StackDeployments.Refused refused) {
      return StageOutcome.failure("CloudFormation refused the change set: " + refused.reason());
    }
    if (state instanceof StackDeployments.NoChanges none) {
      write(context.documents(), new ChangeSetReport(deployments.mode(), session.stackName(), null, changeSetName,
          none.changeSetId(), null, digest, capabilities, new ChangeSetSummary(0, 0, 0, 0), List.of(), List.of(), List.of()));
      return StageOutcome.endSession("no changes: " + none.reason());
    }
    return ready(context, (StackDeployments.Ready) state, template, digest, capabilities, changeSetName);
  }

  private StageOutcome ready(StageContext context, StackDeployments.Ready ready, JsonNode template, String digest,
      List<String> capabilities, String changeSetName) {
    Session session = context.session();
    ChangeSetSummary summary = ChangeSetSummary.of(ready.changes());
    List<RiskFlag> risks = ChangeSetRisks.flags(ready.changes(), template, capabilities, ready.hooks());
    ChangeSetReport report = new ChangeSetReport(deployments.mode(), session.stackName(), ready.stackId(), changeSetName,
        ready.changeSetId(), ready.changeSetType(), digest, capabilities, summary, risks, ready.hooks(), ready.changes());
    String reportJson = Json.pretty(report);
    DocumentRef written = write(context.documents(), report);
    String task =
        """
        Stage: changeset
        Goal: %s
        Stack name: %s
        Mode: %s
        Change set: %s (%s)

        Gantry has made the change set below; a person will approve or reject exactly this change
        set, and Gantry executes it only after approval. Write %s with write_document for that
        person: what the change does to the stack, each risk flag and what it means for data and
        availability, how to check the stack once it is deployed, and how to back out.

        <changeset>
        %s
        </changeset>"""
            .formatted(session.goal(), session.stackName(), deployments.mode(), ready.changeSetId(),
                ready.changeSetType(), ROLLOUT, reportJson);
    AgentStep.Run run = agent.run(context, "You are running as Gantry's changeset stage.", task, List.of(List.of(ROLLOUT)));
    PendingChangeSet pending = new PendingChangeSet(deployments.mode(), ready.changeSetId(), written.sha256(), summary, risks);
    String line = (deployments.executes() ? "change set " : "dry-run change set ") + changeSetName + " ("
        + ready.changeSetType() + "): " + summary + "; " + risks.size() + " risk flag" + (risks.size() == 1 ? "" : "s");
    return new StageOutcome(true, line, run.result().usage(), run.droppedTools(), null, run.result().modelCalls())
        .withPendingChangeSet(pending);
  }

  private static DocumentRef write(SessionDocuments documents, ChangeSetReport report) {
    return documents.write(ChangeSetReport.DOCUMENT_NAME, Json.pretty(report));
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
