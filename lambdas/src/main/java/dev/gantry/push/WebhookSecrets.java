package dev.gantry.push;

import java.util.Optional;

/**
 * The webhook secrets port: locally from {@code GANTRY_GITHUB_WEBHOOK_SECRET} and {@code
 * GANTRY_GITLAB_WEBHOOK_TOKEN}; in AWS from a Secrets Manager secret ({@link
 * SecretsManagerWebhookSecrets}). Empty means the provider is not configured and its deliveries are
 * refused.
 */
public interface WebhookSecrets {
  /** The GitHub webhook secret. */
  Optional<String> gitHubSecret();

  /** The GitLab secret token. */
  Optional<String> gitLabToken();

  /** Fixed secrets, such as those read from the environment. */
  static WebhookSecrets of(String gitHubSecret, String gitLabToken) {
    Optional<String> github = Optional.ofNullable(gitHubSecret).filter(s -> !s.isBlank());
    Optional<String> gitlab = Optional.ofNullable(gitLabToken).filter(s -> !s.isBlank());
    return new WebhookSecrets() {
      @Override
      public Optional<String> gitHubSecret() {
        return github;
      }

      @Override
      public Optional<String> gitLabToken() {
        return gitlab;
      }
    };
  }
}
