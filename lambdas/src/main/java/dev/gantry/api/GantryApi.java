package dev.gantry.api;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.Router.Route;
import dev.gantry.api.Router.Route.Body;
import dev.gantry.document.DocumentStore;
import dev.gantry.pipeline.SessionWorkflow;
import dev.gantry.push.PushPublisher;
import dev.gantry.push.PushRules;
import dev.gantry.push.WebhookSecrets;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.telemetry.Telemetry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Gantry's HTTP API, built once and served by both transports: {@code ApiHandler} (API Gateway
 * HTTP API, payload 2.0) and {@code gantry serve}. {@code openapi.yaml} beside this class documents
 * exactly {@link #router()}'s routes; a test keeps the two equal.
 */
public final class GantryApi {
  /** The API version reported by {@code GET /health}. */
  public static final String VERSION = "0.1.0";

  private final Router router;
  private final SessionViews views;

  /**
   * @param sessions the session service
   * @param workflow what runs sessions
   * @param documents the document store (findings are read from it)
   * @param delivery how documents are handed out
   * @param agents the agent catalog
   * @param secrets webhook secrets
   * @param rules which pushes start sessions; a webhook push that matches none is answered
   *     {@code ignored}
   * @param pushes where verified pushes that match a rule go
   * @param consoleUrl the Step Functions console URL of a session's execution, or empty locally
   */
  public GantryApi(
      SessionService sessions,
      SessionWorkflow workflow,
      DocumentStore documents,
      DocumentDelivery delivery,
      AgentCatalog agents,
      WebhookSecrets secrets,
      PushRules rules,
      PushPublisher pushes,
      Function<Session, Optional<String>> consoleUrl) {
    this(sessions, workflow, documents, delivery, agents, secrets, rules, pushes, consoleUrl, session -> Optional.empty(),
        Telemetry.NONE);
  }

  /**
   * As above, in AWS.
   *
   * @param logsUrl the CloudWatch Logs Insights query of a session's log lines, or empty locally
   * @param telemetry told of webhook deliveries whose signature does not match
   */
  public GantryApi(
      SessionService sessions,
      SessionWorkflow workflow,
      DocumentStore documents,
      DocumentDelivery delivery,
      AgentCatalog agents,
      WebhookSecrets secrets,
      PushRules rules,
      PushPublisher pushes,
      Function<Session, Optional<String>> consoleUrl,
      Function<Session, Optional<String>> logsUrl,
      Telemetry telemetry) {
    this.views = new SessionViews(documents, consoleUrl, logsUrl);
    SessionRoutes s = new SessionRoutes(sessions, workflow, views, delivery, agents);
    AgentRoutes a = new AgentRoutes(agents);
    WebhookRoutes w = new WebhookRoutes(secrets, rules, pushes, telemetry);
    this.router = new Router(List.of(
        new Route("POST", "/sessions", "startSession", Permission.WRITE, Body.REQUIRED, Set.of(), s::start),
        new Route("GET", "/sessions", "listSessions", Permission.READ, Body.NONE, Set.of("status", "limit", "cursor"), s::list),
        new Route("GET", "/sessions/{id}", "getSession", Permission.READ, Body.NONE, Set.of(), s::show),
        new Route("GET", "/sessions/{id}/audit", "getAuditLog", Permission.READ, Body.NONE, Set.of("cursor"), s::audit),
        new Route("GET", "/sessions/{id}/documents/{name}", "getDocument", Permission.READ, Body.NONE, Set.of(), s::document),
        new Route("POST", "/sessions/{id}/approval", "decideApproval", Permission.APPROVE, Body.REQUIRED, Set.of(), s::approval),
        new Route("POST", "/sessions/{id}/cancel", "cancelSession", Permission.WRITE, Body.OPTIONAL, Set.of(), s::cancel),
        new Route("GET", "/agents", "listAgents", Permission.READ, Body.NONE, Set.of(), a::list),
        new Route("GET", "/agents/{name}", "getAgent", Permission.READ, Body.NONE, Set.of(), a::show),
        new Route("GET", "/health", "getHealth", null, Body.NONE, Set.of(), GantryApi::health),
        new Route("POST", "/webhooks/github", "receiveGitHubWebhook", null, Body.REQUIRED, Set.of(), w::gitHub),
        new Route("POST", "/webhooks/gitlab", "receiveGitLabWebhook", null, Body.REQUIRED, Set.of(), w::gitLab)));
  }

  /**
   * Builds the session views' JSON serializers by rendering a session that exists only in memory
   * (a finished stage, a document) as {@code GET /sessions/{id}} and the listing would: priming for
   * the first real read. Reads and writes nothing.
   */
  public void primeViews() {
    Session sample = Session.primingSample();
    dev.gantry.json.Json.write(views.detail(sample));
    dev.gantry.json.Json.write(views.summary(sample));
  }

  /** The request table. */
  public Router router() {
    return router;
  }

  /** Health: the process answers. */
  record Health(String status, String version) {}

  private static ApiResponse health(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    return ApiResponse.json(200, new Health("ok", VERSION));
  }
}
