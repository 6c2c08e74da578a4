package dev.gantry.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.testing.AwsWireStub;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commit statuses against a local stub speaking GitHub's and GitLab's routes. */
class CommitStatusesTest {
  static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

  @Test
  void a_github_enterprise_status_goes_to_api_v3_with_the_token_state_context_and_link() {
    try (AwsWireStub forge = AwsWireStub.start(r -> new AwsWireStub.Reply(201, Map.of("Content-Type", "application/json"), "{}"))) {
      String clone = forge.endpoint() + "/octo-org/orders-service.git";

      CommitStatuses.create().post("github", clone, SHA, false, "Gantry review: 1 critical, 0 high, 2 medium, 0 low",
          "https://api.example.com/sessions/abc", "ghp_token");

      AwsWireStub.Received call = forge.received().get(0);
      assertThat(call.method()).isEqualTo("POST");
      assertThat(call.path()).isEqualTo("/api/v3/repos/octo-org/orders-service/statuses/" + SHA);
      assertThat(call.header("Authorization")).isEqualTo("Bearer ghp_token");
      JsonNode body = Json.tree(new String(call.body(), StandardCharsets.UTF_8));
      assertThat(body.get("state").asText()).isEqualTo("failure");
      assertThat(body.get("context").asText()).isEqualTo("gantry/review");
      assertThat(body.get("target_url").asText()).isEqualTo("https://api.example.com/sessions/abc");
      assertThat(body.get("description").asText()).startsWith("Gantry review: 1 critical");
    }
  }

  @Test
  void a_gitlab_status_names_the_project_by_its_encoded_path_and_a_refusal_is_reported_with_the_code() {
    try (AwsWireStub forge = AwsWireStub.start(r -> r.rawPath().contains("group%2Fsub%2Fapp") ? new AwsWireStub.Reply(201, Map.of(), "{}")
        : new AwsWireStub.Reply(404, Map.of(), "{\"message\":\"404 Project Not Found\"}"))) {
      CommitStatuses statuses = CommitStatuses.create();

      statuses.post("gitlab", forge.endpoint() + "/group/sub/app.git", SHA, true, "x".repeat(200), null, "glpat");
      JsonNode body = Json.tree(new String(forge.received().get(0).body(), StandardCharsets.UTF_8));
      assertThat(forge.received().get(0).rawPath()).isEqualTo("/api/v4/projects/group%2Fsub%2Fapp/statuses/" + SHA);
      assertThat(body.get("state").asText()).isEqualTo("success");
      assertThat(body.get("name").asText()).isEqualTo("gantry/review");
      assertThat(body.get("description").asText()).hasSize(140);
      assertThat(body.has("target_url")).isFalse();

      assertThatThrownBy(() -> statuses.post("gitlab", forge.endpoint() + "/other/app.git", SHA, true, "d", null, "glpat"))
          .isInstanceOf(PushDeliveryException.class).hasMessageContaining("refused the commit status (HTTP 404)")
          .hasMessageContaining("Project Not Found");
      assertThatThrownBy(() -> statuses.post("codecommit", "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app", SHA,
          true, "d", null, "t")).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
