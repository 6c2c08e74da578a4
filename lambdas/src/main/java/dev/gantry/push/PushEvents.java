package dev.gantry.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.util.Optional;

/**
 * Normalises provider payloads to {@link RepositoryPush}.
 *
 * <p>Sources: GitHub Docs, "Webhook events and payloads", {@code push} (ref, before, after,
 * repository.full_name/clone_url/default_branch, pusher.name, head_commit, commits); GitLab Docs,
 * "Webhook events", push events (ref, before, after, user_username, project.path_with_namespace/
 * git_http_url/default_branch, commits, total_commits_count); AWS CodeCommit User Guide,
 * "CodeCommit events" ({@code CodeCommit Repository State Change}, detail.event {@code
 * referenceUpdated}, repositoryName, referenceFullName, oldCommitId, commitId, callerUserArn).
 */
public final class PushEvents {
  private static final int MAX_MESSAGE_CHARS = 500;

  private PushEvents() {}

  /**
   * A GitHub {@code push} payload.
   *
   * @param deliveryId the {@code X-GitHub-Delivery} header
   * @throws IllegalArgumentException naming the first missing field
   */
  public static RepositoryPush gitHub(JsonNode payload, String deliveryId) {
    JsonNode repository = payload.path("repository");
    JsonNode head = payload.path("head_commit");
    return new RepositoryPush(
        "github",
        deliveryId,
        required(repository, "full_name", "repository.full_name"),
        required(repository, "clone_url", "repository.clone_url"),
        required(payload, "ref", "ref"),
        required(payload, "before", "before"),
        required(payload, "after", "after"),
        payload.path("pusher").path("name").asText(payload.path("sender").path("login").asText("unknown")),
        text(repository, "default_branch"),
        RepositoryPush.abbreviate(text(head, "message"), MAX_MESSAGE_CHARS),
        payload.path("commits").size());
  }

  /**
   * A GitLab push hook payload ({@code object_kind: push}).
   *
   * @param deliveryId the {@code Idempotency-Key} header (or {@code X-Gitlab-Event-UUID})
   * @throws IllegalArgumentException naming the first missing field
   */
  public static RepositoryPush gitLab(JsonNode payload, String deliveryId) {
    JsonNode project = payload.path("project");
    JsonNode commits = payload.path("commits");
    String after = required(payload, "after", "after");
    String message = null;
    for (JsonNode commit : commits) {
      if (after.equals(commit.path("id").asText())) {
        message = text(commit, "message");
      }
    }
    int count = payload.has("total_commits_count") ? payload.path("total_commits_count").asInt() : commits.size();
    return new RepositoryPush(
        "gitlab",
        deliveryId,
        required(project, "path_with_namespace", "project.path_with_namespace"),
        required(project, "git_http_url", "project.git_http_url"),
        required(payload, "ref", "ref"),
        required(payload, "before", "before"),
        after,
        payload.path("user_username").asText(payload.path("user_name").asText("unknown")),
        text(project, "default_branch"),
        RepositoryPush.abbreviate(message, MAX_MESSAGE_CHARS),
        count);
  }

  /**
   * An EventBridge event delivered to the push function: Gantry's own {@value
   * RepositoryPush#DETAIL_TYPE} events, or CodeCommit's {@code referenceUpdated} state changes.
   *
   * @return the push, or empty for any other event
   */
  public static Optional<RepositoryPush> fromEventBridge(EventBridgeEvent event) {
    JsonNode detail = event.detail();
    if (RepositoryPush.SOURCE.equals(event.source()) && RepositoryPush.DETAIL_TYPE.equals(event.detailType())) {
      return Optional.of(Json.MAPPER.convertValue(detail, RepositoryPush.class));
    }
    if ("aws.codecommit".equals(event.source()) && "CodeCommit Repository State Change".equals(event.detailType())
        && "referenceUpdated".equals(detail.path("event").asText())) {
      if (event.id() == null || event.id().isBlank()) {
        throw new IllegalArgumentException("the payload lacks id");
      }
      String name = required(detail, "repositoryName", "detail.repositoryName");
      String ref = detail.has("referenceFullName")
          ? detail.path("referenceFullName").asText()
          : ("branch".equals(detail.path("referenceType").asText()) ? "refs/heads/" : "refs/tags/")
              + required(detail, "referenceName", "detail.referenceName");
      return Optional.of(new RepositoryPush(
          "codecommit",
          event.id(),
          name,
          "https://git-codecommit." + event.region() + ".amazonaws.com/v1/repos/" + name,
          ref,
          detail.path("oldCommitId").asText("0".repeat(40)),
          required(detail, "commitId", "detail.commitId"),
          detail.path("callerUserArn").asText("unknown"),
          null,
          null,
          1));
    }
    return Optional.empty();
  }

  private static String required(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException("the payload lacks " + path);
    }
    return value.asText();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
