package dev.gantry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.push.CommitStatuses;
import dev.gantry.repo.RepositoryCheckout;
import dev.gantry.repo.git.GitCheckout;
import dev.gantry.repo.git.GitCredentials;
import dev.gantry.session.Session;
import dev.gantry.session.SessionOrigin;
import dev.gantry.testing.AwsWireStub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReviewStatusesTest {
  static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
  static final String FINDINGS = """
      {"findings": [
        {"priority": "high", "location": {"file": "a.py", "startLine": 1, "endLine": 1}, "problem": "p", "why": "w", "alternative": "a"},
        {"priority": "low", "location": {"file": "a.py", "startLine": 2, "endLine": 2}, "problem": "p", "why": "w", "alternative": "a"}]}""";

  static Session session(String trigger, String actor, String url) {
    SessionOrigin origin = new SessionOrigin(trigger, actor, url, "refs/heads/main", SHA, "delivery-1", "digest");
    return Session.start("5a0c1a52-9d7e-4f7e-8a47-2f7d1b9c6e10", "Review the push", url, "gantry-app", "review", Map.of(),
        origin, Instant.now()).withCheckout(new RepositoryCheckout(url, "refs/heads/main", SHA, 3, 100, 0));
  }

  static ReviewStatuses statuses(GitCredentials tokens) {
    return new ReviewStatuses(new GitCheckout(tokens, Duration.ofSeconds(5)), CommitStatuses.create(),
        Optional.of("https://api.example.com/sessions/{sessionId}"));
  }

  @Test
  void a_review_of_a_github_push_posts_failure_for_high_findings_with_counts_and_the_session_link() {
    try (AwsWireStub forge = AwsWireStub.start(r -> new AwsWireStub.Reply(201, Map.of(), "{}"))) {
      String url = forge.endpoint() + "/octo-org/app.git";
      Session session = session("push", "push:github:mona", url);

      Optional<String> said = statuses(new GitCredentials(null, Map.of("127.0.0.1", "ghp_x"))).post(session, ReviewFindings.counts(FINDINGS));

      assertThat(said).contains("commit status failure posted on " + SHA);
      JsonNode body = Json.tree(new String(forge.received().get(0).body(), StandardCharsets.UTF_8));
      assertThat(body.get("state").asText()).isEqualTo("failure");
      assertThat(body.get("description").asText()).isEqualTo("Gantry review: 0 critical, 1 high, 0 medium, 1 low");
      assertThat(body.get("target_url").asText()).isEqualTo("https://api.example.com/sessions/" + session.sessionId());
      assertThat(forge.received().get(0).path()).endsWith("/repos/octo-org/app/statuses/" + SHA);
    }
  }

  @Test
  void nothing_is_posted_for_sessions_not_started_by_a_forge_push_and_a_missing_token_is_said() {
    try (AwsWireStub forge = AwsWireStub.start(r -> new AwsWireStub.Reply(201, Map.of(), "{}"))) {
      String url = forge.endpoint() + "/octo-org/app.git";
      ReviewStatuses withToken = statuses(new GitCredentials("token", Map.of()));

      assertThat(withToken.post(session("api", "alice", url), ReviewFindings.counts(FINDINGS))).isEmpty();
      assertThat(withToken.post(session("push", "push:codecommit:bob", url), ReviewFindings.counts(FINDINGS))).isEmpty();
      assertThat(statuses(GitCredentials.none()).post(session("push", "push:gitlab:mona", url), ReviewFindings.counts(FINDINGS)))
          .contains("no commit status: no Git token for 127.0.0.1");
      assertThat(forge.received()).isEmpty();
    }
  }

  @Test
  void a_forge_that_refuses_the_status_is_reported_without_failing_the_review() {
    try (AwsWireStub forge = AwsWireStub.start(r -> new AwsWireStub.Reply(403, Map.of(), "{\"message\":\"Resource not accessible\"}"))) {
      String url = forge.endpoint() + "/octo-org/app.git";

      assertThat(statuses(new GitCredentials("t", Map.of())).post(session("push", "push:github:mona", url), ReviewFindings.counts(FINDINGS)))
          .hasValueSatisfying(s -> assertThat(s).startsWith("commit status not posted: github refused the commit status (HTTP 403)"));
    }
  }
}
