package dev.gantry.repo.git;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Git tokens from one Secrets Manager secret whose string is a JSON object of host names to tokens
 * ({@code {"github.com": "ghp_...", "gitlab.example.com": "glpat-..."}}). There is no token for any
 * host here: in AWS whoever may start a session chooses the URL, and a token must only reach the
 * host it was issued by. Read on first use, not when the function starts, so a SnapStart snapshot
 * never holds a token; the value is reused for {@link #TTL}, so a rotated token is picked up within
 * it. Only the checkout function's role may read the secret.
 */
public final class SecretsManagerGitCredentials implements Supplier<GitCredentials> {
  /** How long a fetched value is reused. */
  public static final Duration TTL = Duration.ofMinutes(5);
  private final SecretsManagerClient secrets;
  private final String secretId;
  private final Clock clock;
  private volatile Cached cached;

  private record Cached(GitCredentials credentials, Instant fetchedAt) {}

  /**
   * @param secrets a client built once
   * @param secretId the secret's ARN or name
   * @param clock time source for the cache
   */
  public SecretsManagerGitCredentials(SecretsManagerClient secrets, String secretId, Clock clock) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.clock = clock;
  }

  /**
   * The current tokens.
   *
   * @throws IllegalStateException when the secret is not a JSON object of strings (the message never
   *     holds its value)
   */
  @Override
  public GitCredentials get() {
    Cached value = cached;
    Instant now = clock.instant();
    if (value == null || value.fetchedAt().plus(TTL).isBefore(now)) {
      value = new Cached(parse(secrets.getSecretValue(b -> b.secretId(secretId)).secretString()), now);
      cached = value;
    }
    return value.credentials();
  }

  private GitCredentials parse(String secretString) {
    JsonNode json;
    try {
      json = Json.tree(secretString);
    } catch (RuntimeException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw new IllegalStateException("the Git secret " + secretId + " is not a JSON object of host names to tokens");
    }
    Map<String, String> perHost = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : json.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new IllegalStateException("the Git secret " + secretId + ": the value of '" + entry.getKey() + "' is not a string");
      }
      perHost.put(entry.getKey(), entry.getValue().asText());
    }
    return new GitCredentials(null, perHost);
  }
}
