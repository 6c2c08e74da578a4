package dev.gantry.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.AwsClients;
import dev.gantry.json.Json;
import dev.gantry.testing.AwsWireStub;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The real EventBridgeClient against a loopback stub speaking PutEvents' wire format (AWS JSON 1.1,
 * {@code X-Amz-Target: AWSEvents.PutEvents}).
 */
class EventBridgePushPublisherTest {
  final AtomicReference<String> answer = new AtomicReference<>();
  AwsWireStub stub;
  EventBridgeClient events;

  @BeforeEach
  void start() {
    stub = AwsWireStub.start(request -> AwsWireStub.Reply.json(200, "application/x-amz-json-1.1", answer.get()));
    events = AwsClients.client(EventBridgeClient.builder(), "eu-west-1", AwsWireStub.CREDENTIALS, Optional.of(stub.endpoint()));
  }

  @AfterEach
  void stop() {
    events.close();
    stub.close();
  }

  @Test
  void a_push_is_put_on_the_bus_as_a_repository_push_event() throws Exception {
    answer.set("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}]}");
    RepositoryPush push = PushEventsTest.gitHubPush();

    new EventBridgePushPublisher(events, "gantry-pushes").publish(push);

    assertThat(stub.received()).extracting(r -> r.header("X-Amz-Target")).containsExactly("AWSEvents.PutEvents");
    JsonNode entry = Json.MAPPER.readTree(stub.received().get(0).body()).path("Entries").get(0);
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
