package dev.gantry.pipeline;

import dev.gantry.deploy.ChangeSetReport;
import dev.gantry.deploy.RiskFlag;
import dev.gantry.deploy.StackDeployments.StackDescription;
import dev.gantry.deploy.StackDeployments.StackEvent;
import dev.gantry.deploy.StackDeployments.StackResource;
import dev.gantry.session.ApprovalDecision;
import dev.gantry.session.Session;
import java.util.List;
import java.util.Map;

/**
 * {@code deployment.md}: what happened to the stack, written by Gantry from CloudFormation's own
 * answers (not by a model), in the order it happened: the change set made, the approval, the
 * execution's events, the outcome, and the outputs or the failure.
 */
final class DeploymentAccount {
  private DeploymentAccount() {}

  /** The account of a dry run: the preview, the approval, and that nothing was executed. */
  static String dryRun(Session session, ChangeSetReport changeSet) {
    StringBuilder md = new StringBuilder();
    md.append("# Deployment of stack `").append(session.stackName()).append("`: dry run\n\n");
    md.append("Nothing was executed. Gantry ran with `--deploy dry-run`: the change set was a preview against the ")
        .append("template last executed on this stack, and the approved template is now that baseline.\n\n");
    preamble(md, session.decision(), changeSet);
    changes(md, changeSet);
    return md.toString();
  }

  /** The account of an executed change set. */
  static String executed(Session session, ApprovalDecision decision, ChangeSetReport changeSet, StackDescription stack,
      List<StackResource> resources, List<StackEvent> events, StackEvent cause, boolean deleted) {
    StringBuilder md = new StringBuilder();
    md.append("# Deployment of stack `").append(stack.stackName()).append("`: ").append(stack.status()).append("\n\n");
    preamble(md, decision, changeSet);
    md.append("## What happened\n\n");
    if (events.isEmpty()) {
      md.append("CloudFormation recorded no events for this execution.\n");
    } else {
      md.append("| Time | Resource | Type | Status | Reason |\n|---|---|---|---|---|\n");
      for (StackEvent event : events) {
        md.append("| ").append(event.timestamp()).append(" | ").append(cell(event.logicalResourceId())).append(" | ")
            .append(cell(event.resourceType())).append(" | ")
            .append(cell(event.hookType() == null ? event.status() : event.hookType() + " " + event.hookStatus()))
            .append(" | ").append(cell(event.hookType() == null ? event.reason() : event.hookStatusReason())).append(" |\n");
      }
    }
    md.append("\n## Outcome\n\n");
    if (cause != null) {
      md.append("The first resource to fail was `").append(cause.logicalResourceId()).append("` (")
          .append(cause.resourceType()).append("): ").append(cause.status()).append(", ")
          .append(cause.reason() == null ? "no reason given" : cause.reason()).append(".\n\n");
    }
    switch (stack.status()) {
      case "CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE" ->
          md.append("The stack is ").append(stack.status()).append(".\n");
      case "UPDATE_ROLLBACK_COMPLETE" ->
          md.append("CloudFormation rolled the stack back to its previous template; it is UPDATE_ROLLBACK_COMPLETE.\n");
      default -> {
        if (deleted) {
          md.append("The stack's first create failed and CloudFormation rolled it back (ROLLBACK_COMPLETE); Gantry then ")
              .append("deleted the empty stack so that the next session can create it.\n");
        } else {
          md.append("The stack is ").append(stack.status())
              .append(stack.statusReason() == null ? "" : " (" + stack.statusReason() + ")")
              .append(". Gantry does not retry this: a person must continue the rollback or delete the stack.\n");
        }
      }
    }
    if (!stack.outputs().isEmpty()) {
      md.append("\n## Outputs\n\n| Key | Value |\n|---|---|\n");
      for (Map.Entry<String, String> output : stack.outputs().entrySet()) {
        md.append("| ").append(cell(output.getKey())).append(" | ").append(cell(output.getValue())).append(" |\n");
      }
    }
    if (!resources.isEmpty()) {
      md.append("\n## Resources\n\n| Logical id | Type | Physical id | Status |\n|---|---|---|---|\n");
      for (StackResource resource : resources) {
        md.append("| ").append(cell(resource.logicalResourceId())).append(" | ").append(cell(resource.resourceType()))
            .append(" | ").append(cell(resource.physicalResourceId())).append(" | ").append(cell(resource.status()))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  private static void preamble(StringBuilder md, ApprovalDecision decision, ChangeSetReport changeSet) {
    md.append("## Change set\n\n");
    md.append("- Change set: `").append(changeSet.changeSetId()).append("` (").append(changeSet.changeSetType())
        .append("), ").append(changeSet.summary()).append('\n');
    md.append("- Template SHA-256: `").append(changeSet.templateSha256()).append("`\n");
    if (decision != null) {
      md.append("- Approved by ").append(decision.actor()).append(" at ").append(decision.decidedAt())
          .append(" (change set digest `").append(decision.changeSetDigest()).append("`)\n");
    }
    for (RiskFlag risk : changeSet.risks()) {
      md.append("- Risk ").append(risk.kind()).append(": ").append(risk.message()).append('\n');
    }
    md.append('\n');
  }

  private static void changes(StringBuilder md, ChangeSetReport changeSet) {
    md.append("## Changes\n\n| Action | Logical id | Type | Replacement |\n|---|---|---|---|\n");
    changeSet.changes().forEach(c -> md.append("| ").append(c.action()).append(" | ").append(cell(c.logicalResourceId()))
        .append(" | ").append(cell(c.resourceType())).append(" | ").append(c.replacement() == null ? "" : c.replacement())
        .append(" |\n"));
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
