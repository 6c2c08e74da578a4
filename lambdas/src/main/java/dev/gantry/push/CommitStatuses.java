package dev.gantry.push;

import dev.gantry.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Posts a commit status to the forge a repository lives on, so a review's result shows on the
 * pushed commit:
 *
 * <ul>
 *   <li>GitHub: {@code POST /repos/{owner}/{repo}/statuses/{sha}} with {@code state} ({@code
 *       success}, {@code failure}), {@code description} (at most 140 characters), {@code
 *       target_url} and {@code context}; {@code https://api.github.com} for github.com, {@code
 *       https://HOST/api/v3} for GitHub Enterprise Server (GitHub REST API, "Create a commit status").
 *   <li>GitLab: {@code POST /api/v4/projects/{url-encoded path}/statuses/{sha}} with {@code state}
 *       ({@code success}, {@code failed}), {@code name}, {@code description}, {@code target_url}
 *       (GitLab REST API, "Commit statuses").
 * </ul>
 *
 * The token goes in {@code Authorization: Bearer}; one call waits at most 20 seconds. A refused call
 * throws {@link PushDeliveryException} naming the status code.
 */
public final class CommitStatuses {
  /** The status's name on the forge. */
  public static final String CONTEXT = "gantry/review";
  private static final int MAX_DESCRIPTION = 140;

  private final HttpClient http;

  /** @param http a client built once, which follows no redirects (a token must not travel elsewhere) */
  public CommitStatuses(HttpClient http) {
    this.http = http;
  }

  /**
   * Posting through one client for the process (made on first use), with a 10-second connect
   * timeout, that never follows redirects: an HTTP client holds a selector thread, so it is shared.
   */
  public static CommitStatuses create() {
    return new CommitStatuses(SharedClient.HTTP);
  }

  private static final class SharedClient {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Posts {@code passed ? success : failure} with {@code description} on {@code commit}.
   *
   * @param provider {@code github} or {@code gitlab}
   * @param repositoryUrl the clone URL ({@code https://github.com/octo-org/app.git})
   * @param link where the session is read, or null
   * @throws PushDeliveryException when the forge refuses or cannot be reached
   * @throws IllegalArgumentException for another provider
   */
  public void post(String provider, String repositoryUrl, String commit, boolean passed, String description, String link,
      String token) {
    URI clone = URI.create(repositoryUrl);
    String path = clone.getPath().replaceAll("^/+", "").replaceAll("\\.git$", "").replaceAll("/+$", "");
    String origin = clone.getScheme() + "://" + clone.getRawAuthority();
    String shortDescription = description.length() <= MAX_DESCRIPTION ? description
        : description.substring(0, MAX_DESCRIPTION - 1) + "…";
    Map<String, String> body = new LinkedHashMap<>();
    URI endpoint;
    switch (provider.toLowerCase(Locale.ROOT)) {
      case "github" -> {
        String api = clone.getHost().equalsIgnoreCase("github.com") ? "https://api.github.com" : origin + "/api/v3";
        endpoint = URI.create(api + "/repos/" + path + "/statuses/" + commit);
        body.put("state", passed ? "success" : "failure");
        body.put("context", CONTEXT);
      }
      case "gitlab" -> {
        endpoint = URI.create(origin + "/api/v4/projects/" + URLEncoder.encode(path, StandardCharsets.UTF_8) + "/statuses/" + commit);
        body.put("state", passed ? "success" : "failed");
        body.put("name", CONTEXT);
      }
      default -> throw new IllegalArgumentException("commit statuses are posted to GitHub and GitLab, not " + provider);
    }
    body.put("description", shortDescription);
    if (link != null) {
      body.put("target_url", link);
    }
    HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PushDeliveryException(provider + " did not take the commit status: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PushDeliveryException("interrupted while posting the commit status", e);
    }
    if (response.statusCode() / 100 != 2) {
      String said = response.body() == null ? "" : response.body().strip();
      throw new PushDeliveryException(provider + " refused the commit status (HTTP " + response.statusCode() + ")"
          + (said.isEmpty() ? "" : ": " + (said.length() > 200 ? said.substring(0, 200) + "…" : said)), null);
    }
  }
}
