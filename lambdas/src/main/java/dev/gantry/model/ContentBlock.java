package dev.gantry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One block of a message, shaped like the Bedrock Converse API's {@code ContentBlock} union: a
 * text, a request by the model to use a tool, or the result of that tool.
 *
 * <p>Source: Amazon Bedrock API reference, {@code ContentBlock}, {@code ToolUseBlock}, {@code
 * ToolResultBlock}.
 */
public sealed interface ContentBlock {

  /** Plain text written by the user or the model. */
  record Text(String text) implements ContentBlock {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The model asks to run tool {@code name} with {@code input} (a JSON object matching the tool's
   * input schema); {@code toolUseId} pairs it with its result.
   */
  record ToolUse(String toolUseId, String name, JsonNode input) implements ContentBlock {
    public ToolUse {
      Objects.requireNonNull(toolUseId, "toolUseId");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(input, "input");
    }
  }

  /** The outcome of a tool run, sent back to the model in a user message. */
  record ToolResult(String toolUseId, String content, Status status) implements ContentBlock {
    /** Converse's {@code ToolResultStatus}. */
    public enum Status {
      SUCCESS,
      ERROR
    }

    public ToolResult {
      Objects.requireNonNull(toolUseId, "toolUseId");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(status, "status");
    }
  }
}
