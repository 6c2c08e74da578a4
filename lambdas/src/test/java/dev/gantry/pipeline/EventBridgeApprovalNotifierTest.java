package dev.gantry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.AwsClients;
import dev.gantry.deploy.ChangeSetSummary;
import dev.gantry.deploy.PendingChangeSet;
import dev.gantry.deploy.RiskFlag;
import dev.gantry.json.Json;
import dev.gantry.session.Session;
import dev.gantry.testing.AwsWireStub;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The approval notice as PutEvents carries it to the bus (AWS JSON 1.1), through the real EventBridgeClient. */
class EventBridgeApprovalNotifierTest {

  @Test
  void the_approval_notice_names_the_template_digest_and_the_change_set_with_its_summary_and_risk_flags() throws Exception {
    // GIVEN a session waiting on a change set that replaces a table
    PendingChangeSet changeSet = new PendingChangeSet("cloudformation",
        "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/gantry-s1/abc", "c".repeat(64), new ChangeSetSummary(1, 0, 1, 0),
        List.of(new RiskFlag(RiskFlag.Kind.STATEFUL_REPLACEMENT, "Orders", "Orders (AWS::DynamoDB::Table) is replaced")));
    Session session = Session.start("s1", "Serve the orders API", "/repo", "gantry-orders", Instant.parse("2026-12-01T00:00:00Z"))
        .withPendingDigest("d".repeat(64)).withPendingChangeSet(changeSet);
    try (AwsWireStub stub = AwsWireStub.start(request -> AwsWireStub.Reply.json(200, "application/x-amz-json-1.1",
            "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"1\"}]}"));
        EventBridgeClient events = AwsClients.client(EventBridgeClient.builder(), "eu-west-1", AwsWireStub.CREDENTIALS,
            Optional.of(stub.endpoint()))) {

      // WHEN the notice is sent
      new EventBridgeApprovalNotifier(events, "gantry-bus").approvalRequested(session);

      // THEN its detail tells a reviewer what they are asked to approve
      JsonNode entry = Json.MAPPER.readTree(stub.received().get(0).body()).path("Entries").get(0);
      assertThat(entry.path("DetailType").asText()).isEqualTo("ApprovalRequested");
      JsonNode detail = Json.tree(entry.path("Detail").asText());
      assertThat(detail.path("digest").asText()).isEqualTo("d".repeat(64));
      assertThat(detail.path("changeSet").path("changeSetId").asText()).isEqualTo(changeSet.changeSetId());
      assertThat(detail.path("changeSet").path("sha256").asText()).isEqualTo("c".repeat(64));
      assertThat(detail.path("changeSet").path("summary").path("replaces").asInt()).isEqualTo(1);
      assertThat(detail.path("changeSet").path("risks").get(0).path("kind").asText()).isEqualTo("STATEFUL_REPLACEMENT");
    }
  }
}
