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
 * <p>{@code mac} authenticates the entry with a key writers use only through a service ({@link
 * AuditMac}): base64 of HMAC-SHA-256 over {@link #macMessage()}, the canonical JSON {@code
 * {"hash":…,"seq":…,"sessionId":…}}. The hash already binds every other field, and KMS caps a MAC's
 * message at 4,096 bytes (AWS KMS API reference, GenerateMac, {@code Message}), so the MAC covers the
 * hash rather than the whole entry. Entries written before audit MACs have none ({@code null}).
 *
 * @param sessionId the session
 * @param seq 1, 2, 3, ... without gaps
 * @param at when it was written
 * @param actor who caused it: a user, {@code pipeline}, or a CLI identity
 * @param action what happened, e.g. {@code SessionCreated}, {@code StageSucceeded}
 * @param details small string facts (stage, digest, document hashes, dropped tools)
 * @param prevHash the previous entry's hash
 * @param hash this entry's hash
 * @param mac base64 HMAC-SHA-256 of {@link #macMessage()}, or null for an entry written before MACs
 */
public record AuditEntry(
    String sessionId,
    long seq,
    Instant at,
    String actor,
    String action,
    Map<String, String> details,
    String prevHash,
    String hash,
    String mac) {

  /** prevHash of the first entry: 64 zeros. */
  public static final String GENESIS_HASH = "0".repeat(64);

  public AuditEntry {
    details = details == null ? Map.of() : Map.copyOf(new TreeMap<>(details));
  }

  /** Builds the entry that follows {@code prevSeq}/{@code prevHash}, computing its hash (no MAC yet). */
  public static AuditEntry next(
      String sessionId, long prevSeq, String prevHash, Instant at, AuditEvent event) {
    long seq = prevSeq + 1;
    String hash =
        computeHash(sessionId, seq, at, event.actor(), event.action(), event.details(), prevHash);
    return new AuditEntry(
        sessionId, seq, at, event.actor(), event.action(), event.details(), prevHash, hash, null);
  }

  /** This entry with {@code mac} set (base64), as the store writes it. */
  public AuditEntry withMac(String mac) {
    return new AuditEntry(sessionId, seq, at, actor, action, details, prevHash, hash, mac);
  }

  /**
   * What {@link #mac} authenticates: the canonical JSON (keys sorted, no spaces) of {@code hash},
   * {@code seq} and {@code sessionId}, e.g. {@code {"hash":"9f…","seq":3,"sessionId":"s-1"}}.
   */
  public String macMessage() {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("hash", hash);
    message.put("seq", seq);
    message.put("sessionId", sessionId);
    return Json.write(message);
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
