package dev.gantry.pipeline;

import dev.gantry.document.DocumentRef;
import dev.gantry.pipeline.StageDefinition.AgentTask;
import dev.gantry.repo.ChangesPatch;
import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.repo.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 *
 * <p>A task that {@linkplain AgentTask#changesFiles changes files} runs in a {@link Sandbox}, a copy
 * of the snapshot the agent writes with write_file; the stage then writes {@value #PATCH}, a Git
 * patch against the pinned commit ({@link ChangesPatch}), checks that it applies to the snapshot and
 * reproduces the files the agent wrote, and puts the patch's SHA-256 up for approval. An agent that
 * changed nothing fails the stage.
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
  /** The document a stage that changes files writes. */
  public static final String PATCH = "changes.patch";
  /** The most bytes one file the agent writes may have, and all of them together. */
  private static final long MAX_FILE_BYTES = 1_000_000;
  private static final long MAX_WRITTEN_BYTES = 20_000_000;
  private static final int MAX_ENTRIES = 500;

  private final AgentStep agent;
  private final Map<String, DocumentCheck> checks;
  private final Path scratch;

  /**
   * @param agent runs the agent and checks the documents it owes were written
   * @param checks checks by document name, applied to each such document the stage wrote
   * @param scratch where sandboxes are made for tasks that change files
   */
  AgentStage(AgentStep agent, Map<String, DocumentCheck> checks, Path scratch) {
    this.agent = agent;
    this.checks = Map.copyOf(checks);
    this.scratch = scratch.resolve("sandboxes");
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
    if (declared.changesFiles()) {
      return changingFiles(context, declared, task.toString());
    }
    AgentStep.Run run = agent.run(context, "You are running as Gantry's " + stage.name() + " stage.", task.toString(),
        declared.writes());
    check(context, run);
    return new StageOutcome(true, AgentStep.summary(run, context), run.result().usage(), run.droppedTools(), null,
        run.result().modelCalls());
  }

  private StageOutcome changingFiles(StageContext context, AgentTask declared, String task) {
    RepositorySnapshot snapshot = context.repository();
    try (Sandbox sandbox = Sandbox.copyOf(snapshot, scratch, MAX_FILE_BYTES, MAX_ENTRIES, MAX_FILE_BYTES, MAX_WRITTEN_BYTES)) {
      AgentStep.Run run = agent.run(context, "You are running as Gantry's " + context.definition().name() + " stage.",
          task, declared.writes(), sandbox);
      check(context, run);
      ChangesPatch patch = ChangesPatch.between(snapshot.root(), sandbox.root(), sandbox.writtenPaths());
      if (patch.isEmpty()) {
        throw new StageFailedException("agent '" + run.agentName() + "' changed no files (it must write them with write_file)",
            run.result().usage(), run.result().modelCalls());
      }
      List<String> problems = patch.applyProblems(snapshot.root(), sandbox.root(), scratch);
      if (!problems.isEmpty()) {
        throw new StageFailedException(PATCH + " does not apply to the snapshot: " + String.join("; ", problems),
            run.result().usage(), run.result().modelCalls());
      }
      DocumentRef ref = context.documents().write(PATCH, patch.text().getBytes(StandardCharsets.UTF_8));
      String summary = AgentStep.summary(run, context) + "; " + PATCH + " changes " + patch.files().size() + " files ("
          + String.join(", ", patch.files().subList(0, Math.min(5, patch.files().size())))
          + (patch.files().size() > 5 ? ", …" : "") + ")";
      return new StageOutcome(true, summary, run.result().usage(), run.droppedTools(), ref.sha256(), run.result().modelCalls());
    }
  }

  /** Applies the document checks to what the agent wrote. */
  private void check(StageContext context, AgentStep.Run run) {    for (Map.Entry<String, DocumentCheck> check : checks.entrySet()) {
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
  }
}
