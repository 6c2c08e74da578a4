package dev.gantry.deploy;

import dev.gantry.deploy.StackDeployments.ChangeSetHook;
import java.util.List;

/**
 * {@code changeset.json}: the change set a person is asked to approve, fields in reading order.
 *
 * @param mode {@code cloudformation} or {@code dry-run} (a preview: nothing is created in an account)
 * @param stackName the stack
 * @param stackId the stack's ARN; a {@code dry-run:} id for a preview
 * @param changeSetName the change set's name, derived from the session id
 * @param changeSetId the change set's ARN, the one the deploy stage executes
 * @param changeSetType {@code CREATE} or {@code UPDATE}
 * @param templateSha256 SHA-256 of the template it was made from
 * @param capabilities what was acknowledged to CloudFormation
 * @param summary adds, modifies, replaces, removes
 * @param risks what a reviewer must see ({@link ChangeSetRisks})
 * @param hooks the hooks that run on it
 * @param changes every resource change, as DescribeChangeSet gave them
 */
public record ChangeSetReport(
    String mode,
    String stackName,
    String stackId,
    String changeSetName,
    String changeSetId,
    String changeSetType,
    String templateSha256,
    List<String> capabilities,
    ChangeSetSummary summary,
    List<RiskFlag> risks,
    List<ChangeSetHook> hooks,
    List<ResourceChange> changes) {

  /** The document name. */
  public static final String DOCUMENT_NAME = "changeset.json";
}
