package dev.gantry.local;

import dev.gantry.api.ApiRequest;
import dev.gantry.api.ApiResponse;
import dev.gantry.api.Caller;
import dev.gantry.api.Problem;
import dev.gantry.api.Router;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.session.InvalidRequestException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * {@code gantry serve}'s transport: Jetty on 127.0.0.1 turning each HTTP request into an {@link
 * ApiRequest} for the same {@link Router} the Lambda handler uses. A request is authenticated when
 * it carries {@code Authorization: Bearer <token>} (RFC 6750) with one of the server's tokens ({@link
 * ServePrincipals}), compared in constant time; the token names the caller and its permissions. Bodies are read at most to {@link Router#MAX_BODY_BYTES} + 1 bytes, and a declared
 * {@code Content-Length} above the limit is refused without reading.
 *
 * <p>Hardened for a machine others may reach through a tunnel or a browser: a request without a
 * valid token to a route that needs one is answered 401 before its body is read; a connection idle
 * for {@link #IDLE_TIMEOUT_MS} (a body that stops arriving included) is closed; at most {@link
 * #MAX_THREADS} threads serve at most {@link #MAX_CONNECTIONS} connections; every error, Jetty's own included (a malformed
 * request line, a NUL in a path, a body shorter than its {@code Content-Length}), is {@code
 * application/problem+json} (RFC 9457) without Java class names.
 *
 * <p>A token bucket ({@link RateLimit}) bounds the request rate: a request over it is answered
 * {@code 429} problem+json with {@code Retry-After} before anything else is done with it. {@code
 * /health} is never limited, so liveness answers under load.
 *
 * <p>{@code GET /} and {@code GET /ui/...} are the {@link WebView}'s pages, which call this API
 * from a browser; the rate limit and problem+json apply to them too.
 */
public final class LocalApiServer implements AutoCloseable {
  /** The most of an oversized body read and discarded before answering 413: API Gateway's 10 MiB payload cap. */
  static final long DRAIN_LIMIT_BYTES = 10L * 1024 * 1024;
  /** How long a connection may send nothing before it is closed, in milliseconds. */
  static final long IDLE_TIMEOUT_MS = 10_000;
  /** The most threads serving requests, and the most connections open at once (further ones wait to be accepted). */
  static final int MAX_THREADS = 32;
  static final int MAX_CONNECTIONS = 256;
  /** The path no rate limit applies to: liveness must answer under load. */
  static final String HEALTH_PATH = "/health";

  /**
   * The rate limit of {@code gantry serve}: one token bucket for the server (it listens on loopback
   * only, so every caller shares it).
   *
   * @param perSecond requests a second answered once the burst is spent (the bucket's refill rate), above 0
   * @param burst requests answered at once (the bucket's size), at least 1
   */
  public record RateLimit(double perSecond, int burst) {
    /** 50 requests a second, bursts of 100. */
    public static final RateLimit DEFAULT = new RateLimit(50, 100);

    /** Checks the values. */
    public RateLimit {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new InvalidRequestException(EnvironmentVariables.SERVE_RATE,
            EnvironmentVariables.SERVE_RATE + " must be a number of requests a second above 0, such as 50");
      }
      if (burst < 1) {
        throw new InvalidRequestException(EnvironmentVariables.SERVE_BURST,
            EnvironmentVariables.SERVE_BURST + " must be a whole number of requests of at least 1, such as 100");
      }
    }

    /**
     * The limit {@link EnvironmentVariables#SERVE_RATE} and {@link EnvironmentVariables#SERVE_BURST}
     * set, each defaulting to {@link #DEFAULT}'s.
     *
     * @throws InvalidRequestException naming the variable when a value is not a valid number
     */
    public static RateLimit fromEnvironment(Map<String, String> environment) {
      String rate = environment.get(EnvironmentVariables.SERVE_RATE);
      String burst = environment.get(EnvironmentVariables.SERVE_BURST);
      double perSecond = DEFAULT.perSecond();
      int size = DEFAULT.burst();
      try {
        if (rate != null && !rate.isBlank()) {
          perSecond = Double.parseDouble(rate.strip());
        }
      } catch (NumberFormatException e) {
        perSecond = Double.NaN; // refused below with the variable's name
      }
      try {
        if (burst != null && !burst.isBlank()) {
          size = Integer.parseInt(burst.strip());
        }
      } catch (NumberFormatException e) {
        size = 0; // refused below with the variable's name
      }
      return new RateLimit(perSecond, size);
    }
  }

  private final Server server;
  private final URI uri;

  private LocalApiServer(Server server, URI uri) {
    this.server = server;
    this.uri = uri;
  }

  /**
   * Starts serving on 127.0.0.1.
   *
   * @param router the request table
   * @param port the port, or 0 for any free one
   * @param token the bearer token callers must send
   * @param callerId the identity written into audit entries of authenticated requests
   * @throws IllegalStateException when the port cannot be bound
   */
  public static LocalApiServer start(Router router, int port, String token, String callerId) {
    return start(router, port, token, callerId, RateLimit.DEFAULT);
  }

  /**
   * Starts serving on 127.0.0.1 with a rate limit.
   *
   * @param router the request table
   * @param port the port, or 0 for any free one
   * @param token the bearer token callers must send
   * @param callerId the identity written into audit entries of authenticated requests
   * @param limit the requests a second and the burst answered before 429
   * @throws IllegalStateException when the port cannot be bound
   */
  public static LocalApiServer start(Router router, int port, String token, String callerId, RateLimit limit) {
    return start(router, port, ServePrincipals.single(token, callerId), limit);
  }

  /**
   * Starts serving on 127.0.0.1 for several principals.
   *
   * @param router the request table
   * @param port the port, or 0 for any free one
   * @param principals the bearer tokens accepted and the callers they name
   * @param limit the requests a second and the burst answered before 429
   * @throws IllegalStateException when the port cannot be bound
   */
  static LocalApiServer start(Router router, int port, ServePrincipals principals, RateLimit limit) {
    TokenBucket bucket = new TokenBucket(limit.perSecond(), limit.burst(), System::nanoTime);
    WebView web = new WebView();
    org.eclipse.jetty.util.thread.QueuedThreadPool threads = new org.eclipse.jetty.util.thread.QueuedThreadPool(MAX_THREADS, 4);
    threads.setName("gantry-serve");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    connector.getConnectionFactory(org.eclipse.jetty.server.HttpConnectionFactory.class).getHttpConfiguration()
        .setSendServerVersion(false);
    server.addConnector(connector);
    // bound the connections instead of Jetty's job queue, which must stay unbounded for Jetty's own tasks
    server.addBean(new org.eclipse.jetty.server.NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    server.setStopTimeout(0);
    server.setErrorHandler(LocalApiServer::jettyError);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ApiResponse answer;
        long wait = HEALTH_PATH.equals(request.getHttpURI().getPath()) ? 0 : bucket.tryTake();
        try {
          answer = wait > 0 ? tooManyRequests(wait, request.getHttpURI().getPath(), limit)
              : answer(router, web, request, principals);
        } catch (Exception e) { // a body that never completes, a broken connection: answer, never an HTML page
          answer = problem(400, "the request could not be read (" + (e instanceof java.util.concurrent.TimeoutException
              || e.getCause() instanceof java.util.concurrent.TimeoutException ? "the body stopped arriving" : "malformed")
              + "): send a complete request", request.getHttpURI().getPath());
        }
        response.setStatus(answer.status());
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        if (answer.stream() != null) {
          try (OutputStream out = Content.Sink.asOutputStream(response)) {
            answer.stream().writeTo(out);
          }
          callback.succeeded();
        } else {
          response.write(true, ByteBuffer.wrap(answer.body()), callback);
        }
        return true;
      }
    });
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot serve on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    return new LocalApiServer(server, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
  }

  /**
   * The web view's answer to its pages ({@link WebView#answers}), else the router's; either 401
   * without reading the body when a token is needed and there is none.
   */
  private static ApiResponse answer(Router router, WebView web, Request request, ServePrincipals principals) throws Exception {
    String path = request.getHttpURI().getPath();
    if (path == null || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) { // NUL included
      return problem(400, "the path holds control characters: send a plain path such as /sessions", "/");
    }
    Optional<Caller> caller = principals.caller(request.getHeaders().get("Authorization"));
    if (web.answers(request.getMethod(), path)) {
      return caller.isEmpty() && web.requiresCaller(request.getMethod(), path) ? web.unauthorized(path)
          : web.answer(toApiRequest(request, caller));
    }
    if (caller.isEmpty() && router.requiresCaller(request.getMethod(), path)) {
      return router.handle(new ApiRequest(request.getMethod(), path, request.getHttpURI().getQuery(), Map.of(), new byte[0],
          false, Optional.empty()));
    }
    return router.handle(toApiRequest(request, caller));
  }

  /** 429 with {@code Retry-After} in whole seconds, at least 1, for a request over the rate limit. */
  static ApiResponse tooManyRequests(long waitNanos, String instance, RateLimit limit) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    String detail = "more than " + limit.burst() + " requests at once or " + BigDecimal.valueOf(limit.perSecond()).stripTrailingZeros()
        .toPlainString() + " a second (" + EnvironmentVariables.SERVE_BURST + ", " + EnvironmentVariables.SERVE_RATE
        + "): retry after " + seconds + " s";
    return ApiResponse.problem(Problem.Kind.TOO_MANY_REQUESTS.of(detail, instance == null ? "/" : instance, null),
        Map.of("Retry-After", Long.toString(seconds)));
  }

  /** A problem+json answer made here, for requests the router never sees. */
  private static ApiResponse problem(int status, String detail, String instance) {
    // RFC 9457's "about:blank" type: the status says it all, as for the router's problems but without a Gantry kind
    return ApiResponse.problem(new dev.gantry.api.Problem("about:blank", org.eclipse.jetty.http.HttpStatus.getMessage(status),
        status, detail, instance, null), Map.of());
  }

  /**
   * Jetty's own errors (a request it cannot parse, a bad URI, a handler failure) as problem+json,
   * naming no Java class: replaces Jetty's HTML error pages.
   */
  private static boolean jettyError(Request request, Response response, Callback callback) {
    Object code = request.getAttribute(org.eclipse.jetty.server.handler.ErrorHandler.ERROR_STATUS);
    int status = code instanceof Integer i ? i : response.getStatus() >= 400 ? response.getStatus() : 500;
    String detail = status == 500 ? "the request failed on the server; retry later"
        : "the request cannot be served (" + org.eclipse.jetty.http.HttpStatus.getMessage(status)
            + "): send an HTTP/1.1 request with a valid request line, headers and body length";
    ApiResponse answer = problem(status, detail, "/");
    response.setStatus(status);
    response.getHeaders().put("Content-Type", "application/problem+json");
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
    return true;
  }

  private static ApiRequest toApiRequest(Request request, Optional<Caller> caller) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers.merge(field.getName(), field.getValue(), (a, b) -> a + "," + b);
    }
    byte[] body = new byte[0];
    InputStream in = Content.Source.asInputStream(request);
    boolean tooLarge = request.getLength() > Router.MAX_BODY_BYTES;
    if (!tooLarge) {
      byte[] read = in.readNBytes(Router.MAX_BODY_BYTES + 1);
      tooLarge = read.length > Router.MAX_BODY_BYTES;
      body = tooLarge ? new byte[0] : read;
    }
    if (tooLarge) {
      // Discard (never parse) what the client is still sending, up to a bound, so closing the
      // connection does not reset it before the client has read the 413.
      byte[] discard = new byte[16 * 1024];
      long drained = 0;
      int n;
      while (drained < DRAIN_LIMIT_BYTES && (n = in.read(discard)) > 0) {
        drained += n;
      }
    }
    HttpURI uri = request.getHttpURI();
    return new ApiRequest(request.getMethod(), uri.getPath(), uri.getQuery(), headers, body, tooLarge, caller);
  }

  /** Where it serves, such as {@code http://127.0.0.1:8080}. */
  public URI uri() {
    return uri;
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the API server failed", e);
    }
  }
}
