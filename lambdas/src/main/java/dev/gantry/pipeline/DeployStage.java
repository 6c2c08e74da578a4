package dev.gantry.pipeline;

import dev.gantry.deploy.ChangeSetReport;
import dev.gantry.deploy.DeploymentNames;
import dev.gantry.deploy.StackDeployments;
import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.session.ApprovalDecision;
import dev.gantry.session.Session;

/**
 * Executes exactly the change set a person approved, once. Before anything it re-reads the
 * template and {@code changeset.json} and checks both SHA-256 digests, and the change set's ARN,
 * against the recorded approval; then it asks CloudFormation to execute that change set with a
 * client request token derived from the session, so a retried task cannot execute twice. A change
 * set that can no longer be executed (the stack changed meanwhile, or the change set was deleted) ends
 * the session FAILED saying why, with nothing executed: a new session makes a new change set.
 * The verify stage then waits for the stack.
 */
public final class DeployStage implements Stage {
  private final StackDeployments deployments;

  DeployStage(StackDeployments deployments) {
    this.deployments = deployments;
  }

  @Override
  public StageOutcome run(StageContext context) {
    Session session = context.session();
    SessionDocuments documents = context.documents();
    ApprovalDecision decision = session.decision();
    if (decision == null || !"approve".equals(decision.decision())) {
      throw new StageFailedException("no approval recorded: nothing deploys without a human decision");
    }
    String templateName = documents.firstPresent(SessionDocuments.TEMPLATE_NAMES)
        .orElseThrow(() -> new StageFailedException("no template to deploy"));
    checkDigest(templateName, documents.find(templateName).orElseThrow(), documents.read(templateName).orElseThrow(),
        decision.digest());
    String changeSetText = documents.read(ChangeSetReport.DOCUMENT_NAME)
        .orElseThrow(() -> new StageFailedException("no " + ChangeSetReport.DOCUMENT_NAME + ": the changeset stage did not run"));
    checkDigest(ChangeSetReport.DOCUMENT_NAME, documents.find(ChangeSetReport.DOCUMENT_NAME).orElseThrow(), changeSetText,
        decision.changeSetDigest());
    ChangeSetReport changeSet = Json.read(changeSetText, ChangeSetReport.class);
    if (!changeSet.mode().equals(deployments.mode())) {
      throw new StageFailedException("the change set was made in " + changeSet.mode() + " mode and this deployment runs in "
          + deployments.mode() + " mode: nothing was executed; deploy with GANTRY_DEPLOY_MODE=" + changeSet.mode());
    }
    if (!changeSet.changeSetId().equals(decision.changeSetId())) {
      throw new StageFailedException("the change set " + changeSet.changeSetId() + " is not the approved one, "
          + decision.changeSetId());
    }
    StackDeployments.Execution execution = OutsideCalls.call(() -> deployments.executeChangeSet(session.stackName(),
        changeSet.changeSetId(), DeploymentNames.executeToken(session.sessionId())));
    if (!execution.started()) {
      return StageOutcome.failure("nothing was executed: " + execution.reason()
          + "; start a new session to make a change set against the stack as it is now");
    }
    return StageOutcome.success(deployments.executes()
        ? "executing change set " + changeSet.changeSetName() + " on stack " + session.stackName()
        : "dry run: the approved template is now the baseline of " + session.stackName() + "; nothing was executed");
  }

  /** Checks that a document is unchanged since it was written and is the one approved. */
  private static void checkDigest(String name, DocumentRef ref, String text, String approved) {
    String digest = Sha256.hex(text);
    if (!digest.equals(ref.sha256()) || !digest.equalsIgnoreCase(approved)) {
      throw new StageFailedException(name + "'s SHA-256 " + digest + " is not the approved digest " + approved
          + ": nothing was executed");
    }
  }
}
