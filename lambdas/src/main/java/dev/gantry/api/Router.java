package dev.gantry.api;

import dev.gantry.session.DecisionRefusedException;
import dev.gantry.session.IdempotencyKeyReusedException;
import dev.gantry.session.InvalidRequestException;
import dev.gantry.session.SessionConflictException;
import dev.gantry.session.SessionNotFoundException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request table: matches a request to a route and turns every failure into an RFC 9457
 * problem. Both transports (the Lambda handler and {@code gantry serve}) call {@link #handle}, so
 * the same request gets the same response from either.
 *
 * <p>Checks, in order: unknown path 404; known path, other method 405 with {@code Allow} (RFC 9110
 * section 15.5.6); no caller on an authenticated route 401 with {@code WWW-Authenticate: Bearer}
 * (RFC 6750); a caller without the route's {@link Permission} 403 naming the scope it needs; body over {@value #MAX_BODY_BYTES} bytes 413; a body that is not {@code
 * application/json} 415; then the route's handler. {@link #handle} never throws.
 */
public final class Router {
  /** The largest request body accepted: 256 KiB. */
  public static final int MAX_BODY_BYTES = 256 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  private final List<Route> routes;

  /** Handles one matched request. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param request the request
     * @param path the path template's parameters, percent-decoded
     * @param query the query parameters, percent-decoded, only those the route declares
     */
    ApiResponse handle(ApiRequest request, Map<String, String> path, Map<String, String> query);
  }

  /**
   * One route.
   *
   * @param method HTTP method
   * @param template path template, such as {@code /sessions/{id}}; also the OpenAPI path
   * @param operationId the OpenAPI operationId
   * @param permission what the caller must hold; null for a public route (no caller required)
   * @param body whether the route reads a JSON body: {@code REQUIRED}, {@code OPTIONAL} or {@code NONE}
   * @param query the query parameters the route reads; any other is refused with 400
   * @param handler the handler
   */
  public record Route(String method, String template, String operationId, Permission permission, Body body, Set<String> query,
      Handler handler) {
    /** Whether and how a route reads a JSON body. */
    public enum Body { NONE, OPTIONAL, REQUIRED }

    /** Whether a caller is required: every route but the public ones. */
    public boolean authenticated() {
      return permission != null;
    }

    Map<String, String> match(String[] segments) {
      String[] parts = template.substring(1).split("/", -1);
      if (parts.length != segments.length) {
        return null;
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      for (int i = 0; i < parts.length; i++) {
        if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
          String value = decode(segments[i]);
          if (value == null || value.isEmpty()) {
            return null;
          }
          parameters.put(parts[i].substring(1, parts[i].length() - 1), value);
        } else if (!parts[i].equals(segments[i])) {
          return null;
        }
      }
      return parameters;
    }
  }

  /** @param routes the routes; templates with the same method must not overlap */
  public Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** Every route, in declaration order (the OpenAPI check reads them). */
  public List<Route> routes() {
    return routes;
  }

  /**
   * Whether {@code method} on {@code path} needs a caller: true for authenticated routes and for
   * paths no route serves (so a transport may answer 401 before reading a body); false for the
   * public routes (webhooks, health).
   */
  public boolean requiresCaller(String method, String path) {
    String[] segments = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[] {""};
    for (Route route : routes) {
      if (route.method().equals(method) && route.match(segments) != null) {
        return route.authenticated();
      }
    }
    return true;
  }

  /** Answers a request; failures become problem responses, never exceptions. */
  public ApiResponse handle(ApiRequest request) {
    try {
      return dispatch(request);
    } catch (ApiException e) {
      return ApiResponse.problem(e.kind().of(e.getMessage(), request.path(), e.field()), e.headers());
    } catch (InvalidRequestException e) {
      return ApiResponse.problem(Problem.Kind.INVALID_REQUEST.of(e.getMessage(), request.path(), e.field()), Map.of());
    } catch (SessionNotFoundException e) {
      return ApiResponse.problem(
          Problem.Kind.NOT_FOUND.of(e.getMessage() + ": list sessions with GET /sessions", request.path(), null), Map.of());
    } catch (dev.gantry.session.SelfApprovalRefusedException e) {
      return ApiResponse.problem(Problem.Kind.FORBIDDEN.of(e.getMessage(), request.path(), null), Map.of());
    } catch (DecisionRefusedException | SessionConflictException e) {
      return ApiResponse.problem(Problem.Kind.CONFLICT.of(e.getMessage(), request.path(), null), Map.of());
    } catch (dev.gantry.session.AuditKeyUnavailableException e) {
      return ApiResponse.problem(Problem.Kind.UPSTREAM_UNAVAILABLE.of("the audit log cannot be authenticated or checked right now ("
          + e.getMessage() + "): retry later; nothing was changed", request.path(), null), Map.of("Retry-After", "5"));
    } catch (IdempotencyKeyReusedException e) {
      return ApiResponse.problem(Problem.Kind.IDEMPOTENCY_KEY_REUSED.of(e.getMessage(), request.path(), "Idempotency-Key"), Map.of());
    } catch (RuntimeException e) {
      String reference = UUID.randomUUID().toString();
      LOG.error("{} {} failed; problem reference {}", request.method(), request.path(), reference, e);
      return ApiResponse.problem(
          Problem.Kind.INTERNAL.of("the request failed on the server; retry later, and quote reference " + reference
              + " if it persists", request.path(), null),
          Map.of());
    }
  }

  private ApiResponse dispatch(ApiRequest request) {
    String[] segments = request.path().startsWith("/") ? request.path().substring(1).split("/", -1) : new String[] {""};
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Map<String, String> parameters = route.match(segments);
      if (parameters == null) {
        continue;
      }
      if (!route.method().equals(request.method())) {
        allowed.add(route.method());
        continue;
      }
      Map<String, String> query = check(route, request);
      return route.handler().handle(request, parameters, query);
    }
    if (!allowed.isEmpty()) {
      String allow = String.join(", ", allowed);
      throw new ApiException(Problem.Kind.METHOD_NOT_ALLOWED,
          request.method() + " is not served on " + request.path() + ": use " + allow, null, Map.of("Allow", allow));
    }
    throw new ApiException(Problem.Kind.NOT_FOUND,
        "no route " + request.path() + ": see the OpenAPI document (openapi.yaml) for the routes", null);
  }

  /** The route's checks; returns the query parameters. */
  private static Map<String, String> check(Route route, ApiRequest request) {
    if (route.authenticated() && request.caller().isEmpty()) {
      throw new ApiException(Problem.Kind.UNAUTHORIZED,
          "send credentials: locally 'Authorization: Bearer <token gantry serve printed>', in AWS a SigV4-signed or JWT request",
          "Authorization", Map.of("WWW-Authenticate", "Bearer realm=\"gantry\""));
    }
    if (route.authenticated() && !request.caller().get().routeAuthorizedUpstream() && !request.caller().get().may(route.permission())) {
      throw new ApiException(Problem.Kind.FORBIDDEN, request.method() + " " + route.template() + " needs the "
          + route.permission().label() + " permission, which " + request.caller().get().id() + " lacks: use credentials with scope "
          + String.join(" or ", route.permission().grantingScopes()) + " (with IAM, a policy allowing execute-api:Invoke on this route)",
          null, Map.of("WWW-Authenticate", "Bearer realm=\"gantry\", error=\"insufficient_scope\", scope=\""
              + route.permission().scope() + "\""));
    }
    if (request.bodyTooLarge() || request.body().length > MAX_BODY_BYTES) {
      throw new ApiException(Problem.Kind.PAYLOAD_TOO_LARGE,
          "the body is larger than " + MAX_BODY_BYTES + " bytes (256 KiB): send a smaller request", null);
    }
    boolean hasBody = request.body().length > 0;
    if (route.body() == Route.Body.NONE && hasBody) {
      throw new ApiException(Problem.Kind.UNSUPPORTED_MEDIA_TYPE, request.method() + " " + route.template() + " takes no body: send none", null);
    }
    if (route.body() == Route.Body.REQUIRED || (route.body() == Route.Body.OPTIONAL && hasBody)) {
      String type = request.header("Content-Type").orElse("");
      String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!media.equals("application/json")) {
        throw new ApiException(Problem.Kind.UNSUPPORTED_MEDIA_TYPE,
            (type.isEmpty() ? "no Content-Type" : "Content-Type " + media) + ": send the body as application/json",
            "Content-Type", Map.of("Accept-Post", "application/json"));
      }
    }
    return query(request, route.query());
  }

  /**
   * Parses a query string (RFC 3986 section 3.4, form-style {@code name=value&...}). A parameter
   * given twice is refused rather than guessed at.
   *
   * @throws ApiException 400 for a repeated parameter or bad percent-encoding
   */
  private static Map<String, String> query(ApiRequest request) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (request.rawQuery().isEmpty()) {
      return parameters;
    }
    for (String pair : request.rawQuery().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = decode(eq < 0 ? "" : pair.substring(eq + 1));
      if (name == null || value == null) {
        throw new ApiException(Problem.Kind.INVALID_REQUEST, "the query string has bad percent-encoding", null);
      }
      if (parameters.put(name, value) != null) {
        throw new ApiException(Problem.Kind.INVALID_REQUEST, "query parameter '" + name + "' is given twice: give it once", name);
      }
    }
    return parameters;
  }

  /** Parses the query and refuses parameters the route does not know. */
  private static Map<String, String> query(ApiRequest request, Set<String> known) {
    Map<String, String> parameters = query(request);
    List<String> unknown = new ArrayList<>();
    for (String name : parameters.keySet()) {
      if (!known.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ApiException(Problem.Kind.INVALID_REQUEST, "unknown query parameter '" + unknown.get(0) + "': use "
          + (known.isEmpty() ? "none" : String.join(", ", known.stream().sorted().toList())), unknown.get(0));
    }
    return parameters;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
