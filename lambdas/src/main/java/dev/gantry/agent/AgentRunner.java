package dev.gantry.agent;

import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.TokenUsage;
import dev.gantry.model.UntrustedData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one agent: calls the model, runs the tools it asks for, feeds the results back, and stops on
 * {@code end_turn}, a turn limit, a token, output-token or cost budget. The loop of the Converse API's tool use guide
 * ("Call a tool with the Converse API").
 *
 * <p>The definition's frontmatter shapes the run as Claude Code's "Subagents" page says: {@code
 * maxTurns} caps the model calls (never above {@link Limits#maxTurns()}, see {@link #turnLimit}),
 * and {@code initialPrompt} is the first text of the first user turn, before the task (both in one
 * message, since Converse wants user and assistant turns to alternate). Every call goes into a
 * {@link Transcript} as it happens, so a run that fails or stops at a budget has recorded its calls.
 */
public final class AgentRunner {
  private final ModelClient model;

  /** @param model the model port; the runner neither retries nor times out calls itself */
  public AgentRunner(ModelClient model) {
    this.model = model;
  }

  /**
   * Limits of one run. The run stops after the call that reaches a budget.
   *
   * @param maxTurns the most model calls
   * @param tokenBudget the most input + output tokens over all calls
   * @param maxTokensPerCall the most tokens one call may generate ({@code maxTokens})
   * @param outputTokenBudget the most output tokens over all calls
   * @param costBudgetMicrodollars the most the calls may cost, in millionths of a US dollar;
   *     {@link Long#MAX_VALUE} for no cost budget
   */
  public record Limits(int maxTurns, long tokenBudget, int maxTokensPerCall, long outputTokenBudget,
      long costBudgetMicrodollars) {

    /** Turn and token limits without output or cost budgets. */
    public Limits(int maxTurns, long tokenBudget, int maxTokensPerCall) {
      this(maxTurns, tokenBudget, maxTokensPerCall, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** These limits with another cost budget. */
    public Limits withCostBudget(long microdollars) {
      return new Limits(maxTurns, tokenBudget, maxTokensPerCall, outputTokenBudget, microdollars);
    }

    /** Whether a cost budget applies. */
    public boolean costLimited() {
      return costBudgetMicrodollars != Long.MAX_VALUE;
    }
  }

  /** Why a run ended. Only {@link #END_TURN} means the agent finished its work. */
  public enum Outcome {
    END_TURN,
    TURN_LIMIT,
    TOKEN_BUDGET,
    OUTPUT_BUDGET,
    COST_BUDGET,
    MAX_TOKENS,
    STOPPED_BY_MODEL;

    /** Whether the run was stopped by one of its {@link Limits}. */
    public boolean budget() {
      return this == TURN_LIMIT || this == TOKEN_BUDGET || this == OUTPUT_BUDGET || this == COST_BUDGET;
    }
  }

  /**
   * One model call: its usage (with cost) and latency.
   *
   * @param usage tokens and cost of the call
   * @param latencyMillis the provider's latency figure
   */
  public record ModelCall(TokenUsage usage, long latencyMillis) {}

  /** One tool call: its name and whether it succeeded. */
  public record ToolCall(String name, boolean succeeded) {}

  /**
   * The result of a run.
   *
   * @param outcome why it ended
   * @param turns model calls made
   * @param usage tokens consumed over all calls
   * @param toolCalls every tool call, in order
   * @param finalText the text of the model's last message
   * @param modelCalls every model call, in order
   */
  public record Result(
      Outcome outcome, int turns, TokenUsage usage, List<ToolCall> toolCalls, String finalText, List<ModelCall> modelCalls) {
    public Result {
      toolCalls = List.copyOf(toolCalls);
      modelCalls = List.copyOf(modelCalls);
    }
  }

  /**
   * The most model calls a run of {@code agent} may make: its {@code maxTurns} when it has one and
   * it is lower than {@code limits.maxTurns()} ({@code GANTRY_MAX_TURNS}), else the configured limit.
   */
  public static int turnLimit(AgentDefinition agent, Limits limits) {
    return agent.maxTurns().map(turns -> Math.min(turns, limits.maxTurns())).orElse(limits.maxTurns());
  }

  /** Runs {@code agent} on {@code task} without keeping a transcript; see {@link #run(AgentDefinition, String, String, String, Toolbox, Limits, Transcript)}. */
  public Result run(
      AgentDefinition agent,
      String modelId,
      String stageInstructions,
      String task,
      Toolbox toolbox,
      Limits limits) {
    return run(agent, modelId, stageInstructions, task, toolbox, limits, new Transcript());
  }

  /**
   * Runs {@code agent} on {@code task}.
   *
   * @param agent the definition; its body is the system prompt
   * @param modelId the resolved model id
   * @param stageInstructions appended to the system prompt: what this stage needs from the agent
   * @param task the first user message
   * @param toolbox the tools offered
   * @param limits turn, token and cost limits; the agent's {@code maxTurns} may lower the turn limit
   * @param transcript receives every model and tool call as it ends, failed ones included
   * @throws dev.gantry.model.ModelException when a model call fails (the transcript records it), or
   *     (not retryable, before any call) when a cost budget is set and the model's cost is unknown
   */
  public Result run(
      AgentDefinition agent,
      String modelId,
      String stageInstructions,
      String task,
      Toolbox toolbox,
      Limits limits,
      Transcript transcript) {
    if (limits.costLimited() && !model.knowsCost(modelId)) {
      throw new dev.gantry.model.ModelException("no price is known for " + modelId + ", so the cost budget cannot be "
          + "enforced: add it to ModelPrices or use a listed model", false, null);
    }
    String system = agent.body() + "\n\n" + stageInstructions + "\n\n" + UntrustedData.NOTICE;
    List<Message> messages = new ArrayList<>();
    messages.add(agent.initialPrompt()
        .map(first -> new Message(Message.Role.USER, List.of(new ContentBlock.Text(first), new ContentBlock.Text(task))))
        .orElse(Message.userText(task)));
    List<ToolCall> calls = new ArrayList<>();
    List<ModelCall> modelCalls = new ArrayList<>();
    TokenUsage usage = TokenUsage.ZERO;
    String lastText = "";
    int maxTurns = turnLimit(agent, limits);
    for (int turn = 1; turn <= maxTurns; turn++) {
      ModelResponse response = converse(
          new ModelRequest(modelId, system, messages, toolbox.specs(), limits.maxTokensPerCall()), turn, transcript);
      usage = usage.plus(response.usage());
      modelCalls.add(new ModelCall(response.usage(), response.latencyMillis()));
      messages.add(response.output());
      lastText = response.output().text();
      switch (response.stopReason()) {
        case END_TURN, STOP_SEQUENCE -> {
          return new Result(Outcome.END_TURN, turn, usage, calls, lastText, modelCalls);
        }
        case MAX_TOKENS -> {
          return new Result(Outcome.MAX_TOKENS, turn, usage, calls, lastText, modelCalls);
        }
        case CONTENT_FILTERED -> {
          return new Result(Outcome.STOPPED_BY_MODEL, turn, usage, calls, lastText, modelCalls);
        }
        case TOOL_USE -> {
          List<ContentBlock> results = new ArrayList<>();
          for (ContentBlock.ToolUse use : response.output().toolUses()) {
            results.add(runTool(toolbox, use, calls, turn, transcript));
          }
          messages.add(new Message(Message.Role.USER, results));
        }
      }
      if (usage.costMicrodollars() >= limits.costBudgetMicrodollars()) {
        return new Result(Outcome.COST_BUDGET, turn, usage, calls, lastText, modelCalls);
      }
      if (usage.outputTokens() >= limits.outputTokenBudget()) {
        return new Result(Outcome.OUTPUT_BUDGET, turn, usage, calls, lastText, modelCalls);
      }
      if (usage.totalTokens() >= limits.tokenBudget()) {
        return new Result(Outcome.TOKEN_BUDGET, turn, usage, calls, lastText, modelCalls);
      }
    }
    return new Result(Outcome.TURN_LIMIT, maxTurns, usage, calls, lastText, modelCalls);
  }

  private ModelResponse converse(ModelRequest request, int turn, Transcript transcript) {
    long started = System.nanoTime();
    ModelResponse response;
    try {
      response = model.converse(request);
    } catch (RuntimeException e) {
      transcript.add(Transcript.ModelCall.failed(turn, request.modelId(), millisSince(started), e));
      throw e;
    }
    transcript.add(Transcript.ModelCall.answered(turn, request.modelId(), response, millisSince(started)));
    return response;
  }

  private static ContentBlock runTool(
      Toolbox toolbox, ContentBlock.ToolUse use, List<ToolCall> calls, int turn, Transcript transcript) {
    long started = System.nanoTime();
    Optional<AgentTool> tool = toolbox.find(use.name());
    String output;
    boolean failed;
    if (tool.isEmpty()) {
      output = toolbox.refusal(use.name());
      failed = true;
    } else {
      try {
        output = tool.get().run(use.input());
        failed = false;
      } catch (ToolException e) {
        output = e.getMessage();
        failed = true;
      } catch (RuntimeException e) {
        transcript.add(new Transcript.ToolCall(Transcript.TOOL_CALL, turn, use.toolUseId(), use.name(), use.input(), 0,
            null, millisSince(started), e.getClass().getSimpleName() + ": " + e.getMessage()));
        throw e;
      }
    }
    calls.add(new ToolCall(use.name(), !failed));
    transcript.add(Transcript.ToolCall.of(turn, use, output, failed, millisSince(started)));
    return new ContentBlock.ToolResult(
        use.toolUseId(), output, failed ? ContentBlock.ToolResult.Status.ERROR : ContentBlock.ToolResult.Status.SUCCESS);
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
