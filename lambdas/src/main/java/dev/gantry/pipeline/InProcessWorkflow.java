package dev.gantry.pipeline;

import dev.gantry.session.AuditEntry;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.Session;
import dev.gantry.session.SessionConflictException;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sessions on background threads with the {@link PipelineExecutor}: the local stand-in for
 * Step Functions under {@code gantry serve}. At most one run per session at a time; a session
 * cancelled mid-stage stops when the stage's write finds it changed. {@link #close} records every
 * run still going as FAILED, so stopping the server leaves no session RUNNING.
 *
 * <p>New sessions wait for a thread in a bounded queue ({@link #DEFAULT_QUEUED_RUNS} by default):
 * when it is full, {@link #start} ends the session FAILED (reason "the run queue is full", audit
 * entry {@code SessionFailed} with error {@code RunQueueFull}) and throws {@link
 * RunQueueFullException}, which the API answers 503 with {@code Retry-After}, instead of building
 * an unbounded backlog. A run continuing after an approval is always queued: its session was
 * admitted through the bounded queue when it started, and refusing it would fail a session a
 * reviewer has just approved.
 *
 * <p>Recovery: {@link #recoverInBackground} (at {@code gantry serve} start) resumes or fails the
 * sessions a stopped process left RUNNING ({@link SessionRecovery}), resumed ones running here.
 * {@link #redelivered} (a push delivered again) recovers its session when orphaned, and restarts one
 * that ended FAILED with error {@value #RUN_QUEUE_FULL} ({@code SessionRestarted} audit entry). A new
 * session takes its run's lease when it is queued, so no other process recovers it while it waits.
 */
public final class InProcessWorkflow implements SessionWorkflow, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessWorkflow.class);

  /** How many new sessions may wait for a thread unless the constructor says otherwise. */
  public static final int DEFAULT_QUEUED_RUNS = 32;
  /** The {@code Retry-After} hint when the queue is full: about the time a stage takes to free a thread. */
  static final long RETRY_AFTER_SECONDS = 10;
  /** The {@code error} of the {@code SessionFailed} entry of a session refused for a full queue. */
  public static final String RUN_QUEUE_FULL = "RunQueueFull";

  private final PipelineExecutor executor;
  private final SessionStore sessions;
  private final ExecutorService runs;
  private final Map<String, Run> inFlight = new ConcurrentHashMap<>();
  private final SessionRecovery recovery;
  private final AtomicInteger queued = new AtomicInteger();
  private final int queuedRuns;

  /**
   * With a queue of {@link #DEFAULT_QUEUED_RUNS} new sessions.
   *
   * @param executor the local executor
   * @param sessions the session store (a run starts from the stored session)
   * @param parallelRuns how many sessions run at once
   */
  public InProcessWorkflow(PipelineExecutor executor, SessionStore sessions, int parallelRuns) {
    this(executor, sessions, parallelRuns, DEFAULT_QUEUED_RUNS);
  }

  /**
   * @param executor the local executor
   * @param sessions the session store (a run starts from the stored session)
   * @param parallelRuns how many sessions run at once
   * @param queuedRuns how many new sessions may wait for a thread before {@link #start} refuses one, at least 0
   */
  public InProcessWorkflow(PipelineExecutor executor, SessionStore sessions, int parallelRuns, int queuedRuns) {
    if (queuedRuns < 0) {
      throw new IllegalArgumentException("queuedRuns must be 0 or more, not " + queuedRuns);
    }
    this.executor = executor;
    this.sessions = sessions;
    this.queuedRuns = queuedRuns;
    this.recovery = new SessionRecovery(executor, sessions, executor.clock());
    this.runs = Executors.newFixedThreadPool(parallelRuns, r -> {
      Thread t = new Thread(r, "gantry-session");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * {@inheritDoc}
   *
   * @throws RunQueueFullException when {@code queuedRuns} new sessions already wait for a thread; the
   *     session has then been ended FAILED with an audit entry
   */
  @Override
  public void start(Session session) {
    if (session.status() == SessionStatus.RUNNING && session.currentStage() == null) {
      try {
        executor.leases().take(session, null); // held while queued, so no other process recovers it
      } catch (SessionConflictException runElsewhere) {
        return; // it changed, or a live run elsewhere holds it
      }
      try {
        run(session.sessionId(), true);
      } catch (RunQueueFullException full) {
        executor.abandon(session.sessionId(), full.getMessage(), RUN_QUEUE_FULL);
        executor.leases().release(session.sessionId());
        throw full;
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: an orphaned session ({@link SessionRecovery#orphan}) is recovered, and resumed on this
   * workflow's threads when its stage allows; a session that ended FAILED with error {@value
   * #RUN_QUEUE_FULL} is set RUNNING again with a {@code SessionRestarted} audit entry (details:
   * {@code previousError}) and started; a session never started is started.
   *
   * @throws RunQueueFullException when a restarted session finds the queue full again (it is
   *     recorded FAILED again)
   */
  @Override
  public void redelivered(Session session) {
    if (session.status() == SessionStatus.RUNNING) {
      var orphan = recovery.orphan(session);
      if (orphan.isPresent()) {
        recovery.recover(orphan.get()).filter(SessionRecovery.Recovered::resumed)
            .ifPresent(recovered -> run(recovered.session().sessionId(), false));
      } else {
        start(session);
      }
    } else if (session.status() == SessionStatus.FAILED && refusedForFullQueue(session)) {
      Session restarted;
      try {
        restarted = sessions.update(session, session.withStatus(SessionStatus.RUNNING).withFailure(null),
            new AuditEvent(PipelineExecutor.ACTOR, "SessionRestarted",
                Map.of("previousError", RUN_QUEUE_FULL, "reason", "delivered again after the run queue was full")));
      } catch (SessionConflictException raced) {
        return; // a concurrent redelivery restarted it
      }
      start(restarted);
    }
  }

  /** Whether the session's last audit entry is the {@code SessionFailed} of a full run queue, before any stage ran. */
  private boolean refusedForFullQueue(Session session) {
    if (session.currentStage() != null) {
      return false;
    }
    List<AuditEntry> log = sessions.auditLog(session.sessionId());
    AuditEntry last = log.isEmpty() ? null : log.get(log.size() - 1);
    return last != null && last.action().equals("SessionFailed") && RUN_QUEUE_FULL.equals(last.details().get("error"));
  }

  /**
   * Recovers, on a background thread, the sessions a stopped process left RUNNING ({@link
   * SessionRecovery#recoverAll}); resumed ones run on this workflow's threads. Returns at once.
   */
  public void recoverInBackground() {
    Thread recovering = new Thread(() -> {
      try {
        recovery.recoverAll(recovered -> {
          if (recovered.resumed()) {
            run(recovered.session().sessionId(), false);
          }
        });
      } catch (RuntimeException e) {
        LOG.warn("recovering interrupted sessions failed: {}", e.toString());
      }
    }, "gantry-recovery");
    recovering.setDaemon(true);
    recovering.start();
  }

  @Override
  public void decided(Session session) {
    if (session.status() == SessionStatus.RUNNING) {
      run(session.sessionId(), false);
    }
  }

  @Override
  public void cancelled(Session session) {
    // The running stage's next conditional write fails and the run stops; nothing to interrupt here.
  }

  /** How many runs are queued, waiting for a thread. */
  public int queued() {
    return queued.get();
  }

  /**
   * Queues a run of the session unless one is in flight. The run is recorded in flight before it is
   * submitted, so its end (which removes exactly that record) always comes after the record.
   */
  private void run(String sessionId, boolean bounded) {
    Run run = new Run(sessionId);
    Run current = inFlight.putIfAbsent(sessionId, run);
    if (current != null) {
      current.again.set(true); // e.g. a decision arriving while the run that reached the gate is finishing: run once more
      return;
    }
    try {
      if (queued.incrementAndGet() > queuedRuns && bounded) {
        queued.decrementAndGet();
        throw new RunQueueFullException("the run queue is full (" + queuedRuns
            + " sessions waiting to run): start the session again later", RETRY_AFTER_SECONDS);
      }
      runs.execute(run);
    } catch (RuntimeException e) {
      inFlight.remove(sessionId, run);
      throw e;
    }
  }

  /** One run of one session on a workflow thread. */
  private final class Run implements Runnable {
    private final String id;
    /** Set when another run of the session was asked for while this one was in flight. */
    private final java.util.concurrent.atomic.AtomicBoolean again = new java.util.concurrent.atomic.AtomicBoolean();

    Run(String id) {
      this.id = id;
    }

    @Override
    public void run() {
      queued.decrementAndGet();
      try {
        Session stored = sessions.find(id).orElse(null);
        if (stored != null && stored.status() == SessionStatus.RUNNING) {
          executor.advance(stored);
        }
      } catch (SessionConflictException e) {
        Session now = sessions.find(id).orElse(null);
        LOG.info("session {} changed while running ({}); run stopped", id, now == null ? "gone" : now.status());
      } catch (RuntimeException e) {
        LOG.warn("session {} run failed: {}", id, e.toString());
      } finally {
        executor.leases().release(id); // a run that never started (the session changed) holds none after this
        inFlight.remove(id, this);
        if (again.get()) {
          InProcessWorkflow.this.run(id, false); // the run reads the stored session first: a session no longer RUNNING is left as it is
        }
      }
    }
  }

  /**
   * Waits until no run is in flight, for tests and orderly shutdown.
   *
   * @return whether all runs ended within {@code timeout}
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!inFlight.isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  @Override
  public void close() {
    runs.shutdownNow();
    try {
      runs.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (String id : inFlight.keySet()) {
      executor.abandon(id, "interrupted: gantry serve was stopped", "interrupted");
    }
  }
}
