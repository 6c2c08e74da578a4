package dev.gantry.pipeline;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentDefinition;
import dev.gantry.agent.AgentRunner;
import dev.gantry.agent.ToolMapping;
import dev.gantry.agent.Toolbox;
import dev.gantry.model.ModelSelection;
import java.util.List;

/**
 * Runs a stage's agent with the tools its frontmatter maps to, and checks that it wrote the
 * documents the stage needs. Shared by the agent stages.
 */
final class AgentStep {
  private final AgentCatalog catalog;
  private final AgentRunner runner;
  private final ModelSelection models;
  private final AgentRunner.Limits limits;

  AgentStep(
      AgentCatalog catalog, AgentRunner runner, ModelSelection models, AgentRunner.Limits limits) {
    this.catalog = catalog;
    this.runner = runner;
    this.models = models;
    this.limits = limits;
  }

  /** An agent run and the tools it was refused. */
  record Run(AgentRunner.Result result, List<String> droppedTools, String agentName) {}

  /**
   * Runs the stage's agent.
   *
   * @param requiredDocuments each entry lists acceptable names; one of each must be written
   * @throws StageFailedException when the agent is missing, stops early or omits a document
   */
  Run run(
      StageContext context,
      String instructions,
      String task,
      List<List<String>> requiredDocuments) {
    String role =
        context
            .definition()
            .agent()
            .orElseThrow(() -> new IllegalStateException("stage has no agent"));
    String agentName = context.session().agentFor(role);
    AgentDefinition agent =
        catalog
            .find(agentName)
            .orElseThrow(() -> new StageFailedException(notFound(agentName)));
    ToolMapping.Selection selection = ToolMapping.select(agent.tools());
    List<String> dropped =
        selection.dropped().stream().map(d -> d.name() + " (" + d.reason() + ")").toList();
    Toolbox toolbox = new Toolbox(selection.offered(), context.repository(), context.documents());
    AgentRunner.Result result =
        runner.run(agent, models.resolve(agent.model()), instructions, task, toolbox, limits);
    for (List<String> alternatives : requiredDocuments) {
      boolean present = alternatives.stream().anyMatch(n -> context.documents().find(n).isPresent());
      if (!present) {
        throw new StageFailedException(
            "agent '" + agentName + "' ended (" + result.outcome() + " after " + result.turns()
                + " turns) without writing " + String.join(" or ", alternatives));
      }
    }
    return new Run(result, dropped, agentName);
  }

  /** Why the agent is missing: its file failed to load (with the loader's message), or there is none. */
  private String notFound(String agentName) {
    return catalog.problems().stream()
        .filter(p -> java.nio.file.Path.of(p.source()).getFileName().toString().equals(agentName + ".md"))
        .findFirst()
        .map(p -> "agent '" + agentName + "' did not load: " + p.getMessage())
        .orElse("agent '" + agentName + "' not found: add " + agentName + ".md to the agent directory");
  }

  /** One-line summary of a run. */
  static String summary(Run run, StageContext context) {
    return run.agentName() + ": " + run.result().turns() + " turns, " + run.result().toolCalls().size()
        + " tool calls, wrote " + String.join(", ", context.documents().written().keySet());
  }
}
