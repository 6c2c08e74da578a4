package dev.gantry.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Webhook secrets from one Secrets Manager secret whose string is JSON {@code {"github": "...",
 * "gitlab": "..."}} (either key may be absent). The value is cached for {@link #TTL}, so a warm
 * function calls GetSecretValue at most once per TTL and a rotated secret is picked up within it.
 */
public final class SecretsManagerWebhookSecrets implements WebhookSecrets {
  /** How long a fetched value is reused. */
  public static final Duration TTL = Duration.ofMinutes(5);

  private final java.util.function.Supplier<SecretsManagerClient> secrets;
  private final String secretId;
  private final Clock clock;
  private volatile Cached cached;

  private record Cached(Optional<String> github, Optional<String> gitlab, Instant fetchedAt) {}

  /** With a client already built (tests). */
  public SecretsManagerWebhookSecrets(SecretsManagerClient secrets, String secretId, Clock clock) {
    this(() -> secrets, secretId, clock);
  }

  /**
   * @param secrets the client, built on first use
   * @param secretId the secret's ARN or name
   * @param clock time source for the cache
   */
  public SecretsManagerWebhookSecrets(java.util.function.Supplier<SecretsManagerClient> secrets, String secretId, Clock clock) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.clock = clock;
  }

  @Override
  public Optional<String> gitHubSecret() {
    return current().github();
  }

  @Override
  public Optional<String> gitLabToken() {
    return current().gitlab();
  }

  private Cached current() {
    Cached value = cached;
    Instant now = clock.instant();
    if (value == null || value.fetchedAt().plus(TTL).isBefore(now)) {
      JsonNode json = Json.tree(secrets.get().getSecretValue(b -> b.secretId(secretId)).secretString());
      value = new Cached(text(json, "github"), text(json, "gitlab"), now);
      cached = value;
    }
    return value;
  }

  private static Optional<String> text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node == null || !node.isTextual() || node.asText().isBlank() ? Optional.empty() : Optional.of(node.asText());
  }
}
