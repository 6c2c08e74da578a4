package dev.gantry.repo.git;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens for Git hosts: one for any host ({@code GANTRY_GIT_TOKEN}, on one machine only, where the
 * user names the URLs) and per-host ones ({@code GANTRY_GIT_TOKENS}, a JSON object such as {@code
 * {"github.com": "ghp_...", "gitlab.example.com": "glpat-..."}}; in AWS the same object is the Git
 * secret in Secrets Manager, which has no any-host token). A per-host token wins over the any-host
 * one.
 *
 * <p>A token is sent only over HTTPS, or over HTTP to a loopback address (a test server): never in
 * clear text across a network. It goes as HTTP Basic credentials with the user name {@value
 * #USER_NAME}, which GitHub, GitLab, Bitbucket and Gitea accept for access tokens.
 */
public final class GitCredentials {
  /** The Basic user name sent with a token. */
  public static final String USER_NAME = "x-access-token";

  private final String anyHost;
  private final Map<String, String> perHost;

  /**
   * @param anyHost a token for every host, or null
   * @param perHost tokens by host name (case-insensitive), possibly empty
   */
  public GitCredentials(String anyHost, Map<String, String> perHost) {
    this.anyHost = anyHost == null || anyHost.isBlank() ? null : anyHost.strip();
    Map<String, String> lower = new java.util.HashMap<>();
    perHost.forEach((host, token) -> {
      if (token != null && !token.isBlank()) {
        lower.put(host.toLowerCase(Locale.ROOT), token.strip());
      }
    });
    this.perHost = Map.copyOf(lower);
  }

  /**
   * Reads tokens by host from JSON such as {@code {"github.com": "ghp_..."}} ({@code
   * GANTRY_GIT_TOKENS}, the Git secret).
   *
   * @return the tokens, or empty when {@code json} is not a JSON object of strings; callers say so
   *     without echoing the value, which holds tokens
   */
  public static Optional<Map<String, String>> tokensByHost(String json) {
    com.fasterxml.jackson.databind.JsonNode tree;
    try {
      tree = dev.gantry.json.Json.tree(json);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (tree == null || !tree.isObject()) {
      return Optional.empty();
    }
    Map<String, String> tokens = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> entry : tree.properties()) {
      if (!entry.getValue().isTextual()) {
        return Optional.empty();
      }
      tokens.put(entry.getKey(), entry.getValue().asText());
    }
    return Optional.of(tokens);
  }

  /** No tokens: public repositories only. */
  public static GitCredentials none() {
    return new GitCredentials(null, Map.of());
  }

  /** The token to send to {@code url}, if one is configured and the transport may carry it. */
  public Optional<String> tokenFor(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    boolean safe = scheme.equals("https") || (scheme.equals("http") && loopback(host));
    if (!safe) {
      return Optional.empty();
    }
    return Optional.ofNullable(perHost.getOrDefault(host, anyHost));
  }

  /** Every configured token, so messages can be scrubbed of them. */
  Iterable<String> all() {
    java.util.List<String> tokens = new java.util.ArrayList<>(perHost.values());
    if (anyHost != null) {
      tokens.add(anyHost);
    }
    return tokens;
  }

  private static boolean loopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return (host.matches("[0-9.]+") || host.startsWith("[")) && InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
