package dev.gantry.push;

/**
 * A push to a repository, normalised from a GitHub or GitLab webhook delivery or a CodeCommit
 * {@code referenceUpdated} event. This is the {@code detail} of the {@value #DETAIL_TYPE} events
 * Gantry puts on its event bus.
 *
 * @param provider {@code github}, {@code gitlab} or {@code codecommit}
 * @param deliveryId the provider's delivery id ({@code X-GitHub-Delivery}, GitLab's {@code
 *     Idempotency-Key}, the EventBridge event id): the same for every redelivery
 * @param repository the repository's full name, such as {@code octo-org/app}
 * @param cloneUrl the HTTPS clone URL
 * @param ref the full ref pushed, such as {@code refs/heads/main}
 * @param before the commit the ref pointed at before (40 zeros for a new ref)
 * @param after the commit it points at now (40 zeros for a deleted ref)
 * @param pusher who pushed: a user name or an IAM ARN
 * @param defaultBranch the repository's default branch as the provider reported it, or null
 * @param headCommitMessage the message of the newest commit, at most 500 characters, or null
 * @param commitCount commits in the push as reported
 */
public record RepositoryPush(
    String provider,
    String deliveryId,
    String repository,
    String cloneUrl,
    String ref,
    String before,
    String after,
    String pusher,
    String defaultBranch,
    String headCommitMessage,
    int commitCount) {

  /** EventBridge {@code source} of Gantry's push events. */
  public static final String SOURCE = "gantry.webhooks";
  /** EventBridge {@code detail-type} of Gantry's push events. */
  public static final String DETAIL_TYPE = "RepositoryPush";

  private static final String BRANCH_PREFIX = "refs/heads/";

  /** The branch name, or null when the ref is not a branch (a tag). */
  public String branch() {
    return ref != null && ref.startsWith(BRANCH_PREFIX) ? ref.substring(BRANCH_PREFIX.length()) : null;
  }

  /** Whether the push deleted the ref (its new commit is all zeros). */
  public boolean deletesRef() {
    return after == null || after.chars().allMatch(c -> c == '0');
  }

  static String abbreviate(String text, int max) {
    if (text == null) {
      return null;
    }
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
