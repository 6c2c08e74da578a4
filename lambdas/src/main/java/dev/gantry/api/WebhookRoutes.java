package dev.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.pipeline.RunQueueFullException;
import dev.gantry.push.PushDeliveryException;
import dev.gantry.push.PushEvents;
import dev.gantry.push.PushPublisher;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.push.RepositoryPush;
import dev.gantry.push.WebhookSecrets;
import dev.gantry.push.WebhookSignatures;
import dev.gantry.telemetry.Telemetry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook routes. They need no bearer token: a delivery is trusted only when it proves the
 * webhook secret (GitHub's HMAC signature, GitLab's token); then a push is normalised and matched
 * against the push rules.
 *
 * <ul>
 *   <li>A push that matches a rule is handed to the {@link PushPublisher} and answered 202 {@code
 *       accepted} with the id of the session it starts (or already started: the id derives from
 *       the delivery id, so a redelivery names the same session).
 *   <li>Anything that starts nothing (a ping, another event, a tag push, a deleted ref, a branch or
 *       repository no rule names) is answered 200 {@code ignored} with the reason, and one log line
 *       gives the delivery id and the reason. A 2xx keeps the provider from marking the hook as
 *       failing (GitHub docs, "Best practices for using webhooks": respond with a 2XX response).
 * </ul>
 */
final class WebhookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

  private final WebhookSecrets secrets;
  private final PushRules rules;
  private final PushPublisher publisher;
  private final Telemetry telemetry;

  WebhookRoutes(WebhookSecrets secrets, PushRules rules, PushPublisher publisher, Telemetry telemetry) {
    this.secrets = secrets;
    this.rules = rules;
    this.publisher = publisher;
    this.telemetry = telemetry;
  }

  /**
   * The answer to a delivery.
   *
   * @param status {@code accepted} (a session starts or was started) or {@code ignored}
   * @param session for an accepted push, the id of its session
   * @param reason for an ignored delivery, why nothing starts
   * @param zen GitHub's ping quote, echoed on a ping
   */
  record Receipt(String status, String event, String delivery, String repository, String ref, String after, String session,
      String reason, String zen) {}

  /** Answers 200 {@code ignored} with the reason, and logs the delivery id and the reason. */
  private static ApiResponse ignored(String event, String delivery, String repository, String ref, String after,
      String reason, String zen) {
    LOG.info("webhook delivery {} ({}) ignored: {}", delivery, event, reason);
    return ApiResponse.json(200, new Receipt("ignored", event, delivery, repository, ref, after, null, reason, zen));
  }

  ApiResponse gitHub(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    String secret = secrets.gitHubSecret().orElseThrow(() -> unauthorized(
        "no GitHub webhook secret is configured here (GANTRY_GITHUB_WEBHOOK_SECRET locally, the webhook secret in AWS)"));
    if (!WebhookSignatures.gitHubSignatureValid(secret.getBytes(StandardCharsets.UTF_8), request.body(),
        request.header("X-Hub-Signature-256").orElse(null))) {
      telemetry.webhookSignatureFailed("github");
      throw unauthorized("X-Hub-Signature-256 is missing or does not match the body: check the webhook secret");
    }
    String event = required(request, "X-GitHub-Event");
    String delivery = required(request, "X-GitHub-Delivery");
    JsonNode payload = payload(request);
    if (event.equals("ping")) {
      return ignored(event, delivery, repository(payload, "full_name"), null, null,
          "ping: the webhook reaches Gantry; sessions start from push events", payload.path("zen").asText(null));
    }
    if (!event.equals("push")) {
      return ignored(event, delivery, repository(payload, "full_name"), null, null,
          "event '" + event + "' is not handled: Gantry starts sessions from push events", null);
    }
    return publish(normalise(() -> PushEvents.gitHub(payload, delivery)), event);
  }

  ApiResponse gitLab(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    String token = secrets.gitLabToken().orElseThrow(() -> unauthorized(
        "no GitLab secret token is configured here (GANTRY_GITLAB_WEBHOOK_TOKEN locally, the webhook secret in AWS)"));
    if (!WebhookSignatures.gitLabTokenValid(token, request.header("X-Gitlab-Token").orElse(null))) {
      telemetry.webhookSignatureFailed("gitlab");
      throw unauthorized("X-Gitlab-Token is missing or wrong: set the webhook's secret token");
    }
    String event = required(request, "X-Gitlab-Event");
    String delivery = request.header("Idempotency-Key").or(() -> request.header("X-Gitlab-Event-UUID"))
        .orElseThrow(() -> new ApiException(Problem.Kind.INVALID_REQUEST,
            "Idempotency-Key (or X-Gitlab-Event-UUID) is missing: deliveries cannot be told apart", "Idempotency-Key"));
    JsonNode payload = payload(request);
    if (!event.equals("Push Hook") || !"push".equals(payload.path("object_kind").asText())) {
      return ignored(event, delivery, payload.path("project").path("path_with_namespace").asText(null),
          null, null, "event '" + event + "' is not handled: Gantry starts sessions from push hooks", null);
    }
    return publish(normalise(() -> PushEvents.gitLab(payload, delivery)), event);
  }

  private ApiResponse publish(RepositoryPush push, String event) {
    PushRules.Match match = rules.match(push);
    if (match.rule().isEmpty()) {
      return ignored(event, push.deliveryId(), push.repository(), push.ref(), push.after(), match.reason(), null);
    }
    try {
      publisher.publish(push);
    } catch (PushDeliveryException e) {
      throw new ApiException(Problem.Kind.UPSTREAM_UNAVAILABLE,
          "the push could not be handed on; nothing was started: redeliver it", null, Map.of("Retry-After", "30"));
    } catch (RunQueueFullException e) {
      throw new ApiException(Problem.Kind.UPSTREAM_UNAVAILABLE, "the run queue is full, so session "
          + PushSessionStarter.sessionIdOf(push) + " of this push was recorded FAILED: push again later", null,
          Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
    }
    return ApiResponse.json(202, new Receipt("accepted", event, push.deliveryId(), push.repository(), push.ref(), push.after(),
        PushSessionStarter.sessionIdOf(push), null, null));
  }

  private static RepositoryPush normalise(Supplier<RepositoryPush> normaliser) {
    try {
      return normaliser.get();
    } catch (IllegalArgumentException e) {
      throw new ApiException(Problem.Kind.INVALID_REQUEST, e.getMessage() + ": this is not a push payload", null);
    }
  }

  private static JsonNode payload(ApiRequest request) {
    try {
      JsonNode payload = Json.MAPPER.readTree(request.body());
      if (payload == null || !payload.isObject()) {
        throw new ApiException(Problem.Kind.MALFORMED_BODY, "the payload must be a JSON object", null);
      }
      return payload;
    } catch (IOException e) {
      throw new ApiException(Problem.Kind.MALFORMED_BODY, "the payload is not valid JSON", null);
    }
  }

  private static String repository(JsonNode payload, String field) {
    return Optional.ofNullable(payload.path("repository").get(field)).map(JsonNode::asText).orElse(null);
  }

  private static String required(ApiRequest request, String header) {
    return request.header(header).filter(v -> !v.isBlank()).orElseThrow(() -> new ApiException(Problem.Kind.INVALID_REQUEST,
        header + " header is missing: send deliveries as the provider does", header));
  }

  private static ApiException unauthorized(String detail) {
    return new ApiException(Problem.Kind.UNAUTHORIZED, detail, null);
  }
}
