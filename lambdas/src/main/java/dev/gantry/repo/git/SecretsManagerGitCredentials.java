package dev.gantry.repo.git;

import dev.gantry.repo.RepositoryFetchException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
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
  private final java.util.function.Supplier<SecretsManagerClient> secrets;
  private final String secretId;
  private final Clock clock;
  private volatile Cached cached;

  private record Cached(GitCredentials credentials, Instant fetchedAt) {}

  /** With a client already built (tests). */
  public SecretsManagerGitCredentials(SecretsManagerClient secrets, String secretId, Clock clock) {
    this(() -> secrets, secretId, clock);
  }

  /**
   * @param secrets the client, built on first use
   * @param secretId the secret's ARN or name
   * @param clock time source for the cache
   */
  public SecretsManagerGitCredentials(java.util.function.Supplier<SecretsManagerClient> secrets, String secretId, Clock clock) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.clock = clock;
  }

  /**
   * The current tokens.
   *
   * @throws IllegalStateException when the secret is not a JSON object of strings (the message never
   *     holds its value)
   * @throws RepositoryFetchException when GetSecretValue fails: retryable for throttling and outages,
   *     not for a missing permission
   */
  @Override
  public GitCredentials get() {
    Cached value = cached;
    Instant now = clock.instant();
    if (value == null || value.fetchedAt().plus(TTL).isBefore(now)) {
      String secretString;
      try {
        secretString = secrets.get().getSecretValue(b -> b.secretId(secretId)).secretString();
      } catch (SdkException e) {
        throw new RepositoryFetchException("the Git secret " + secretId + " could not be read (" + e.getClass().getSimpleName()
            + "): check the checkout function's access to it", e.retryable(), e);
      }
      value = new Cached(parse(secretString), now);
      cached = value;
    }
    return value.credentials();
  }

  private GitCredentials parse(String secretString) {
    return new GitCredentials(null, GitCredentials.tokensByHost(secretString).orElseThrow(() -> new IllegalStateException(
        "the Git secret " + secretId + " is not a JSON object of host names to tokens")));
  }
}
