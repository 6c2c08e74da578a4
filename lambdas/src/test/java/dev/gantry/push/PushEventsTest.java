package dev.gantry.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provider payloads in their real formats become the same RepositoryPush, and the rules decide. */
class PushEventsTest {
  static JsonNode resource(String name) throws IOException {
    try (InputStream in = PushEventsTest.class.getResourceAsStream("/" + name)) {
      return Json.MAPPER.readTree(in);
    }
  }

  /** An EventBridge event fixture, read as the push function reads its input. */
  static EventBridgeEvent event(String name) throws IOException {
    try (InputStream in = PushEventsTest.class.getResourceAsStream("/" + name)) {
      return Json.MAPPER.readValue(in, EventBridgeEvent.class);
    }
  }

  static RepositoryPush gitHubPush() throws IOException {
    return PushEvents.gitHub(resource("webhooks/github-push.json"), "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  }

  @Test
  void a_github_push_payload_is_normalised() throws IOException {
    RepositoryPush push = gitHubPush();

    assertThat(push).isEqualTo(new RepositoryPush("github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "octo-org/orders-service",
        "https://github.com/octo-org/orders-service.git", "refs/heads/main", "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "mona", "main",
        "Add DynamoDB table for orders\n\nThe API keeps orders by id with on-demand capacity.", 1));
    assertThat(push.branch()).isEqualTo("main");
    assertThat(push.deletesRef()).isFalse();
  }

  @Test
  void a_gitlab_push_payload_is_normalised_with_the_head_commit_message() throws IOException {
    RepositoryPush push = PushEvents.gitLab(resource("webhooks/gitlab-push.json"), "b1a2c3d4-0000-4000-8000-000000000001");

    assertThat(push.provider()).isEqualTo("gitlab");
    assertThat(push.repository()).isEqualTo("shop/payments");
    assertThat(push.cloneUrl()).isEqualTo("https://gitlab.example.com/shop/payments.git");
    assertThat(push.after()).isEqualTo("da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
    assertThat(push.pusher()).isEqualTo("jsmith");
    assertThat(push.defaultBranch()).isEqualTo("main");
    assertThat(push.headCommitMessage()).isEqualTo("Capture payments through an SQS queue\n");
    assertThat(push.commitCount()).isEqualTo(2);
  }

  @Test
  void a_codecommit_reference_update_and_gantrys_own_event_come_through_eventbridge() throws IOException {
    RepositoryPush codeCommit = PushEvents.fromEventBridge(event("events/codecommit-reference-updated.json")).orElseThrow();

    assertThat(codeCommit.provider()).isEqualTo("codecommit");
    assertThat(codeCommit.deliveryId()).isEqualTo("01234567-0123-0123-0123-012345678901");
    assertThat(codeCommit.repository()).isEqualTo("inventory");
    assertThat(codeCommit.cloneUrl()).isEqualTo("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/inventory");
    assertThat(codeCommit.ref()).isEqualTo("refs/heads/main");
    assertThat(codeCommit.pusher()).isEqualTo("arn:aws:iam::123456789012:user/Mary_Major");

    RepositoryPush github = gitHubPush();
    EventBridgeEvent own = Json.MAPPER.convertValue(Map.of("version", "0", "source", RepositoryPush.SOURCE,
        "detail-type", RepositoryPush.DETAIL_TYPE, "id", "e-1", "time", "2026-12-01T10:00:00Z", "detail", github),
        EventBridgeEvent.class);
    assertThat(PushEvents.fromEventBridge(own)).contains(github);
    assertThat(PushEvents.fromEventBridge(Json.MAPPER.convertValue(Map.of("source", "aws.s3", "detail-type", "Object Created"),
        EventBridgeEvent.class))).isEmpty();
  }

  @Test
  void a_payload_that_is_not_a_push_names_the_missing_field() {
    assertThatThrownBy(() -> PushEvents.gitHub(Json.tree("{\"ref\":\"refs/heads/main\"}"), "d-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the payload lacks repository.full_name");
  }

  @Test
  void a_rule_without_branches_matches_the_default_branch_only() throws IOException {
    RepositoryPush push = gitHubPush();
    PushRules rules = new PushRules(List.of(new PushRule("Octo-Org/Orders-Service", List.of(), null, null, Map.of())));

    assertThat(rules.match(push).rule()).isPresent();
    RepositoryPush feature = withRef(push, "refs/heads/feature/x");
    assertThat(rules.match(feature).reason()).isEqualTo("branch feature/x is not the default branch main of octo-org/orders-service");
  }

  @Test
  void listed_branches_and_prefixes_match_tags_deletions_and_other_repositories_do_not() throws IOException {
    RepositoryPush push = gitHubPush();
    PushRules rules = new PushRules(List.of(new PushRule("octo-org/orders-service", List.of("release/*", "develop"), null, null, null)));

    assertThat(rules.match(withRef(push, "refs/heads/release/2026.11")).rule()).isPresent();
    assertThat(rules.match(withRef(push, "refs/heads/develop")).rule()).isPresent();
    assertThat(rules.match(push).reason()).contains("branch main is not among [release/*, develop]");
    assertThat(rules.match(withRef(push, "refs/tags/v1.0")).reason()).contains("is not a branch");
    RepositoryPush deletion = new RepositoryPush("github", "d", push.repository(), push.cloneUrl(), "refs/heads/develop",
        push.after(), "0".repeat(40), "mona", "main", null, 0);
    assertThat(rules.match(deletion).reason()).contains("was deleted");
    assertThat(PushRules.none().match(push).reason()).isEqualTo("no push rule names repository octo-org/orders-service");
  }

  @Test
  void a_codecommit_push_needs_listed_branches_because_the_event_has_no_default_branch() throws IOException {
    RepositoryPush push = PushEvents.fromEventBridge(event("events/codecommit-reference-updated.json")).orElseThrow();

    assertThat(new PushRules(List.of(new PushRule("inventory", null, null, null, null))).match(push).reason())
        .contains("does not report the default branch");
    assertThat(new PushRules(List.of(new PushRule("inventory", List.of("main"), null, null, null))).match(push).rule()).isPresent();
  }

  @Test
  void a_rule_may_run_review_on_every_branch_and_deliver_on_main_first_match_winning() throws IOException {
    PushRules rules = PushRules.parse("""
        rules:
          - repository: octo-org/orders-service
            branches: [main]
          - repository: octo-org/orders-service
            branches: ["*"]
            pipeline: review
        """, "rules.yaml");
    RepositoryPush push = gitHubPush(); // a push to main

    assertThat(rules.match(push).rule().orElseThrow().pipeline()).isNull();
    assertThat(rules.match(withRef(push, "refs/heads/feature/x")).rule().orElseThrow().pipeline()).isEqualTo("review");
    PushRules.Match own = rules.match(withRef(push, "refs/heads/gantry/5a0c1a52-9d7e-4f7e-8a47-2f7d1b9c6e10"));
    assertThat(own.rule()).isEmpty();
    assertThat(own.reason()).contains("one Gantry pushed");
  }

  @Test
  void rules_parse_from_yaml_and_bad_rules_name_the_file_and_field() {
    PushRules rules = PushRules.parse("rules:\n  - repository: octo-org/app\n    branches: [main]\n    stack: app-prod\n", "rules.yaml");
    assertThat(rules.rules()).containsExactly(new PushRule("octo-org/app", List.of("main"), "app-prod", null, null));

    assertThatThrownBy(() -> PushRules.parse("rules:\n  - repository: a/b\n    branch: main\n", "rules.yaml"))
        .hasMessage("rules.yaml: rules[0]: unknown field 'branch' (use repository, branches, stack, path, pipeline, agents)");
    assertThatThrownBy(() -> PushRules.parse("rules:\n  - repository: a/b\n    pipeline: reveiw\n", "rules.yaml"))
        .hasMessage("rules.yaml: rules[0].pipeline: no pipeline 'reveiw': choose one of deliver, design, review, implement");
    assertThatThrownBy(() -> PushRules.parse("rules:\n  - branches: [main]\n", "rules.yaml"))
        .hasMessageStartingWith("rules.yaml: rules[0].repository is missing");
    assertThatThrownBy(() -> PushRules.parse("repos: []", "GANTRY_PUSH_RULES"))
        .hasMessage("GANTRY_PUSH_RULES: expected a top-level 'rules' list");
  }

  private static RepositoryPush withRef(RepositoryPush p, String ref) {
    return new RepositoryPush(p.provider(), p.deliveryId(), p.repository(), p.cloneUrl(), ref, p.before(), p.after(), p.pusher(),
        p.defaultBranch(), p.headCommitMessage(), p.commitCount());
  }
}
