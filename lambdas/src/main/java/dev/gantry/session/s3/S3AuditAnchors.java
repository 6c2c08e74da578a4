package dev.gantry.session.s3;

import dev.gantry.session.AuditAnchors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Audit anchors as empty S3 objects named {@code audit-anchors/<sessionId>/<seq, 10 digits>-<hash>}:
 * the name is the fact, so an anchor says the same thing whoever reads it, and listing a session's
 * anchors is one ListObjectsV2 call per 1,000.
 *
 * <p>Each anchor is put with {@code If-None-Match: *} (S3 user guide, "Add preconditions to S3
 * operations with conditional requests"): S3 refuses to replace an existing key with 412 Precondition
 * Failed, which here means the same anchor is already there. In AWS the bucket policy denies any
 * PutObject without that header and every delete (see the infra module's SessionStorage), so a writer
 * can add anchors but never change or remove one. s3proxy (the local S3 server) honours {@code
 * If-None-Match: *} on PutObject too (checked by S3AuditAnchorsIT); and since the name carries the
 * hash, a repeated put could only write the same empty object anyway.
 */
public final class S3AuditAnchors implements AuditAnchors {
  /** Prefix of every anchor key. */
  public static final String PREFIX = "audit-anchors/";

  private static final Pattern NAME = Pattern.compile("(\\d{10})-([0-9a-f]{64})");

  private final java.util.function.Supplier<S3Client> s3;
  private final String bucket;

  /** With a client already built (tests, the gantry command). */
  public S3AuditAnchors(S3Client s3, String bucket) {
    this(() -> s3, bucket);
  }

  /**
   * @param s3 the client, built on first use (a role builds at init only the clients its first request needs)
   * @param bucket the anchors bucket
   */
  public S3AuditAnchors(java.util.function.Supplier<S3Client> s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /** The key of {@code sessionId}'s anchor of entry {@code seq} with {@code hash}. */
  public static String key(String sessionId, long seq, String hash) {
    return prefix(sessionId) + String.format("%010d", seq) + "-" + hash;
  }

  private static String prefix(String sessionId) {
    return PREFIX + sessionId + "/";
  }

  @Override
  public void anchor(String sessionId, long seq, String hash) {
    try {
      s3.get().putObject(b -> b.bucket(bucket).key(key(sessionId, seq, hash)).ifNoneMatch("*"), RequestBody.empty());
    } catch (S3Exception e) {
      if (e.statusCode() != 412) {
        throw e;
      }
      // 412: this very anchor exists (the key names seq and hash): a retried write, nothing to do
    }
  }

  /** {@inheritDoc} Keys under the session's prefix that are not anchor names are not anchors and are skipped. */
  @Override
  public List<Anchor> anchors(String sessionId) {
    List<Anchor> anchors = new ArrayList<>();
    String prefix = prefix(sessionId);
    for (S3Object object : s3.get().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      Matcher name = NAME.matcher(object.key().substring(prefix.length()));
      if (name.matches()) {
        anchors.add(new Anchor(Long.parseLong(name.group(1)), name.group(2)));
      }
    }
    anchors.sort(Comparator.comparingLong(Anchor::seq));
    return anchors;
  }
}
