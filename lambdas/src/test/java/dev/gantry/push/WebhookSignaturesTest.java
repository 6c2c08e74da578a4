package dev.gantry.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignaturesTest {
  static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
  static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  /** GitHub Docs, "Validating webhook deliveries", "Testing the webhook payload validation". */
  static final String DOCS_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void the_github_docs_test_vector_verifies() {
    assertThat(WebhookSignatures.gitHubSignature(SECRET, PAYLOAD)).isEqualTo(DOCS_SIGNATURE);
    assertThat(WebhookSignatures.gitHubSignatureValid(SECRET, PAYLOAD, DOCS_SIGNATURE)).isTrue();
  }

  @Test
  void a_changed_body_another_secret_a_missing_prefix_or_header_fail() {
    assertThat(WebhookSignatures.gitHubSignatureValid(SECRET, "Hello, World?".getBytes(StandardCharsets.UTF_8), DOCS_SIGNATURE)).isFalse();
    assertThat(WebhookSignatures.gitHubSignatureValid("another".getBytes(StandardCharsets.UTF_8), PAYLOAD, DOCS_SIGNATURE)).isFalse();
    assertThat(WebhookSignatures.gitHubSignatureValid(SECRET, PAYLOAD, DOCS_SIGNATURE.substring("sha256=".length()))).isFalse();
    assertThat(WebhookSignatures.gitHubSignatureValid(SECRET, PAYLOAD, null)).isFalse();
    assertThat(WebhookSignatures.gitHubSignatureValid(SECRET, PAYLOAD, "sha1=" + DOCS_SIGNATURE.substring(7))).isFalse();
  }

  @Test
  void a_gitlab_token_must_equal_the_configured_one() {
    assertThat(WebhookSignatures.gitLabTokenValid("s3cret-token", "s3cret-token")).isTrue();
    assertThat(WebhookSignatures.gitLabTokenValid("s3cret-token", "s3cret-tokeN")).isFalse();
    assertThat(WebhookSignatures.gitLabTokenValid("s3cret-token", "s3cret")).isFalse();
    assertThat(WebhookSignatures.gitLabTokenValid("s3cret-token", null)).isFalse();
  }
}
