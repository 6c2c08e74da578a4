package dev.gantry.pipeline;

import dev.gantry.push.CommitStatuses;
import dev.gantry.push.PushDeliveryException;
import dev.gantry.repo.git.GitCheckout;
import dev.gantry.session.Session;
import dev.gantry.session.SessionOrigin;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Posts a review's result on the pushed commit when the session was started by a GitHub or GitLab
 * push and a Git token is configured for the repository's host: {@code failure} when the review
 * has critical or high findings, else {@code success}, with the counts per priority and a link to
 * the session. A status the forge refuses is reported, not fatal: the review is done either way.
 */
final class ReviewStatuses {
  private final GitCheckout git;
  private final CommitStatuses statuses;
  private final Optional<String> sessionLink;

  /**
   * @param git knows the configured Git tokens by host
   * @param statuses posts to the forges
   * @param sessionLink where a session is read, {@code {sessionId}} standing for its id
   */
  ReviewStatuses(GitCheckout git, CommitStatuses statuses, Optional<String> sessionLink) {
    this.git = git;
    this.statuses = statuses;
    this.sessionLink = sessionLink;
  }

  /**
   * Posts the status for a review with {@code counts} findings per priority ({@link ReviewFindings#counts}).
   *
   * @return what became of it (one clause for the stage summary), or empty when none applies
   */
  Optional<String> post(Session session, Map<ReviewFindings.Priority, Integer> counts) {
    SessionOrigin origin = session.origin();
    if (origin == null || !"push".equals(origin.trigger()) || origin.repositoryUrl() == null || session.checkout() == null
        || origin.actor() == null) {
      return Optional.empty();
    }
    String provider = origin.actor().split(":", 3).length == 3 ? origin.actor().split(":", 3)[1] : "";
    if (!provider.equals("github") && !provider.equals("gitlab")) {
      return Optional.empty();
    }
    Optional<String> token;
    try {
      token = git.tokenFor(origin.repositoryUrl());
    } catch (RuntimeException e) {
      return Optional.of("commit status not posted: the Git tokens could not be read (" + e.getClass().getSimpleName() + ")");
    }
    if (token.isEmpty()) {
      return Optional.of("no commit status: no Git token for " + java.net.URI.create(origin.repositoryUrl()).getHost());
    }
    boolean passed = counts.get(ReviewFindings.Priority.CRITICAL) == 0 && counts.get(ReviewFindings.Priority.HIGH) == 0;
    String description = "Gantry review: " + counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
        .collect(Collectors.joining(", "));
    String commit = session.checkout().commit();
    try {
      statuses.post(provider, origin.repositoryUrl(), commit, passed, description,
          sessionLink.map(l -> l.replace("{sessionId}", session.sessionId())).orElse(null), token.get());
      return Optional.of("commit status " + (passed ? "success" : "failure") + " posted on " + commit);
    } catch (PushDeliveryException e) {
      return Optional.of("commit status not posted: " + e.getMessage());
    } catch (RuntimeException e) { // a secret or URL problem: the review is done either way
      return Optional.of("commit status not posted: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
