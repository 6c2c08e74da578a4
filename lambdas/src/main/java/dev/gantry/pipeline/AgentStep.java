package dev.gantry.pipeline;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentDefinition;
import dev.gantry.agent.AgentRunner;
import dev.gantry.agent.ToolMapping;
import dev.gantry.agent.Toolbox;
import dev.gantry.agent.Transcript;
import dev.gantry.model.ModelSelection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a stage's agent as its file says (tools after {@code disallowedTools} and {@code
 * permissionMode}, {@code maxTurns}, {@code model}, {@code initialPrompt}), checks that it wrote the
 * documents the stage needs, and stores the run's {@link Transcript} as the stage's document {@code
 * transcript-<stage>.jsonl}, also when the run fails or stops at a budget. Shared by the agent stages.
 */
final class AgentStep {
  /** Budget stops, under {@code dev.gantry.telemetry}: the functions log it, the gantry command keeps it quiet. */
  private static final Logger BUDGET_STOPS = LoggerFactory.getLogger("dev.gantry.telemetry.BudgetStops");

  private final AgentCatalog catalog;
  private final AgentRunner runner;
  private final ModelSelection models;
  private final AgentRunner.Limits limits;
  private final long sessionBudgetMicrodollars;

  /**
   * @param limits one stage's limits, its cost budget included
   * @param sessionBudgetMicrodollars the most all stages of a session may cost together
   */
  AgentStep(
      AgentCatalog catalog, AgentRunner runner, ModelSelection models, AgentRunner.Limits limits,
      long sessionBudgetMicrodollars) {
    this.catalog = catalog;
    this.runner = runner;
    this.models = models;
    this.limits = limits;
    this.sessionBudgetMicrodollars = sessionBudgetMicrodollars;
  }

  /** An agent run and the tools it was refused. */
  record Run(AgentRunner.Result result, List<String> droppedTools, String agentName) {}

  /**
   * Runs the stage's agent.
   *
   * @param requiredDocuments each entry lists acceptable names; one of each must be written
   * @throws StageFailedException when the agent is missing, names a model alias that is not
   *     configured (before any model call), reaches a budget (turns, tokens, output tokens, the
   *     stage's or the session's cost; the message names it, the documents written so far are kept
   *     and the usage is recorded), or omits a document
   */
  Run run(
      StageContext context,
      String instructions,
      String task,
      List<List<String>> requiredDocuments) {
    return run(context, instructions, task, requiredDocuments, null);
  }

  /**
   * As {@link #run(StageContext, String, String, List)}, the agent reading and writing files in
   * {@code sandbox} (a copy of the snapshot) when it is not null.
   */
  Run run(
      StageContext context,
      String instructions,
      String task,
      List<List<String>> requiredDocuments,
      dev.gantry.repo.Sandbox sandbox) {
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
    if (!models.knows(agent.model())) {
      throw new StageFailedException("agent '" + agentName + "' asks for model alias '" + agent.model()
          + "', which is not configured; known aliases: " + String.join(", ", models.knownAliases())
          + ". No model was called: use one of them or a full model id in " + agent.source());
    }
    ToolMapping.Selection selection = ToolMapping.select(agent);
    List<String> dropped =
        selection.dropped().stream().map(d -> d.name() + " (" + d.reason() + ")").toList();
    dev.gantry.agent.DocumentSink owed = agentDocuments(context, requiredDocuments);
    Toolbox toolbox = sandbox == null
        ? new Toolbox(selection, context.repository(), owed)
        : Toolbox.inSandbox(selection, sandbox, owed);
    long spent = context.session().usage().costMicrodollars();
    long sessionLeft = sessionBudgetMicrodollars == Long.MAX_VALUE ? Long.MAX_VALUE : sessionBudgetMicrodollars - spent;
    if (sessionLeft <= 0) {
      BUDGET_STOPS.warn("session cost budget spent (${} so far): agent '{}' not run", spent / 1_000_000.0, agentName);
      throw new StageFailedException("the session cost budget of " + usd(sessionBudgetMicrodollars)
          + " (GANTRY_SESSION_BUDGET_USD) is spent: " + usd(spent) + " so far, so '" + agentName + "' was not run");
    }
    boolean sessionBinds = sessionLeft < limits.costBudgetMicrodollars();
    AgentRunner.Limits runLimits = sessionBinds ? limits.withCostBudget(sessionLeft) : limits;
    Transcript transcript = new Transcript(entry -> context.listener().agentCalled(context.session(), context.definition(), entry));
    AgentRunner.Result result;
    try {
      result = runner.run(agent, models.resolve(agent.model()), instructions, task, toolbox, runLimits, transcript);
    } catch (RuntimeException e) {
      try {
        writeTranscript(context, transcript);
      } catch (RuntimeException notWritten) {
        e.addSuppressed(notWritten);
      }
      throw e;
    }
    writeTranscript(context, transcript);
    if (result.outcome().budget()) {
      // the functions' warning (the gantry command shows the stage's failure itself): counts only, never the run's text
      BUDGET_STOPS.warn("agent '{}' stopped at {} after {} turns ({} tokens, ${})", agentName, result.outcome(), result.turns(),
          result.usage().totalTokens(), result.usage().costUsd());
      throw new StageFailedException("agent '" + agentName + "' stopped at " + budget(result, sessionBinds, agent)
          + " after " + result.turns() + " turns; the documents it wrote are kept", result.usage(), result.modelCalls());
    }
    for (List<String> alternatives : requiredDocuments) {
      boolean present = alternatives.stream().anyMatch(n -> context.documents().find(n).isPresent());
      if (!present) {
        throw new StageFailedException(
            "agent '" + agentName + "' ended (" + result.outcome() + " after " + result.turns()
                + " turns) without writing " + String.join(" or ", alternatives), result.usage(), result.modelCalls());
      }
    }
    return new Run(result, dropped, agentName);
  }

  /** Stores the run's calls as {@code transcript-<stage>.jsonl} among the stage's documents. */
  private static void writeTranscript(StageContext context, Transcript transcript) {
    context.documents().write(Transcript.documentName(context.definition().name()),
        transcript.jsonLines().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Where the agent's write_document goes: only the documents its stage owes ({@code
   * requiredDocuments}); every other name (Gantry's own {@code validation.json}, {@code report.md},
   * another stage's documents) is a tool error, so an agent cannot forge what Gantry or another stage
   * writes.
   */
  private static dev.gantry.agent.DocumentSink agentDocuments(StageContext context, List<List<String>> requiredDocuments) {
    java.util.Set<String> allowed = new java.util.TreeSet<>();
    requiredDocuments.forEach(allowed::addAll);
    return (name, content) -> {
      if (!allowed.contains(name)) {
        throw new dev.gantry.agent.ToolException("the " + context.definition().name() + " stage's agent writes "
            + String.join(" or ", allowed) + " only; '" + name + "' is not its document");
      }
      return context.documents().write(name, content);
    };
  }

  private String budget(AgentRunner.Result result, boolean sessionBinds, AgentDefinition agent) {
    int turnLimit = AgentRunner.turnLimit(agent, limits);
    return switch (result.outcome()) {
      case TURN_LIMIT -> turnLimit < limits.maxTurns()
          ? "its turn limit of " + turnLimit + " model calls (maxTurns in " + agent.source() + ")"
          : "its turn limit of " + turnLimit + " model calls (GANTRY_MAX_TURNS)";
      case TOKEN_BUDGET -> "its token budget of " + limits.tokenBudget() + " tokens (GANTRY_TOKEN_BUDGET)";
      case OUTPUT_BUDGET -> "its output token budget of " + limits.outputTokenBudget() + " tokens (GANTRY_OUTPUT_TOKEN_BUDGET)";
      case COST_BUDGET -> sessionBinds
          ? "the session cost budget of " + usd(sessionBudgetMicrodollars) + " (GANTRY_SESSION_BUDGET_USD; this stage spent "
              + usd(result.usage().costMicrodollars()) + ")"
          : "the stage cost budget of " + usd(limits.costBudgetMicrodollars()) + " (GANTRY_STAGE_BUDGET_USD; spent "
              + usd(result.usage().costMicrodollars()) + ")";
      default -> result.outcome().name();
    };
  }

  private static String usd(long microdollars) {
    return String.format(java.util.Locale.ROOT, "$%.4f", microdollars / 1_000_000.0);
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
        + " tool calls, wrote " + String.join(", ", context.documents().written().keySet().stream()
            .filter(name -> !name.equals(Transcript.documentName(context.definition().name()))).sorted().toList());
  }
}
