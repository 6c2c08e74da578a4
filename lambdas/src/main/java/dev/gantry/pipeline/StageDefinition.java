package dev.gantry.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One stage of the pipeline declaration.
 *
 * @param name the stage's id in sessions, audit entries and the CLI ({@code architect})
 * @param stateName the Step Functions state name ({@code Architect})
 * @param agent the agent definition name the stage runs, if it runs one
 * @param retry retry policy for transient errors
 * @param timeout how long one attempt may take; for the approval gate, how long the session may
 *     wait for a decision in all (the state's {@code TimeoutSeconds})
 * @param approvalGate true for the stage that waits for a human decision (a task token in AWS)
 * @param heartbeat for the approval gate: the longest wait without a heartbeat (the state's {@code
 *     HeartbeatSeconds}); empty for the other stages
 * @param polling for a stage that waits on work outside Gantry (a change set being created, a stack
 *     being deployed): how often it looks again and for how long in all; empty for the others
 * @param cloudFormation what the stage's function does with CloudFormation, which decides what it
 *     may call (the CDK app grants CloudFormation to these functions only); empty for the others
 * @param task for an agent stage run by {@link AgentStage}: what its agent is asked to do, which
 *     documents it reads and which it must write; empty for the other stages
 * @param documents the documents Gantry's own code writes in this stage ({@code validation.json},
 *     {@code report.md}…); with the agent task's documents and the transcript, what the stage owns
 *     ({@link #ownedDocuments}): no other stage, and no agent, may write them
 * @param safeToRerun whether an attempt interrupted without a record of its end (its process was
 *     killed) may simply run again when the session is recovered: true when running it twice leaves
 *     the same outside effects as once (it writes only the session's own documents, creates a change
 *     set under a new name, or only looks); false for a stage whose outside effect may have happened
 *     and must not happen twice (executing a change set, pushing a branch). A recovered session
 *     interrupted in a stage that is not safe ends FAILED "interrupted" instead. Default false.
 */
public record StageDefinition(
    String name,
    String stateName,
    Optional<String> agent,
    RetryPolicy retry,
    Duration timeout,
    boolean approvalGate,
    Optional<Duration> heartbeat,
    Optional<Polling> polling,
    Optional<CloudFormationUse> cloudFormation,
    Optional<AgentTask> task,
    List<String> documents,
    boolean safeToRerun) {

  /**
   * What an agent stage asks its agent, declared with the stage so that the pipelines, the agent
   * roles and the documents each stage owes are written in one place.
   *
   * @param instructions what to do, in the agent's task after the {@code Stage:}, {@code Goal:},
   *     {@code Repository:} and {@code Stack name:} lines
   * @param reads documents earlier stages wrote that the agent gets inside its task, each in a
   *     {@code <name>} element; a missing one fails the stage
   * @param writes the documents the agent must write: each entry lists acceptable names, one of
   *     which must be written
   * @param changesFiles whether the agent changes the repository's files: it writes them in a
   *     sandbox (a copy of the snapshot) and the stage turns the changes into {@code changes.patch}
   *     for approval
   */
  public record AgentTask(String instructions, List<String> reads, List<List<String>> writes, boolean changesFiles) {
    public AgentTask {
      reads = List.copyOf(reads);
      writes = writes.stream().map(List::copyOf).toList();
    }

    /** A task that writes documents only. */
    public AgentTask(String instructions, List<String> reads, List<List<String>> writes) {
      this(instructions, reads, writes, false);
    }
  }

  /** What a deploy stage does with CloudFormation; each use is granted only the calls it makes. */
  public enum CloudFormationUse {
    /** Creates change sets through the service role and describes them. */
    MAKE_CHANGE_SETS,
    /** Executes an approved change set. */
    EXECUTE_CHANGE_SETS,
    /** Watches stacks (status, events, resources) and deletes a failed first create through the service role. */
    WATCH_STACKS
  }

  /**
   * How a polling stage waits. Each attempt looks once and returns {@link StageOutcome#waiting}
   * while the work outside is in progress; the executor (locally) or a Wait state (Step Functions)
   * waits {@code interval} and runs the stage again, never a sleeping function. The stage fails with
   * {@link StageTimeoutException} when it has waited {@code deadline} since it started.
   *
   * @param interval the wait between two looks, at least 1 second
   * @param deadline the longest the stage may wait in all
   */
  public record Polling(Duration interval, Duration deadline) {
    public Polling {
      if (interval.toSeconds() < 1 || deadline.compareTo(interval) <= 0) {
        throw new IllegalArgumentException("a polling stage waits at least 1 second, less than its deadline");
      }
    }
  }

  public StageDefinition {
    if (heartbeat.isPresent() && !approvalGate) {
      throw new IllegalArgumentException(name + ": only the approval gate has a heartbeat");
    }
    if (polling.isPresent() && approvalGate) {
      throw new IllegalArgumentException(name + ": the approval gate waits for a decision, it does not poll");
    }
    if (heartbeat.isPresent() && heartbeat.get().compareTo(timeout) >= 0) {
      throw new IllegalArgumentException(name + ": the heartbeat must be shorter than the timeout");
    }
    documents = List.copyOf(documents);
    if (task.isPresent() && agent.isEmpty()) {
      throw new IllegalArgumentException(name + ": a stage with an agent task names the agent role that runs it");
    }
  }

  /** A stage without a heartbeat, polling or CloudFormation. */
  public StageDefinition(
      String name, String stateName, Optional<String> agent, RetryPolicy retry, Duration timeout, boolean approvalGate) {
    this(name, stateName, agent, retry, timeout, approvalGate, Optional.empty());
  }

  /** A stage without polling or CloudFormation. */
  public StageDefinition(
      String name, String stateName, Optional<String> agent, RetryPolicy retry, Duration timeout, boolean approvalGate,
      Optional<Duration> heartbeat) {
    this(name, stateName, agent, retry, timeout, approvalGate, heartbeat, Optional.empty(), Optional.empty(),
        Optional.empty(), List.of(), false);
  }

  /** This stage, waiting on outside work as {@code polling} says. */
  public StageDefinition polling(Duration interval, Duration deadline) {
    return new StageDefinition(name, stateName, agent, retry, timeout, approvalGate, heartbeat,
        Optional.of(new Polling(interval, deadline)), cloudFormation, task, documents, safeToRerun);
  }

  /** This stage, with its function allowed to call CloudFormation for {@code use}. */
  public StageDefinition callingCloudFormation(CloudFormationUse use) {
    return new StageDefinition(name, stateName, agent, retry, timeout, approvalGate, heartbeat, polling, Optional.of(use),
        task, documents, safeToRerun);
  }

  /** This stage, run by {@link AgentStage} with {@code agentTask}. */
  public StageDefinition asking(AgentTask agentTask) {
    return new StageDefinition(name, stateName, agent, retry, timeout, approvalGate, heartbeat, polling, cloudFormation,
        Optional.of(agentTask), documents, safeToRerun);
  }

  /** This stage, owning {@code names}: documents its Gantry code writes. */
  public StageDefinition owning(String... names) {
    List<String> all = new java.util.ArrayList<>(documents);
    all.addAll(List.of(names));
    return new StageDefinition(name, stateName, agent, retry, timeout, approvalGate, heartbeat, polling, cloudFormation,
        task, all, safeToRerun);
  }

  /** This stage, declared safe to run again after an interrupted attempt ({@code safeToRerun}). */
  public StageDefinition rerunnable() {
    return new StageDefinition(name, stateName, agent, retry, timeout, approvalGate, heartbeat, polling, cloudFormation,
        task, documents, true);
  }

  /**
   * Every document this stage owns: those its code writes, those its agent task must write, and an
   * agent stage's transcript ({@code transcript-<stage>.jsonl}).
   */
  public List<String> ownedDocuments() {
    java.util.LinkedHashSet<String> owned = new java.util.LinkedHashSet<>(documents);
    task.ifPresent(t -> t.writes().forEach(owned::addAll));
    agent.ifPresent(a -> owned.add(dev.gantry.agent.Transcript.documentName(name)));
    return List.copyOf(owned);
  }

  /** Whether the stage's function may call CloudFormation at all. */
  public boolean callsCloudFormation() {
    return cloudFormation.isPresent();
  }
}
