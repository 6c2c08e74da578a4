package dev.gantry.session;

import java.util.List;

/**
 * Where each session's audit head is anchored outside the sessions table: a place writers can add to
 * but never overwrite or delete, and that no TTL touches. In AWS and locally an S3 bucket ({@link
 * dev.gantry.session.s3.S3AuditAnchors}). One anchor per written audit entry: its sequence number and
 * hash.
 */
public interface AuditAnchors {

  /** An anchored audit head: entry {@code seq} had hash {@code hash} (64 lowercase hex characters). */
  record Anchor(long seq, String hash) {}

  /**
   * Records that {@code sessionId}'s entry {@code seq} has hash {@code hash}. Anchoring the same
   * entry with the same hash again is a no-op; an existing anchor is never replaced.
   *
   * @throws RuntimeException when the anchor could not be written (the caller decides what that means)
   */
  void anchor(String sessionId, long seq, String hash);

  /**
   * Every anchor of {@code sessionId}, in sequence order (two anchors of one {@code seq} both appear).
   *
   * @throws IllegalStateException naming an anchor whose name cannot be read
   */
  List<Anchor> anchors(String sessionId);
}
