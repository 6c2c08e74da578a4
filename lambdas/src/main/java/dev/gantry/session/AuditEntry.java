package dev.gantry.session;

import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One append-only entry of a session's audit log, hash-chained to the entry before it.
 *
 * <p>{@code hash} = lowercase hex SHA-256 of the canonical JSON of every other field (keys sorted,
 * {@code prevHash} included), so changing, removing or reordering any entry breaks the chain. The
 * first entry's {@code prevHash} is {@link #GENESIS_HASH}.
 *
 * @param sessionId the session
 * @param seq 1, 2, 3, ... without gaps
 * @param at when it was written
 * @param actor who caused it: a user, {@code pipeline}, or a CLI identity
 * @param action what happened, e.g. {@code SessionCreated}, {@code StageSucceeded}
 * @param details small string facts (stage, digest, document hashes, dropped tools)
 * @param prevHash the previous entry's hash
 * @param hash this entry's hash
 */
public record AuditEntry(
    String sessionId,
    long seq,
    Instant at,
    String actor,
    String action,
    Map<String, String> details,
    String prevHash,
    String hash) {

  /** prevHash of the first entry: 64 zeros. */
  public static final String GENESIS_HASH = "0".repeat(64);

  public AuditEntry {
    details = details == null ? Map.of() : Map.copyOf(new TreeMap<>(details));
  }

  /** Builds the entry that follows {@code prevSeq}/{@code prevHash}, computing its hash. */
  public static AuditEntry next(
      String sessionId, long prevSeq, String prevHash, Instant at, AuditEvent event) {
    long seq = prevSeq + 1;
    String hash =
        computeHash(sessionId, seq, at, event.actor(), event.action(), event.details(), prevHash);
    return new AuditEntry(
        sessionId, seq, at, event.actor(), event.action(), event.details(), prevHash, hash);
  }

  /** Recomputes the hash from the other fields. */
  public String expectedHash() {
    return computeHash(sessionId, seq, at, actor, action, details, prevHash);
  }

  private static String computeHash(
      String sessionId, long seq, Instant at, String actor, String action,
      Map<String, String> details, String prevHash) {
    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("action", action);
    canonical.put("actor", actor);
    canonical.put("at", at.toString());
    canonical.put("details", new TreeMap<>(details == null ? Map.of() : details));
    canonical.put("prevHash", prevHash);
    canonical.put("seq", seq);
    canonical.put("sessionId", sessionId);
    return Sha256.hex(Json.write(canonical));
  }
}
