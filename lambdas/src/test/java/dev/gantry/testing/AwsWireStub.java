package dev.gantry.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A loopback HTTP server that answers as an AWS service would, for pointing a real SDK client at it
 * with {@code endpointOverride}. It records every request; the test decides each reply.
 */
public final class AwsWireStub implements AutoCloseable {
  /** Credentials for clients talking to the stub. */
  public static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret"));

  /** A request as received. */
  public record Received(String method, String path, Map<String, List<String>> headers, byte[] body, String rawPath,
      int clientPort) {
    /** A header's first value, or null. */
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  /** What the stub answers: a status, headers and a body ({@code null} for none). */
  public record Reply(int status, Map<String, String> headers, String body) {
    /** A JSON-protocol answer with {@code Content-Type} {@code contentType}. */
    public static Reply json(int status, String contentType, String body) {
      return new Reply(status, Map.of("Content-Type", contentType), body);
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private AwsWireStub(Function<Received, Reply> answer) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes(),
          exchange.getRequestURI().getRawPath(), exchange.getRemoteAddress().getPort());
      received.add(request);
      Reply reply = answer.apply(request);
      reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      byte[] body = reply.body() == null ? null : reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body == null ? -1 : body.length);
      if (body != null) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
  }

  /** Starts a stub that answers each request with {@code answer}'s reply. */
  public static AwsWireStub start(Function<Received, Reply> answer) {
    return new AwsWireStub(answer);
  }

  /** The endpoint to override a client's with. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every request so far, in order. */
  public List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
