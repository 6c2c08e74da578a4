package dev.gantry.pipeline;

import dev.gantry.session.Session;
import dev.gantry.session.SessionConflictException;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 */
public final class InProcessWorkflow implements SessionWorkflow, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessWorkflow.class);

  /** How many new sessions may wait for a thread unless the constructor says otherwise. */
  public static final int DEFAULT_QUEUED_RUNS = 32;
  /** The {@code Retry-After} hint when the queue is full: about the time a stage takes to free a thread. */
  static final long RETRY_AFTER_SECONDS = 10;

  private final PipelineExecutor executor;
  private final SessionStore sessions;
  private final ExecutorService runs;
  private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();
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
        run(session.sessionId(), true);
      } catch (RunQueueFullException full) {
        executor.abandon(session.sessionId(), full.getMessage(), "RunQueueFull");
        throw full;
      }
    }
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

  private void run(String sessionId, boolean bounded) {
    inFlight.computeIfAbsent(sessionId, id -> submit(id, bounded));
  }

  private Future<?> submit(String id, boolean bounded) {
    if (queued.incrementAndGet() > queuedRuns && bounded) {
      queued.decrementAndGet();
      throw new RunQueueFullException("the run queue is full (" + queuedRuns
          + " sessions waiting to run): start the session again later", RETRY_AFTER_SECONDS);
    }
    return runs.submit(() -> {
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
        inFlight.remove(id);
      }
    });
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
