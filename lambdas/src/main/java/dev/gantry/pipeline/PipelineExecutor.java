package dev.gantry.pipeline;

import dev.gantry.document.DocumentStore;
import dev.gantry.model.TokenUsage;
import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.Session;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionStore;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The local executor: runs each session's pipeline ({@link Pipelines}) in-process, the same
 * declarations the CDK app turns into Step Functions state machines.
 *
 * <p>{@link #advance} runs a RUNNING session's remaining stages in order until the approval gate
 * (the session waits in AWAITING_APPROVAL) or the end (SUCCEEDED). Each stage start, retry and end
 * is a conditional session update with its audit entry. A polling stage whose outside work is in
 * progress is looked at again after its declared interval (a changed summary is recorded as {@code
 * StageProgress}) until it is done or its deadline passes. A stage may end the session SUCCEEDED
 * early (a change set with nothing to deploy). A stage that returns a failed outcome,
 * exhausts its retries, throws a non-retryable exception or exceeds its timeout ends the session
 * FAILED at that stage with the error recorded; nothing is left RUNNING when {@code advance}
 * returns or throws.
 */
public final class PipelineExecutor implements AutoCloseable {
  /** Actor written into audit entries the pipeline causes. */
  public static final String ACTOR = "pipeline";

  private final Pipelines pipelines;
  /** Which stage owns each document ({@link Pipelines#documentOwners()}), worked out once. */
  private final Map<String, String> documentOwners;
  private final Map<String, Stage> stages;
  private final SessionStore sessions;
  private final DocumentStore documents;
  private final Function<Session, RepositorySnapshot> repositories;
  private final Clock clock;
  private final Sleeper sleeper;
  private final StageListener listener;
  private final ExecutionRecorder recorder;
  private final SessionLeases leases;
  private final ExecutorService worker =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "gantry-stage");
            t.setDaemon(true);
            return t;
          });

  /** Waits between retries; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * @param pipelines the pipelines sessions may run
   * @param stages the implementation of each non-gate stage of every pipeline, by stage name
   * @param sessions the session store
   * @param documents the document store
   * @param repositories opens the session's repository
   * @param clock time source
   * @param sleeper waits between retries
   * @param listener progress output
   */
  public PipelineExecutor(Pipelines pipelines, Map<String, Stage> stages, SessionStore sessions, DocumentStore documents,
      Function<Session, RepositorySnapshot> repositories, Clock clock, Sleeper sleeper, StageListener listener) {
    this(pipelines, stages, sessions, documents, repositories, clock, sleeper, listener, SessionLeases.DEFAULT_DURATION);
  }

  /**
   * As above, with the duration of the leases {@link #advance} holds on the sessions it runs.
   *
   * @param leaseDuration how long a run's lease lasts unless renewed ({@code GANTRY_LEASE_SECONDS})
   */
  public PipelineExecutor(
      Pipelines pipelines,
      Map<String, Stage> stages,
      SessionStore sessions,
      DocumentStore documents,
      Function<Session, RepositorySnapshot> repositories,
      Clock clock,
      Sleeper sleeper,
      StageListener listener,
      Duration leaseDuration) {
    for (StageDefinition stage : pipelines.stages()) {
      if (!stage.approvalGate() && !stages.containsKey(stage.name())) {
        throw new IllegalArgumentException("no implementation for stage " + stage.name());
      }
    }
    this.pipelines = pipelines;
    this.documentOwners = pipelines.documentOwners();
    this.stages = Map.copyOf(stages);
    this.sessions = sessions;
    this.documents = documents;
    this.repositories = repositories;
    this.clock = clock;
    this.sleeper = sleeper;
    this.listener = listener;
    this.recorder = new ExecutionRecorder(pipelines, sessions, clock, listener);
    this.leases = new SessionLeases(sessions, clock, leaseDuration);
  }

  /** An executor of one pipeline, for tests of one declaration. */
  public PipelineExecutor(
      PipelineDefinition definition, Map<String, Stage> stages, SessionStore sessions, DocumentStore documents,
      Function<Session, RepositorySnapshot> repositories, Clock clock, Sleeper sleeper, StageListener listener) {
    this(Pipelines.of(definition), stages, sessions, documents, repositories, clock, sleeper, listener);
  }

  /** The pipelines this executor runs. */
  public Pipelines pipelines() {
    return pipelines;
  }

  /** The default pipeline's declaration. */
  public PipelineDefinition definition() {
    return pipelines.defaultPipeline();
  }

  /** The pipeline {@code session} runs. */
  public PipelineDefinition definition(Session session) {
    return pipelines.pipeline(session.pipeline());
  }

  /**
   * Runs the session's remaining stages until the approval gate or the end.
   *
   * <p>The run holds a {@link SessionLeases lease} on the session from start to stop, renewed while
   * it runs, so a run whose process dies is found and recovered ({@link SessionRecovery}).
   *
   * @param session a RUNNING session
   * @return the session as stored at the pause or the end
   * @throws IllegalStateException when the session is not RUNNING
   * @throws dev.gantry.session.SessionConflictException when the session changed or another live
   *     run holds its lease; nothing was run or written
   */
  public Session advance(Session session) {
    if (session.status() != SessionStatus.RUNNING) {
      throw new IllegalStateException("session " + session.sessionId() + " is " + session.status() + ", not RUNNING");
    }
    leases.take(session, null);
    try {
      return run(session);
    } finally {
      leases.release(session.sessionId());
    }
  }

  private Session run(Session session) {
    Session current = session;
    try {
      for (StageDefinition stage : definition(session).stages()) {
        StageRecord record = current.stage(stage.name());
        if (record != null && record.status().completed()) {
          continue;
        }
        if (stage.approvalGate()) {
          return awaitApproval(current, stage);
        }
        current = runStage(current, stage);
        if (current.status() != SessionStatus.RUNNING) { // failed, or ended early as SUCCEEDED
          return current;
        }
      }
      return succeed(current);
    } catch (RuntimeException e) {
      recordUnexpectedFailure(current.sessionId(), e);
      throw e;
    }
  }

  /**
   * Runs attempt {@code attempt} of one stage, for a state machine task: the Step Functions
   * counterpart of one turn of {@link #advance}'s loop, with the retrier built from the same {@link
   * RetryPolicy}. The first attempt records {@code StageStarted}; a retryable error with attempts
   * left records {@code StageRetried} and is thrown for the state machine's retrier; anything else
   * ends the stage. After the last declared stage the session is recorded SUCCEEDED. Calling it
   * again for a stage that already succeeded (a redelivered task) changes nothing.
   *
   * @param sessionId the session the execution runs
   * @param stageName a declared stage that is not the approval gate
   * @param attempt 1 for the first attempt ({@code $$.State.RetryCount + 1})
   * @return the session as stored after the stage
   * @throws StageFailedException when the stage failed (the session is recorded FAILED first), the
   *     session is not RUNNING or does not exist; the state machine does not retry it
   * @throws RuntimeException an exception of the stage's retry policy when Step Functions should
   *     retry: its class name is one of the retrier's {@code ErrorEquals}
   * @throws IllegalArgumentException for a stage name that is not declared or is the approval gate
   */
  public Session runAttempt(String sessionId, String stageName, int attempt) {
    Session current = sessions.find(sessionId)
        .orElseThrow(() -> new StageFailedException("session " + sessionId + " does not exist"));
    PipelineDefinition definition = definition(current);
    StageDefinition stage = definition.stage(stageName);
    if (stage.approvalGate()) {
      throw new IllegalArgumentException(stageName + " is the approval gate: it waits for a task token and runs nothing");
    }
    StageRecord record = current.stage(stageName);
    if (record != null && record.status().completed()) {
      return current;
    }
    if (current.status() != SessionStatus.RUNNING) {
      throw new StageFailedException(
          "session " + sessionId + " is " + current.status() + ", not RUNNING: stage " + stageName + " not run");
    }
    listener.stageStarted(current, stage);
    Attempt result;
    try {
      result = attempt(current, stage, Math.max(1, attempt));
    } catch (RuntimeException e) {
      recordUnexpectedFailure(sessionId, e);
      throw e;
    }
    if (result.retryable() != null) {
      throw asDeclaredError(stage, result.retryable());
    }
    Session stored = result.session();
    if (stored.status() == SessionStatus.SUCCEEDED) {
      return stored;
    }
    if (stored.status() != SessionStatus.RUNNING) {
      throw new StageFailedException(stored.failure());
    }
    return definition.isLast(stageName) && !result.waiting() ? succeed(stored) : stored;
  }

  /**
   * Whether {@code session}'s stage {@code stageName} is a polling stage still waiting on outside
   * work: the state machine's Choice after the stage reads it from the task's result.
   */
  public static boolean waiting(Session session, String stageName) {
    StageRecord record = session.stage(stageName);
    return session.status() == SessionStatus.RUNNING && record != null && record.status() == StageStatus.RUNNING;
  }

  private Session succeed(Session current) {
    return sessions.update(
        current,
        current.withStatus(SessionStatus.SUCCEEDED),
        new AuditEvent(ACTOR, "SessionSucceeded", Map.of("stages", Integer.toString(current.stages().size()))));
  }

  private Session awaitApproval(Session current, StageDefinition gate) {
    return recorder.awaitApproval(current, gate, null);
  }

  private Session runStage(Session before, StageDefinition stage) {
    listener.stageStarted(before, stage);
    Session current = before;
    for (int attempt = 1; ; attempt++) {
      Attempt result = attempt(current, stage, attempt);
      current = result.session();
      if (result.waiting()) {
        sleep(stage.polling().orElseThrow().interval());
        attempt = 0; // a new look is a first attempt again, as a state re-entered after a Wait state
      } else if (result.retryable() != null) {
        sleep(jittered(stage.retry().delayBefore(attempt)));
      } else {
        return current;
      }
    }
  }

  /** The session after one attempt, the error when it is to be retried, and whether a polling stage waits. */
  private record Attempt(Session session, Throwable retryable, boolean waiting) {
    Attempt(Session session, Throwable retryable) {
      this(session, retryable, false);
    }
  }

  private Attempt attempt(Session before, StageDefinition stage, int attempt) {
    Session current = before;
    StageRecord record = current.stage(stage.name());
    Instant started;
    if (record == null || record.status() != StageStatus.RUNNING) {
      started = clock.instant();
      current = sessions.update(current, current.withStage(running(stage, started, attempt)),
          new AuditEvent(ACTOR, "StageStarted", Map.of("stage", stage.name())));
    } else {
      started = record.startedAt();
      if (record.attempts() != attempt) {
        // the previous attempt ended without recording (its function crashed or timed out)
        current = sessions.update(current, current.withStage(running(stage, started, attempt)),
            new AuditEvent(ACTOR, "StageRetried", Map.of("stage", stage.name(), "attempt", Integer.toString(attempt - 1),
                "error", "unrecorded")));
      }
    }
    SessionDocuments stageDocuments = new SessionDocuments(documents, current, stage.name(), documentOwners);
    if (stage.polling().isPresent()
        && Duration.between(started, clock.instant()).compareTo(stage.polling().get().deadline()) > 0) {
      StageRecord last = current.stage(stage.name());
      return new Attempt(finish(current, stage, started, attempt, null, stageDocuments, new StageTimeoutException(
          stage.name() + " waited longer than " + stage.polling().get().deadline()
              + (last.summary() == null ? "" : "; last seen: " + last.summary()))), null);
    }
    try {
      StageOutcome outcome = runWithTimeout(stage, current, attempt, stageDocuments);
      if (outcome.next() == StageOutcome.Next.WAIT) {
        return new Attempt(progress(current, stage, started, outcome, stageDocuments), null, true);
      }
      return new Attempt(finish(current, stage, started, attempt, outcome, stageDocuments, null), null);
    } catch (Exception e) {
      Throwable error = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (stage.retry().retries(error) && attempt <= stage.retry().maxAttempts()) {
        Session retrying = sessions.update(current, current.withStage(running(stage, started, attempt + 1)),
            new AuditEvent(ACTOR, "StageRetried",
                Map.of("stage", stage.name(), "attempt", Integer.toString(attempt), "error", error.getClass().getName())));
        return new Attempt(retrying, error);
      }
      return new Attempt(finish(current, stage, started, attempt, null, stageDocuments, error), null);
    }
  }

  /**
   * Records a polling stage's look that found its work in progress: the stage stays RUNNING with the
   * look's summary and its attempt count back at 1; a {@code StageProgress} entry is written only
   * when the summary changed or documents were written, so a long wait does not flood the audit log.
   */
  private Session progress(Session current, StageDefinition stage, Instant started, StageOutcome outcome,
      SessionDocuments stageDocuments) {
    StageRecord last = current.stage(stage.name());
    if (outcome.summary().equals(last.summary()) && last.attempts() == 1 && stageDocuments.written().isEmpty()) {
      return current;
    }
    StageRecord waiting = new StageRecord(stage.name(), StageStatus.RUNNING, started, null, 1, TokenUsage.ZERO,
        outcome.summary(), List.of());
    Map<String, String> details = new HashMap<>();
    details.put("stage", stage.name());
    details.put("summary", outcome.summary());
    stageDocuments.written().forEach((name, ref) -> details.put("document." + name, ref.sha256()));
    return sessions.update(current, current.withStage(waiting).withResults(stageDocuments.written(), TokenUsage.ZERO),
        new AuditEvent(ACTOR, "StageProgress", details));
  }

  private static StageRecord running(StageDefinition stage, Instant started, int attempt) {
    return new StageRecord(stage.name(), StageStatus.RUNNING, started, null, attempt, TokenUsage.ZERO, null, List.of());
  }

  /**
   * The error to throw for the state machine's retrier. Step Functions matches {@code ErrorEquals}
   * by exact name (the Java runtime reports the fully qualified class name), while the policy
   * accepts subclasses; a subclass is wrapped in {@link TransientStageException}, which every
   * retrying policy lists.
   */
  private static RuntimeException asDeclaredError(StageDefinition stage, Throwable error) {
    boolean declared = stage.retry().retryOn().stream().anyMatch(type -> type == error.getClass());
    if (declared && error instanceof RuntimeException runtime) {
      return runtime;
    }
    return new TransientStageException(stage.name() + " attempt failed: " + error, error);
  }

  private StageOutcome runWithTimeout(StageDefinition stage, Session session, int attempt, SessionDocuments stageDocuments)
      throws Exception {
    Future<StageOutcome> future =
        worker.submit(dev.gantry.telemetry.TaskLog.propagating( // the task's log keys on the worker's lines
            () -> {
              Supplier<RepositorySnapshot> repository = () -> repositories.apply(session);
              return stages.get(stage.name()).run(new StageContext(session, stage, attempt, repository, stageDocuments, listener));
            }));
    try {
      return future.get(stage.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StageTimeoutException(stage.name() + " did not finish within " + stage.timeout());
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StageFailedException("interrupted while running " + stage.name());
    }
  }

  private Session finish(
      Session current, StageDefinition stage, Instant started, int attempts, StageOutcome outcome,
      SessionDocuments stageDocuments, Throwable error) {
    Instant ended = clock.instant();
    boolean succeeded = outcome != null && outcome.succeeded();
    String summary = outcome != null ? outcome.summary() : describe(error);
    StageFailedException failure = error instanceof StageFailedException f ? f : null;
    TokenUsage usage = outcome != null ? outcome.usage() : failure != null ? failure.usage() : TokenUsage.ZERO;
    List<String> dropped = outcome != null ? outcome.droppedTools() : List.of();
    StageRecord record =
        new StageRecord(stage.name(), succeeded ? StageStatus.SUCCEEDED : StageStatus.FAILED, started, ended, attempts, usage, summary, dropped);
    Session next = current.withStage(record).withResults(stageDocuments.written(), usage);
    if (outcome != null && outcome.validationFindings() != null) { // failed validations show their findings too
      next = next.withValidationFindings(outcome.validationFindings());
    }
    Map<String, String> details = new HashMap<>(outcome != null ? outcome.auditDetails()
        : StageOutcome.usageDetails(usage, failure != null ? failure.modelCalls() : List.of()));
    details.putIfAbsent("summary", summary);
    details.put("stage", stage.name());
    details.put("durationMillis", Long.toString(record.durationMillis()));
    stageDocuments.written().forEach((name, ref) -> details.put("document." + name, ref.sha256()));
    String action;
    if (succeeded) {
      if (outcome.pendingDigest() != null) {
        next = next.withPendingDigest(outcome.pendingDigest());
        details.put("digest", outcome.pendingDigest());
      }
      if (outcome.checkout() != null) {
        next = next.withCheckout(outcome.checkout());
      }
      if (outcome.pendingChangeSet() != null) {
        next = next.withPendingChangeSet(outcome.pendingChangeSet());
      }
      action = "StageSucceeded";
    } else {
      next = next.withStatus(SessionStatus.FAILED).withFailure(stage.name() + ": " + summary);
      if (error != null) {
        details.put("error", error.getClass().getName());
      }
      action = "StageFailed";
    }
    Session stored = sessions.update(current, next, new AuditEvent(ACTOR, action, details));
    listener.stageEnded(stored, stage, record);
    return succeeded && outcome.next() == StageOutcome.Next.END_SESSION ? succeed(stored) : stored;
  }

  /** Records FAILED for a session left RUNNING by an unexpected error (e.g. a store outage). */
  private void recordUnexpectedFailure(String sessionId, RuntimeException e) {
    try {
      abandon(sessionId, describe(e), e.getClass().getName());
    } catch (RuntimeException secondary) {
      e.addSuppressed(secondary);
    }
  }

  /**
   * Ends a RUNNING session FAILED, for when its run cannot go on: see {@link
   * ExecutionRecorder#abandon}.
   */
  public boolean abandon(String sessionId, String reason, String error) {
    return recorder.abandon(sessionId, reason, error);
  }

  /** Ends a RUNNING session FAILED only if it is still at {@code version}: see {@link ExecutionRecorder#abandonAt}. */
  public boolean abandonAt(String sessionId, long version, String reason, String error) {
    return recorder.abandonAt(sessionId, version, reason, error);
  }

  /** The executor's time source. */
  Clock clock() {
    return clock;
  }

  /** The leases this executor's runs hold. */
  public SessionLeases leases() {
    return leases;
  }

  /** What records approval waits and execution ends for this executor's declaration and stores. */
  public ExecutionRecorder recorder() {
    return recorder;
  }

  private static String describe(Throwable error) {
    if (error == null) {
      return "failed";
    }
    String message = ExecutionRecorder.shorten(error.getMessage() == null ? "" : error.getMessage());
    return error instanceof StageFailedException || error instanceof StageTimeoutException
        ? message
        : error.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  private static Duration jittered(Duration max) {
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(max.toMillis() + 1)); // full jitter
  }

  private void sleep(Duration delay) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StageFailedException("interrupted while waiting to retry");
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    leases.close();
  }
}
