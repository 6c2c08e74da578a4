package dev.gantry.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Verifies a session's audit log: contiguous sequence, links and hashes, the head the session item
 * records, each entry's MAC ({@link AuditMac}) and the anchors kept outside the sessions table
 * ({@link AuditAnchors}).
 *
 * <p>What each check catches: a changed, removed, reordered or inserted entry breaks a link or a
 * hash. Rewriting entries with recomputed hashes (and moving the session's head) needs the MAC key,
 * which writers use only through a service. A rewrite by someone who can use the key, or a truncated
 * tail, disagrees with the anchors, which no writer can change or delete. The session item's head
 * ({@code auditSeq}, {@code auditHash}) is a hint checked too, never trusted alone: TTL deletes it and
 * writers can move it.
 *
 * <p>Cost: links and hashes are checked locally; only the last entry's MAC is verified (its hash
 * chains over every earlier entry), so the happy path is one key-service call. Only when that fails
 * are the entries checked one by one, to name the first bad one.
 */
public final class AuditChain {
  private AuditChain() {}

  /**
   * The outcome of a check.
   *
   * @param valid true when links, hashes, the session's head, the MACs and the anchors all agree
   * @param entries entries checked
   * @param problem every problem found, separated by {@code "; "}, each naming the entry and the
   *     check (sequence, link, hash, head, MAC, anchor, truncation); null when valid
   * @param authenticated true when the last entry's MAC verifies with {@code keyId} (which
   *     authenticates the whole chain up to it)
   * @param keyId the MAC key checked against
   * @param anchoredThrough the highest entry whose anchor matches it (0 when none does)
   * @param note what is not wrong but not covered either: entries after the last anchor; null when
   *     every entry is anchored
   */
  public record Verification(boolean valid, int entries, String problem, boolean authenticated, String keyId,
      long anchoredThrough, String note) {

    /**
     * One line for people: {@code chain verified, MACs verified (key K), anchored through entry 12}
     * (with the note after {@code "; "}), or {@code BROKEN: } and the problems.
     */
    public String summary() {
      if (!valid) {
        return "BROKEN: " + problem;
      }
      return "chain verified, MACs " + (authenticated ? "verified" : "NOT verified") + " (key " + keyId
          + "), anchored through entry " + anchoredThrough
          + (note == null ? "" : "; " + note);
    }
  }

  /**
   * Checks {@code entries} (in sequence order, as stored).
   *
   * @param headSeq the session item's {@code auditSeq}
   * @param headHash the session item's {@code auditHash}
   * @param mac the key the entries' MACs are checked with
   * @param anchors the session's anchors, any order
   * @throws AuditKeyUnavailableException when the MAC key cannot be used
   */
  public static Verification verify(List<AuditEntry> entries, long headSeq, String headHash, AuditMac mac,
      List<AuditAnchors.Anchor> anchors) {
    List<String> problems = new ArrayList<>();
    if (entries.isEmpty()) {
      // every session's log starts with its SessionCreated entry: an empty one was emptied
      problems.add("sequence: the log has no entries, though every session's starts with SessionCreated");
    }
    boolean linked = checkLinks(entries, problems);
    int n = entries.size();
    AuditEntry last = n == 0 ? null : entries.get(n - 1);
    long lastSeq = linked ? n : -1;
    if (linked) {
      String lastHash = last == null ? AuditEntry.GENESIS_HASH : last.hash();
      if (lastSeq != headSeq) {
        problems.add("head: the log ends at entry " + lastSeq + " but the session records entry " + headSeq);
      } else if (!lastHash.equals(headHash)) {
        problems.add("head: entry " + lastSeq + " is not the one the session records (hash " + shortHash(headHash) + ")");
      }
    }
    long anchoredThrough = checkAnchors(entries, anchors, problems);
    boolean authenticated = linked && checkMacs(entries, mac, problems);
    String note = null;
    if (linked && n > anchoredThrough && problems.isEmpty()) {
      note = span(anchoredThrough + 1, n, "is", "are") + " not anchored: written but not anchored (e.g. a crash between "
          + "the two writes)";
    }
    return new Verification(problems.isEmpty(), n, problems.isEmpty() ? null : String.join("; ", problems),
        authenticated, mac.keyId(), anchoredThrough, note);
  }

  /** Sequence, links and hashes; adds the first problem and answers false when one is found. */
  private static boolean checkLinks(List<AuditEntry> entries, List<String> problems) {
    String prev = AuditEntry.GENESIS_HASH;
    long expectedSeq = 1;
    for (AuditEntry entry : entries) {
      if (entry.seq() != expectedSeq) {
        problems.add("sequence: entry " + expectedSeq + " is missing (found " + entry.seq() + ")");
        return false;
      }
      if (!entry.prevHash().equals(prev)) {
        problems.add("link: entry " + entry.seq() + " does not link to the entry before it");
        return false;
      }
      if (!entry.expectedHash().equals(entry.hash())) {
        problems.add("hash: entry " + entry.seq() + " was changed after it was written");
        return false;
      }
      prev = entry.hash();
      expectedSeq++;
    }
    return true;
  }

  /** Compares anchors with entries; answers the highest entry whose anchor matches. */
  private static long checkAnchors(List<AuditEntry> entries, List<AuditAnchors.Anchor> anchors, List<String> problems) {
    Map<Long, String> hashes = new HashMap<>();
    entries.forEach(e -> hashes.put(e.seq(), e.hash()));
    long logEnd = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
    TreeMap<Long, TreeSet<String>> bySeq = new TreeMap<>();
    anchors.forEach(a -> bySeq.computeIfAbsent(a.seq(), s -> new TreeSet<>()).add(a.hash()));
    long anchoredThrough = 0;
    for (Map.Entry<Long, TreeSet<String>> anchor : bySeq.entrySet()) {
      long seq = anchor.getKey();
      if (anchor.getValue().size() > 1) {
        problems.add("anchor: entry " + seq + " has " + anchor.getValue().size() + " anchors ("
            + String.join(", ", anchor.getValue().stream().map(AuditChain::shortHash).toList())
            + "): a second version of it was anchored");
        continue;
      }
      String anchored = anchor.getValue().first();
      String logged = hashes.get(seq);
      if (seq > logEnd) {
        problems.add("truncation: the log ends at entry " + logEnd + " but entry " + seq + " is anchored: "
            + span(logEnd + 1, bySeq.lastKey(), "was", "were") + " removed");
        break;
      } else if (logged == null) {
        problems.add("anchor: entry " + seq + " is anchored but missing from the log");
      } else if (!logged.equals(anchored)) {
        problems.add("anchor: entry " + seq + " differs from its anchor (anchored " + shortHash(anchored)
            + ", log has " + shortHash(logged) + "): it was rewritten after it was anchored");
      } else {
        anchoredThrough = seq;
      }
    }
    return anchoredThrough;
  }

  /**
   * Verifies the last entry's MAC; when that fails, finds the first bad one by binary search (at most
   * about log2(n) more key calls, so a tampered long log cannot turn a read into n KMS calls).
   * Answers whether the last entry's MAC verifies.
   */
  private static boolean checkMacs(List<AuditEntry> entries, AuditMac mac, List<String> problems) {
    if (entries.isEmpty()) {
      return false;
    }
    AuditEntry last = entries.get(entries.size() - 1);
    if (last.mac() != null && mac.verify(last.macMessage(), last.mac())) {
      return true;
    }
    if (entries.stream().allMatch(e -> e.mac() == null)) {
      problems.add("MAC: " + span(1, entries.size(), "is", "are") + " not authenticated (written before audit MACs)");
      return false;
    }
    long first = firstAuthenticated(entries);
    for (AuditEntry entry : entries) {
      if (entry.mac() == null && entry.seq() > first) {
        problems.add("MAC: entry " + entry.seq() + " has no MAC, though earlier entries have one: it was written "
            + "or rewritten by someone without the key");
        return false;
      }
    }
    // Links and hashes already verified, so a valid MAC on an entry vouches for every entry before it: the
    // entries whose MAC verifies are a prefix, and a binary search finds the first bad one in O(log n) key calls.
    int low = (int) entries.stream().filter(e -> e.seq() < first).count();
    int high = entries.size() - 1; // its MAC does not verify
    while (low < high) {
      int middle = (low + high) >>> 1;
      AuditEntry probe = entries.get(middle);
      if (mac.verify(probe.macMessage(), probe.mac())) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    problems.add("MAC: entry " + entries.get(low).seq() + "'s MAC does not verify with key " + mac.keyId()
        + ": it was rewritten, or written with another key");
    return false;
  }

  private static long firstAuthenticated(List<AuditEntry> entries) {
    return entries.stream().filter(e -> e.mac() != null).mapToLong(AuditEntry::seq).findFirst().orElse(Long.MAX_VALUE);
  }

  /** {@code entry 3 was} or {@code entries 3..5 were}. */
  private static String span(long from, long to, String one, String many) {
    return from == to ? "entry " + from + " " + one : "entries " + from + ".." + to + " " + many;
  }

  private static String shortHash(String hash) {
    return hash == null ? "none" : hash.substring(0, Math.min(12, hash.length()));
  }
}
