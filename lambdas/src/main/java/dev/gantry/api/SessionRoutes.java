package dev.gantry.api;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.document.DocumentRef;
import dev.gantry.pipeline.RunQueueFullException;
import dev.gantry.pipeline.SessionWorkflow;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.InvalidRequestException;
import dev.gantry.session.Session;
import dev.gantry.session.SessionPage;
import dev.gantry.session.SessionRequest;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The session routes: start, list, show, audit, documents, approval, cancel. */
final class SessionRoutes {
  private static final Pattern SESSION_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");
  private static final int DEFAULT_LIMIT = 20;
  private static final int AUDIT_PAGE = 100;

  private final SessionService sessions;
  private final SessionWorkflow workflow;
  private final SessionViews views;
  private final DocumentDelivery delivery;
  private final AgentCatalog agents;

  SessionRoutes(SessionService sessions, SessionWorkflow workflow, SessionViews views, DocumentDelivery delivery, AgentCatalog agents) {
    this.sessions = sessions;
    this.workflow = workflow;
    this.views = views;
    this.delivery = delivery;
    this.agents = agents;
  }

  /** Body of {@code POST /sessions}. */
  record StartBody(String goal, RepositoryBody repository, String stack, String pipeline, Map<String, String> agents) {}

  /** {@code repository} of {@code POST /sessions}. */
  record RepositoryBody(String url, String path, String ref, String commit) {}

  /** Body of {@code POST /sessions/{id}/approval}. */
  record ApprovalBody(String decision, String digest, String changeSetDigest, String comment) {}

  /** Body of {@code POST /sessions/{id}/cancel}. */
  record CancelBody(String reason) {}

  ApiResponse start(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    StartBody body = JsonBodies.read(request, StartBody.class);
    RepositoryBody repository = body.repository() == null ? new RepositoryBody(null, null, null, null) : body.repository();
    Map<String, String> chosen = new LinkedHashMap<>();
    if (body.agents() != null) {
      body.agents().forEach((role, agent) -> put(chosen, role, agent));
    }
    for (Map.Entry<String, String> agent : chosen.entrySet()) {
      if (agents.find(agent.getValue()).isEmpty()) {
        throw new InvalidRequestException("agents." + agent.getKey(),
            "no agent named '" + agent.getValue() + "': GET /agents lists the agents this deployment has");
      }
    }
    String caller = request.caller().orElseThrow().id();
    SessionRequest start = new SessionRequest(body.goal(), repository.path(), repository.url(), repository.ref(),
        repository.commit(), body.stack(), body.pipeline(), chosen, "api", request.header("Idempotency-Key").orElse(null), caller);
    SessionService.Started started = sessions.start(start, caller);
    Session session = started.session();
    try {
      workflow.start(session);
    } catch (RuntimeException e) {
      sessions.recordStartFailure(session.sessionId(), e);
      Map<String, String> retry = e instanceof RunQueueFullException full
          ? Map.of("Retry-After", Long.toString(full.retryAfterSeconds())) : Map.of();
      throw new ApiException(Problem.Kind.UPSTREAM_UNAVAILABLE, "session " + session.sessionId() + " was recorded but its run could not start"
          + (retry.isEmpty() ? "" : " because the run queue is full") + ", so it is FAILED: retry with a new request", null, retry);
    }
    ApiResponse response = ApiResponse.json(202, views.detail(session))
        .withHeader("Location", "/sessions/" + session.sessionId());
    return started.created() ? response : response.withHeader("Idempotent-Replayed", "true");
  }

  ApiResponse list(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    SessionStatus status = null;
    if (query.containsKey("status")) {
      String text = query.get("status").toUpperCase(Locale.ROOT);
      if (Arrays.stream(SessionStatus.values()).noneMatch(s -> s.name().equals(text))) {
        throw new InvalidRequestException("status", "unknown status '" + query.get("status") + "': use one of "
            + String.join(", ", Arrays.stream(SessionStatus.values()).map(Enum::name).toList()));
      }
      status = SessionStatus.valueOf(text);
    }
    int limit = query.containsKey("limit") ? number(query.get("limit"), "limit") : DEFAULT_LIMIT;
    Caller caller = request.caller().orElseThrow();
    SessionPage page = sessions.list(status, caller.may(Permission.READ_ALL) ? null : caller.id(), limit,
        blankToNull(query.get("cursor")));
    return ApiResponse.json(200, new SessionViews.Listing(
        page.sessions().stream().map(views::summary).toList(), page.nextCursor().orElse(null)));
  }

  ApiResponse show(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    Session session = visible(request, path);
    if (session.status() == SessionStatus.AWAITING_APPROVAL) {
      workflow.heartbeat(session); // a reviewer is looking: the approval stays open
    } else if (SessionService.decisionUndelivered(session)) {
      try { // a decision whose delivery failed earlier: deliver it now rather than let the approval time out
        session = deliver(session, "api:redelivery");
      } catch (ApiException | dev.gantry.session.DecisionRefusedException e) {
        // still unreachable, or the approval closed meanwhile: the next read tries again / the run records it
      }
    }
    return ApiResponse.json(200, views.detail(session));
  }

  ApiResponse audit(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    SessionService.AuditLog log = sessions.audit(visible(request, path).sessionId());
    long after = query.containsKey("cursor") ? auditCursor(query.get("cursor")) : 0;
    List<AuditEntry> page = log.entries().stream().filter(e -> e.seq() > after).limit(AUDIT_PAGE).toList();
    boolean more = !page.isEmpty() && log.entries().get(log.entries().size() - 1).seq() > page.get(page.size() - 1).seq();
    String next = more ? Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("seq:" + page.get(page.size() - 1).seq()).getBytes(StandardCharsets.UTF_8)) : null;
    return ApiResponse.json(200, new SessionViews.AuditPage(path.get("id"),
        SessionViews.ChainCheck.of(log.verification()),
        page.stream().map(SessionViews::audit).toList(), next));
  }

  ApiResponse document(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    Session session = visible(request, path);
    DocumentRef document = session.documents().get(path.get("name"));
    if (document == null) {
      throw new ApiException(Problem.Kind.NOT_FOUND, "session " + session.sessionId() + " has no document '" + path.get("name")
          + "': GET /sessions/" + session.sessionId() + " lists its documents", null);
    }
    return delivery.deliver(document, request.path());
  }

  ApiResponse approval(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    String id = id(path);
    ApprovalBody body = JsonBodies.read(request, ApprovalBody.class);
    if (!"approve".equals(body.decision()) && !"reject".equals(body.decision())) {
      throw new InvalidRequestException("decision", "decision must be \"approve\" or \"reject\"");
    }
    if (body.digest() == null || !DIGEST.matcher(body.digest()).matches()) {
      throw new InvalidRequestException("digest",
          "digest must be the 64-hex template SHA-256 shown as pendingApproval.digest by GET /sessions/" + id);
    }
    if (body.changeSetDigest() != null && !DIGEST.matcher(body.changeSetDigest()).matches()) {
      throw new InvalidRequestException("changeSetDigest",
          "changeSetDigest must be the 64-hex SHA-256 of changeset.json shown as pendingApproval.changeSet.sha256 by GET /sessions/" + id);
    }
    visible(request, path);
    String caller = request.caller().orElseThrow().id();
    Session decided = sessions.decide(id, body.decision().equals("approve"), body.digest(), body.changeSetDigest(), caller,
        body.comment());
    return ApiResponse.json(200, views.detail(deliver(decided, caller)));
  }

  /**
   * Delivers a recorded decision to the run and records the delivery. A delivery that fails for a
   * passing reason answers 503 with {@code Retry-After}: the decision stays recorded, and repeating
   * the same request, or reading the session, delivers it.
   */
  private Session deliver(Session decided, String actor) {
    try {
      workflow.decided(decided);
    } catch (dev.gantry.pipeline.WorkflowUnavailableException e) {
      throw new ApiException(Problem.Kind.UPSTREAM_UNAVAILABLE, "the decision is recorded but " + e.getMessage()
          + ": repeat the same request, or read the session, to deliver it", null, Map.of("Retry-After", "5"));
    }
    return decided.approvalTaskToken() == null ? decided : sessions.decisionDelivered(decided.sessionId(), actor);
  }

  ApiResponse cancel(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    Caller caller = request.caller().orElseThrow();
    Session session = visible(request, path);
    if (!caller.owns(session) && !caller.may(Permission.APPROVE)) {
      throw new ApiException(Problem.Kind.FORBIDDEN, caller.id() + " did not start session " + session.sessionId()
          + " and may not cancel it: ask its owner, or a principal with scope " + Permission.APPROVE.scope(), null);
    }
    String id = session.sessionId();
    CancelBody body = request.body().length == 0 ? new CancelBody(null) : JsonBodies.read(request, CancelBody.class);
    Session cancelled = sessions.cancel(id, request.caller().orElseThrow().id(), body.reason());
    workflow.cancelled(cancelled);
    return ApiResponse.json(200, views.detail(cancelled));
  }

  /**
   * The session the path names, if the caller may see it ({@link Caller#sees}); one it may not see
   * is answered 404 like a missing one, so its existence is not revealed.
   */
  private Session visible(ApiRequest request, Map<String, String> path) {
    String id = id(path);
    Session session = sessions.get(id);
    if (!request.caller().orElseThrow().sees(session)) {
      throw new dev.gantry.session.SessionNotFoundException(id);
    }
    return session;
  }

  private static String id(Map<String, String> path) {
    String id = path.get("id");
    if (!SESSION_ID.matcher(id).matches()) {
      throw new InvalidRequestException("id", "'" + id + "' is not a session id: ids are lowercase UUIDs as POST /sessions returns them");
    }
    return id;
  }

  private static long auditCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("seq:")) {
        return Long.parseLong(text.substring(4));
      }
    } catch (IllegalArgumentException e) {
      // fall through to the problem below
    }
    throw new InvalidRequestException("cursor", "the cursor is not one this API issued: pass nextCursor unchanged");
  }

  private static int number(String text, String field) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(field, field + " must be a whole number 1..100");
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  private static void put(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
