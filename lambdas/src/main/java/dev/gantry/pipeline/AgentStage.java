package dev.gantry.pipeline;

import dev.gantry.pipeline.StageDefinition.AgentTask;
import java.util.List;
import java.util.Map;

/**
 * Every agent stage declared with an {@link AgentTask}: asks the stage's agent (its role's agent,
 * or the session's choice for that role) to do the declared task with the documents it reads,
 * checks that it wrote the documents the stage owes, and checks those that have a {@link
 * DocumentCheck}. The architect, plan and review stages are this class; nothing about them is
 * written twice.
 *
 * <p>The agent's task is the lines {@code Stage:}, {@code Goal:}, {@code Repository:} and {@code
 * Stack name:}, the declared instructions, then each document it reads in an element named after
 * the document ({@code <architecture.md>…</architecture.md>}).
 */
public final class AgentStage implements Stage {
  /**
   * Checks a document an agent wrote, against the session's snapshot if it needs it.
   */
  @FunctionalInterface
  public interface DocumentCheck {
    /** What is wrong with {@code content}, one line each; empty when it is fine. */
    List<String> problems(String content, StageContext context);
  }

  /** At most this many problems are named in a failed stage's summary. */
  private static final int PROBLEMS_SHOWN = 5;

  private final AgentStep agent;
  private final Map<String, DocumentCheck> checks;

  /**
   * @param agent runs the agent and checks the documents it owes were written
   * @param checks checks by document name, applied to each such document the stage wrote
   */
  AgentStage(AgentStep agent, Map<String, DocumentCheck> checks) {
    this.agent = agent;
    this.checks = Map.copyOf(checks);
  }

  /**
   * @throws StageFailedException when the stage has no declared task, a document it reads is
   *     missing, the agent fails (see {@link AgentStep#run}) or a written document fails its check
   */
  @Override
  public StageOutcome run(StageContext context) {
    StageDefinition stage = context.definition();
    AgentTask declared = stage.task()
        .orElseThrow(() -> new IllegalStateException(stage.name() + " declares no agent task"));
    StringBuilder task = new StringBuilder()
        .append("Stage: ").append(stage.name()).append('\n')
        .append("Goal: ").append(context.session().goal()).append('\n')
        .append("Repository: ").append(context.session().repository()).append('\n')
        .append("Stack name: ").append(context.session().stackName()).append("\n\n")
        .append(declared.instructions().strip()).append('\n');
    for (String name : declared.reads()) {
      String content = context.documents().read(name).orElseThrow(() -> new StageFailedException(
          name + " is missing: the " + stage.name() + " stage reads it, and no earlier stage wrote it"));
      task.append('\n').append('<').append(name).append(">\n").append(content.strip()).append("\n</").append(name).append(">\n");
    }
    AgentStep.Run run = agent.run(context, "You are running as Gantry's " + stage.name() + " stage.", task.toString(),
        declared.writes());
    for (Map.Entry<String, DocumentCheck> check : checks.entrySet()) {
      if (context.documents().written().containsKey(check.getKey())) {
        String content = context.documents().read(check.getKey()).orElseThrow();
        List<String> problems = check.getValue().problems(content, context);
        if (!problems.isEmpty()) {
          throw new StageFailedException(check.getKey() + " from agent '" + run.agentName() + "' is not usable: "
              + String.join("; ", problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())))
              + (problems.size() > PROBLEMS_SHOWN ? "; and " + (problems.size() - PROBLEMS_SHOWN) + " more" : ""),
              run.result().usage(), run.result().modelCalls());
        }
      }
    }
    return new StageOutcome(true, AgentStep.summary(run, context), run.result().usage(), run.droppedTools(), null,
        run.result().modelCalls());
  }
}
