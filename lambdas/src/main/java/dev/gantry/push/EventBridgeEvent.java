package dev.gantry.push;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The envelope fields Gantry reads of an EventBridge event, as a rule target receives it (Amazon
 * EventBridge User Guide, "Amazon EventBridge events", event structure:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html). Every other
 * field ({@code version}, {@code account}, {@code time}, {@code resources}) is ignored. Read with
 * {@code Json.MAPPER}.
 *
 * @param id the event's unique id; a CodeCommit push's delivery id
 * @param detailType {@code detail-type}: with {@code source}, what kind of event it is
 * @param source the service or application that sent it, such as {@code aws.codecommit}
 * @param region the AWS Region the event came from
 * @param detail the source-specific payload; a missing node when absent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventBridgeEvent(
    String id,
    @JsonProperty("detail-type") String detailType,
    String source,
    String region,
    JsonNode detail) {

  public EventBridgeEvent {
    detail = detail == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : detail;
  }
}
