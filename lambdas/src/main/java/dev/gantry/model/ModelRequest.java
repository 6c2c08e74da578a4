package dev.gantry.model;

import java.util.List;

/**
 * One call to a model, shaped like a Converse request.
 *
 * @param modelId the model or inference profile id; the client decides what an alias means
 * @param system the system prompt (the agent definition's body plus the stage's instructions)
 * @param messages the conversation so far, starting with a user message
 * @param tools the tools the model may ask for; empty for none
 * @param maxTokens the most tokens the model may generate in this call
 */
public record ModelRequest(
    String modelId, String system, List<Message> messages, List<ToolSpec> tools, int maxTokens) {
  public ModelRequest {
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
  }
}
