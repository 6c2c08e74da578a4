package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.document.DocumentRef;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.hash.Sha256;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 client as built for Gantry, against a loopback stub that answers PutObject as S3 does. */
class AwsClientsTest {
  record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  HttpServer stub;
  S3Client s3;

  @BeforeEach
  void startStub() throws Exception {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), body));
      exchange.getResponseHeaders().add("ETag", "\"" + Sha256.hex(body).substring(0, 32) + "\"");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    stub.start();
    s3 = AwsClients.s3("us-east-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")),
        Optional.of(URI.create("http://127.0.0.1:" + stub.getAddress().getPort())));
  }

  @AfterEach
  void stopStub() {
    s3.close();
    stub.stop(0);
  }

  @Test
  void uploads_go_without_expect_100_continue_path_style_and_carry_their_sha256() {
    byte[] content = "# Plan\n".getBytes(StandardCharsets.UTF_8);

    DocumentRef ref = new S3DocumentStore(s3, "docs").put("sessions/s-1/plan.md", content, "text/markdown");

    assertThat(received).singleElement().satisfies(request -> {
      assertThat(request.method()).isEqualTo("PUT");
      assertThat(request.path()).isEqualTo("/docs/sessions/s-1/plan.md");
      assertThat(request.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("Expect"));
      assertThat(request.headers()).containsEntry("X-amz-meta-sha256", List.of(Sha256.hex(content)));
      assertThat(request.headers().get("Authorization")).singleElement().asString().startsWith("AWS4-HMAC-SHA256");
    });
    assertThat(ref).isEqualTo(new DocumentRef("plan.md", "sessions/s-1/plan.md", 7, Sha256.hex(content), "text/markdown"));
  }
}
