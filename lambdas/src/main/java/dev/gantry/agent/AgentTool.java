package dev.gantry.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ToolSpec;

/**
 * A sandboxed tool an agent may call. Tools only delegate to a service (the repository snapshot,
 * the document sink); they never run shell commands or reach the network.
 */
public interface AgentTool {

  /** The specification offered to the model. */
  ToolSpec spec();

  /**
   * Runs the tool.
   *
   * @param input the model's input, a JSON object meant to match {@link ToolSpec#inputSchema()}
   * @return the text result sent back to the model
   * @throws ToolException when the input is refused; its message goes back to the model as an
   *     error result, so it must not hold secrets
   */
  String run(JsonNode input);
}
