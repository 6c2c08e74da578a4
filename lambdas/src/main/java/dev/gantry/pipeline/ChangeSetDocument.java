package dev.gantry.pipeline;

import dev.gantry.deploy.ChangeSetPreview;
import java.util.List;
import java.util.Map;

/**
 * {@code changeset.json}: the dry-run change set, fields in reading order, {@code executed} first.
 *
 * @param executed always false on one machine
 * @param mode {@code dry-run}
 * @param note what was (not) done
 * @param stackName the stack
 * @param templateSha256 the approved template's digest
 * @param baseline the last approved template of the stack, or null for a new stack
 * @param summary counts of Add, Modify and Remove
 * @param changes the resource changes
 */
record ChangeSetDocument(
    boolean executed,
    String mode,
    String note,
    String stackName,
    String templateSha256,
    ChangeSetDocument.Baseline baseline,
    Map<String, Long> summary,
    List<ChangeSetPreview.ResourceChange> changes) {

  /** The session and digest of the template compared against. */
  record Baseline(String sessionId, String templateSha256) {}
}
