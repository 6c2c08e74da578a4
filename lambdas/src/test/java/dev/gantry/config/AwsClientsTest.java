package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.document.DocumentRef;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.hash.Sha256;
import dev.gantry.testing.AwsWireStub;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 client as built for Gantry, against a loopback stub that answers PutObject as S3 does. */
class AwsClientsTest {
  AwsWireStub stub;
  S3Client s3;

  @BeforeEach
  void startStub() {
    stub = AwsWireStub.start(request ->
        new AwsWireStub.Reply(200, Map.of("ETag", "\"" + Sha256.hex(request.body()).substring(0, 32) + "\""), null));
    s3 = AwsClients.s3("us-east-1", AwsWireStub.CREDENTIALS, Optional.of(stub.endpoint()));
  }

  @AfterEach
  void stopStub() {
    s3.close();
    stub.close();
  }

  @Test
  void uploads_go_without_expect_100_continue_path_style_and_carry_their_sha256() {
    byte[] content = "# Plan\n".getBytes(StandardCharsets.UTF_8);

    DocumentRef ref = new S3DocumentStore(s3, "docs").put("sessions/s-1/plan.md", content, "text/markdown");

    assertThat(stub.received()).singleElement().satisfies(request -> {
      assertThat(request.method()).isEqualTo("PUT");
      assertThat(request.path()).isEqualTo("/docs/sessions/s-1/plan.md");
      assertThat(request.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("Expect"));
      assertThat(request.headers()).containsEntry("X-amz-meta-sha256", List.of(Sha256.hex(content)));
      assertThat(request.headers().get("Authorization")).singleElement().asString().startsWith("AWS4-HMAC-SHA256");
    });
    assertThat(ref).isEqualTo(new DocumentRef("plan.md", "sessions/s-1/plan.md", 7, Sha256.hex(content), "text/markdown"));
  }

  @Test
  void connections_used_while_priming_are_closed_after_the_response_so_none_is_in_a_snapshot_and_others_are_kept_alive() {
    // GIVEN S3 answering a GetObject of a key that does not exist as it does (404 NoSuchKey, an XML body)
    stub.close();
    stub = AwsWireStub.start(request -> AwsWireStub.Reply.json(404, "application/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"));
    s3 = AwsClients.s3("us-east-1", AwsWireStub.CREDENTIALS, Optional.of(stub.endpoint()));
    // AND a request made while priming before a snapshot
    AwsClients.closeConnectionsAfterEachRequest(true);
    new S3DocumentStore(s3, "docs").get("sessions/absent/plan.md");
    AwsClients.closeConnectionsAfterEachRequest(false);

    // WHEN two more requests follow
    new S3DocumentStore(s3, "docs").get("sessions/absent/plan.md");
    new S3DocumentStore(s3, "docs").get("sessions/absent/plan.md");

    // THEN the first after priming came on a new connection, and the next reused it (keep-alive is untouched)
    List<Integer> ports = stub.received().stream().map(AwsWireStub.Received::clientPort).toList();
    assertThat(ports).hasSize(3);
    assertThat(stub.received().get(0).header("Connection")).isEqualTo("close");
    assertThat(ports.get(1)).as("a new connection: the primed one was not kept alive").isNotEqualTo(ports.get(0));
    assertThat(ports.get(2)).as("connections opened outside priming stay alive").isEqualTo(ports.get(1));
    assertThat(stub.received().get(1).header("Connection")).isNotEqualTo("close");
  }
}
