package dev.gantry.deploy;

import java.util.List;

/**
 * The change set a session waits on approval for, as the session, {@code gantry show}, {@code GET
 * /sessions/{id}} and the {@code ApprovalRequested} event show it. An approval names {@code
 * changeSetId} and {@code sha256} with the template digest; the deploy stage executes nothing else.
 *
 * @param mode {@code cloudformation} or {@code dry-run}
 * @param changeSetId the change set's ARN ({@code dry-run:stack/name} for a preview)
 * @param sha256 SHA-256 of the session's {@code changeset.json}, lowercase hex
 * @param summary adds, modifies, replaces and removes
 * @param risks the risk flags a reviewer must see
 */
public record PendingChangeSet(String mode, String changeSetId, String sha256, ChangeSetSummary summary, List<RiskFlag> risks) {
  public PendingChangeSet {
    risks = risks == null ? List.of() : List.copyOf(risks);
  }
}
