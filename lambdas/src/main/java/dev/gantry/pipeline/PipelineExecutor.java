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

/**
 * The local executor: runs the {@link PipelineDefinition} in-process, the same declaration the CDK
 * app turns into a Step Functions state machine.
 *
 * <p>{@link #advance} runs a RUNNING session's remaining stages in order until the approval gate
 * (the session waits in AWAITING_APPROVAL) or the end (SUCCEEDED). Each stage start, retry and end
 * is a conditional session update with its audit entry. A stage that returns a failed outcome,
 * exhausts its retries, throws a non-retryable exception or exceeds its timeout ends the session
 * FAILED at that stage with the error recorded; nothing is left RUNNING when {@code advance}
 * returns or throws.
 */
public final class PipelineExecutor implements AutoCloseable {
  /** Actor written into audit entries the pipeline causes. */
  public static final String ACTOR = "pipeline";

  private final PipelineDefinition definition;
  private final Map<String, Stage> stages;
  private final SessionStore sessions;
  private final DocumentStore documents;
  private final Function<Session, RepositorySnapshot> repositories;
  private final Clock clock;
  private final Sleeper sleeper;
  private final StageListener listener;
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
   * @param definition the stage declaration
   * @param stages the implementation of each non-gate stage, by stage name
   * @param sessions the session store
   * @param documents the document store
   * @param repositories opens the session's repository
   * @param clock time source
   * @param sleeper waits between retries
   * @param listener progress output
   */
  public PipelineExecutor(
      PipelineDefinition definition,
      Map<String, Stage> stages,
      SessionStore sessions,
      DocumentStore documents,
      Function<Session, RepositorySnapshot> repositories,
      Clock clock,
      Sleeper sleeper,
      StageListener listener) {
    for (StageDefinition stage : definition.stages()) {
      if (!stage.approvalGate() && !stages.containsKey(stage.name())) {
        throw new IllegalArgumentException("no implementation for stage " + stage.name());
      }
    }
    this.definition = definition;
    this.stages = Map.copyOf(stages);
    this.sessions = sessions;
    this.documents = documents;
    this.repositories = repositories;
    this.clock = clock;
    this.sleeper = sleeper;
    this.listener = listener;
  }

  /** The declaration this executor runs. */
  public PipelineDefinition definition() {
    return definition;
  }

  /**
   * Runs the session's remaining stages until the approval gate or the end.
   *
   * @param session a RUNNING session
   * @return the session as stored at the pause or the end
   * @throws IllegalStateException when the session is not RUNNING
   */
  public Session advance(Session session) {
    if (session.status() != SessionStatus.RUNNING) {
      throw new IllegalStateException("session " + session.sessionId() + " is " + session.status() + ", not RUNNING");
    }
    Session current = session;
    try {
      for (StageDefinition stage : definition.stages()) {
        StageRecord record = current.stage(stage.name());
        if (record != null && record.status().completed()) {
          continue;
        }
        if (stage.approvalGate()) {
          return awaitApproval(current, stage);
        }
        current = runStage(current, stage);
        if (current.status() != SessionStatus.RUNNING) {
          return current;
        }
      }
      return sessions.update(
          current,
          current.withStatus(SessionStatus.SUCCEEDED),
          new AuditEvent(ACTOR, "SessionSucceeded", Map.of("stages", Integer.toString(current.stages().size()))));
    } catch (RuntimeException e) {
      recordUnexpectedFailure(current.sessionId(), e);
      throw e;
    }
  }

  private Session awaitApproval(Session current, StageDefinition gate) {
    listener.stageStarted(current, gate);
    Instant now = clock.instant();
    StageRecord waiting =
        new StageRecord(gate.name(), StageStatus.WAITING, now, null, 1, TokenUsage.ZERO,
            "waiting for a decision on template digest " + current.pendingDigest(), List.of());
    Session stored =
        sessions.update(
            current,
            current.withStage(waiting).withStatus(SessionStatus.AWAITING_APPROVAL),
            new AuditEvent(ACTOR, "ApprovalRequested", Map.of("stage", gate.name(), "digest", String.valueOf(current.pendingDigest()))));
    listener.stageEnded(stored, gate, waiting);
    return stored;
  }

  private Session runStage(Session before, StageDefinition stage) {
    listener.stageStarted(before, stage);
    Instant started = clock.instant();
    Session current =
        sessions.update(
            before,
            before.withStage(new StageRecord(stage.name(), StageStatus.RUNNING, started, null, 1, TokenUsage.ZERO, null, List.of())),
            new AuditEvent(ACTOR, "StageStarted", Map.of("stage", stage.name())));
    int attempt = 1;
    while (true) {
      SessionDocuments stageDocuments = new SessionDocuments(documents, current);
      try {
        StageOutcome outcome = runWithTimeout(stage, current, attempt, stageDocuments);
        return finish(current, stage, started, attempt, outcome, stageDocuments, null);
      } catch (Exception e) {
        Throwable error = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (stage.retry().retries(error) && attempt <= stage.retry().maxAttempts()) {
          Duration delay = jittered(stage.retry().delayBefore(attempt));
          current =
              sessions.update(
                  current,
                  current.withStage(new StageRecord(stage.name(), StageStatus.RUNNING, started, null, attempt + 1, TokenUsage.ZERO, null, List.of())),
                  new AuditEvent(ACTOR, "StageRetried",
                      Map.of("stage", stage.name(), "attempt", Integer.toString(attempt), "error", error.getClass().getName(),
                          "delayMillis", Long.toString(delay.toMillis()))));
          sleep(delay);
          attempt++;
          continue;
        }
        return finish(current, stage, started, attempt, null, stageDocuments, error);
      }
    }
  }

  private StageOutcome runWithTimeout(StageDefinition stage, Session session, int attempt, SessionDocuments stageDocuments)
      throws Exception {
    Future<StageOutcome> future =
        worker.submit(
            () -> {
              RepositorySnapshot repository = repositories.apply(session);
              return stages.get(stage.name()).run(new StageContext(session, stage, attempt, repository, stageDocuments));
            });
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
    TokenUsage usage = outcome != null ? outcome.usage() : TokenUsage.ZERO;
    List<String> dropped = outcome != null ? outcome.droppedTools() : List.of();
    StageRecord record =
        new StageRecord(stage.name(), succeeded ? StageStatus.SUCCEEDED : StageStatus.FAILED, started, ended, attempts, usage, summary, dropped);
    Session next = current.withStage(record).withResults(stageDocuments.written(), usage);
    Map<String, String> details = new HashMap<>(outcome != null ? outcome.auditDetails() : Map.of("summary", summary));
    details.put("stage", stage.name());
    details.put("durationMillis", Long.toString(record.durationMillis()));
    stageDocuments.written().forEach((name, ref) -> details.put("document." + name, ref.sha256()));
    String action;
    if (succeeded) {
      if (outcome.pendingDigest() != null) {
        next = next.withPendingDigest(outcome.pendingDigest());
        details.put("digest", outcome.pendingDigest());
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
    return stored;
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
   * Ends a RUNNING session FAILED with an audit entry {@code SessionFailed}, for when its run
   * cannot go on (the process is stopping, a store failed). Does nothing to a session in any other
   * status. Retries once when a stage's own write wins the race.
   *
   * @param sessionId the session
   * @param reason one line, recorded as the failure and on the running stage
   * @param error what stopped it, e.g. an exception class name or {@code interrupted}
   * @return whether this call recorded the failure
   */
  public boolean abandon(String sessionId, String reason, String error) {
    for (int attempt = 0; attempt < 2; attempt++) {
      Session s = sessions.find(sessionId).orElse(null);
      if (s == null || s.status() != SessionStatus.RUNNING) {
        return false;
      }
      String stageName = s.currentStage() == null ? "pipeline" : s.currentStage();
      StageRecord running = s.stage(stageName);
      Session next = s.withStatus(SessionStatus.FAILED).withFailure(stageName + ": " + reason);
      if (running != null && running.endedAt() == null) {
        next = next.withStage(new StageRecord(running.name(), StageStatus.FAILED, running.startedAt(), clock.instant(),
            running.attempts(), running.usage(), reason, running.droppedTools()));
      }
      try {
        sessions.update(s, next, new AuditEvent(ACTOR, "SessionFailed", Map.of("stage", stageName, "error", error)));
        return true;
      } catch (dev.gantry.session.SessionConflictException raced) {
        // a stage wrote first: read again and decide again
      }
    }
    return false;
  }

  private static String describe(Throwable error) {
    if (error == null) {
      return "failed";
    }
    String message = error.getMessage() == null ? "" : error.getMessage();
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
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
  }
}
