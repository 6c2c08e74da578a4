package dev.gantry.repo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkout stored: the commit its files come from and how much the snapshot holds.
 *
 * @param source the clone URL, or the local folder, that was read
 * @param ref the ref that was resolved (such as {@code refs/heads/main}), or null when a commit was
 *     given or a local folder has none
 * @param commit the 40-hex commit id, or null for a local folder that is not a Git work tree
 * @param fileCount files in the snapshot
 * @param byteCount bytes of file content in the snapshot (uncompressed)
 * @param droppedCount entries left out: symbolic links that leave the tree, special files, submodules
 */
public record RepositoryCheckout(String source, String ref, String commit, int fileCount, long byteCount, int droppedCount) {

  /** The facts as audit entry details. */
  public Map<String, String> auditDetails() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("source", source);
    if (ref != null) {
      details.put("ref", ref);
    }
    if (commit != null) {
      details.put("commit", commit);
    }
    details.put("fileCount", Integer.toString(fileCount));
    details.put("byteCount", Long.toString(byteCount));
    details.put("droppedCount", Integer.toString(droppedCount));
    return details;
  }
}
