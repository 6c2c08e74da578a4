package dev.gantry.session;

/**
 * What started a session, kept for the audit trail and for idempotent retries.
 *
 * @param trigger {@code cli}, {@code api} or {@code push}
 * @param actor who started it: a CLI user, an API caller's identity, or {@code push:<provider>}
 * @param repositoryUrl the clone URL when the repository was named by URL, else null
 * @param ref the branch or tag ref asked for, such as {@code refs/heads/main}, or null
 * @param commit the commit asked for (40 hex), or null
 * @param idempotencyKey the {@code Idempotency-Key} header or push delivery id that named it, or null
 * @param requestDigest SHA-256 of the request that created it, to refuse a reused key with another body
 */
public record SessionOrigin(
    String trigger,
    String actor,
    String repositoryUrl,
    String ref,
    String commit,
    String idempotencyKey,
    String requestDigest) {

  /** The origin of a session started by the gantry command. */
  public static SessionOrigin cli(String actor) {
    return new SessionOrigin("cli", actor, null, null, null, null, null);
  }
}
