package dev.gantry.session;

/**
 * What started a session, kept for the audit trail and for idempotent retries.
 *
 * @param trigger {@code cli}, {@code api}, {@code push} or {@code replay}
 * @param actor who started it: a CLI user, an API caller's identity, or {@code push:<provider>}
 * @param repositoryUrl the clone URL when the repository was named by URL, else null
 * @param ref the branch or tag ref asked for, such as {@code refs/heads/main}, or null
 * @param commit the commit asked for (40 hex), or null
 * @param idempotencyKey the {@code Idempotency-Key} header or push delivery id that named it, or null
 * @param requestDigest SHA-256 of the request that created it, to refuse a reused key with another body
 * @param replayOf for a replay ({@code gantry replay}): the session whose recorded model answers it
 *     re-ran; else null (absent in JSON)
 */
public record SessionOrigin(
    String trigger,
    String actor,
    String repositoryUrl,
    String ref,
    String commit,
    String idempotencyKey,
    String requestDigest,
    String replayOf) {

  /** The origin of a session that is not a replay. */
  public SessionOrigin(String trigger, String actor, String repositoryUrl, String ref, String commit, String idempotencyKey,
      String requestDigest) {
    this(trigger, actor, repositoryUrl, ref, commit, idempotencyKey, requestDigest, null);
  }

  /**
   * The origin of a replay of {@code original}, asked for by {@code actor}: trigger {@code replay},
   * the original's repository URL, ref and commit, and {@code replayOf} its id.
   */
  public static SessionOrigin replay(String actor, Session original) {
    SessionOrigin first = original.origin();
    return new SessionOrigin("replay", actor, first == null ? null : first.repositoryUrl(), first == null ? null : first.ref(),
        first == null ? null : first.commit(), null, null, original.sessionId());
  }

  /** The origin of a session started by the gantry command. */
  public static SessionOrigin cli(String actor) {
    return new SessionOrigin("cli", actor, null, null, null, null, null);
  }
}
