package dev.gantry.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.config.AwsClients;
import dev.gantry.json.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The real EventBridgeClient against a loopback stub speaking PutEvents' wire format (AWS JSON 1.1,
 * {@code X-Amz-Target: AWSEvents.PutEvents}).
 */
class EventBridgePushPublisherTest {
  final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  final List<String> targets = new CopyOnWriteArrayList<>();
  final AtomicReference<String> answer = new AtomicReference<>();
  HttpServer stub;
  EventBridgeClient events;

  @BeforeEach
  void start() throws Exception {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext("/", exchange -> {
      requests.add(Json.MAPPER.readTree(exchange.getRequestBody()));
      targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
      byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    stub.start();
    events = AwsClients.client(EventBridgeClient.builder(), "eu-west-1",
        StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")),
        Optional.of(URI.create("http://127.0.0.1:" + stub.getAddress().getPort())));
  }

  @AfterEach
  void stop() {
    events.close();
    stub.stop(0);
  }

  @Test
  void a_push_is_put_on_the_bus_as_a_repository_push_event() throws Exception {
    answer.set("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}]}");
    RepositoryPush push = PushEventsTest.gitHubPush();

    new EventBridgePushPublisher(events, "gantry-pushes").publish(push);

    assertThat(targets).containsExactly("AWSEvents.PutEvents");
    JsonNode entry = requests.get(0).path("Entries").get(0);
    assertThat(entry.path("EventBusName").asText()).isEqualTo("gantry-pushes");
    assertThat(entry.path("Source").asText()).isEqualTo("gantry.webhooks");
    assertThat(entry.path("DetailType").asText()).isEqualTo("RepositoryPush");
    assertThat(Json.read(entry.path("Detail").asText(), RepositoryPush.class)).isEqualTo(push);
  }

  @Test
  void a_failed_entry_in_a_successful_call_is_a_delivery_failure() throws Exception {
    answer.set("{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"try again\"}]}");

    assertThatThrownBy(() -> new EventBridgePushPublisher(events, "gantry-pushes").publish(PushEventsTest.gitHubPush()))
        .isInstanceOf(PushDeliveryException.class)
        .hasMessageContaining("InternalFailure");
  }
}
