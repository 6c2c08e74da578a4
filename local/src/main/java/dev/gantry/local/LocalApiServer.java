package dev.gantry.local;

import dev.gantry.api.ApiRequest;
import dev.gantry.api.ApiResponse;
import dev.gantry.api.Caller;
import dev.gantry.api.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
 * it carries {@code Authorization: Bearer <token>} (RFC 6750) with the server's token, compared in
 * constant time. Bodies are read at most to {@link Router#MAX_BODY_BYTES} + 1 bytes, and a declared
 * {@code Content-Length} above the limit is refused without reading.
 */
public final class LocalApiServer implements AutoCloseable {
  /** The most of an oversized body read and discarded before answering 413: API Gateway's 10 MiB payload cap. */
  static final long DRAIN_LIMIT_BYTES = 10L * 1024 * 1024;

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
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setStopTimeout(0);
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ApiResponse answer = router.handle(toApiRequest(request, expected, callerId));
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

  private static ApiRequest toApiRequest(Request request, byte[] expectedAuthorization, String callerId) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers.merge(field.getName(), field.getValue(), (a, b) -> a + "," + b);
    }
    String authorization = request.getHeaders().get("Authorization");
    Optional<Caller> caller = authorization != null
        && MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8))
        ? Optional.of(new Caller(callerId)) : Optional.empty();
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
