package dev.gantry.session;

import java.util.List;

/** Verifies a session's audit log: contiguous sequence, links and hashes, and the session's head. */
public final class AuditChain {
  private AuditChain() {}

  /**
   * The outcome of a check.
   *
   * @param valid true when every entry verifies and the last one is the session's head
   * @param entries entries checked
   * @param problem the first problem found, null when valid
   */
  public record Verification(boolean valid, int entries, String problem) {}

  /**
   * Checks {@code entries} (in sequence order) against each other and against the session's
   * recorded head ({@code auditSeq}, {@code auditHash}), which detects a removed last entry.
   */
  public static Verification verify(List<AuditEntry> entries, long headSeq, String headHash) {
    String prev = AuditEntry.GENESIS_HASH;
    long expectedSeq = 1;
    for (AuditEntry entry : entries) {
      if (entry.seq() != expectedSeq) {
        return new Verification(
            false, entries.size(), "entry " + expectedSeq + " is missing (found " + entry.seq() + ")");
      }
      if (!entry.prevHash().equals(prev)) {
        return new Verification(
            false, entries.size(), "entry " + entry.seq() + " does not link to the entry before it");
      }
      if (!entry.expectedHash().equals(entry.hash())) {
        return new Verification(
            false, entries.size(), "entry " + entry.seq() + " was changed after it was written");
      }
      prev = entry.hash();
      expectedSeq++;
    }
    if (expectedSeq - 1 != headSeq || !prev.equals(headHash)) {
      return new Verification(
          false,
          entries.size(),
          "the log ends at entry " + (expectedSeq - 1) + " but the session records entry " + headSeq);
    }
    return new Verification(true, entries.size(), null);
  }
}
