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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sessions on background threads with the {@link PipelineExecutor}: the local stand-in for
 * Step Functions under {@code gantry serve}. At most one run per session at a time; a session
 * cancelled mid-stage stops when the stage's write finds it changed. {@link #close} records every
 * run still going as FAILED, so stopping the server leaves no session RUNNING.
 */
public final class InProcessWorkflow implements SessionWorkflow, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessWorkflow.class);

  private final PipelineExecutor executor;
  private final SessionStore sessions;
  private final ExecutorService runs;
  private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();

  /**
   * @param executor the local executor
   * @param sessions the session store (a run starts from the stored session)
   * @param parallelRuns how many sessions run at once
   */
  public InProcessWorkflow(PipelineExecutor executor, SessionStore sessions, int parallelRuns) {
    this.executor = executor;
    this.sessions = sessions;
    this.runs = Executors.newFixedThreadPool(parallelRuns, r -> {
      Thread t = new Thread(r, "gantry-session");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void start(Session session) {
    if (session.status() == SessionStatus.RUNNING && session.currentStage() == null) {
      run(session.sessionId());
    }
  }

  @Override
  public void decided(Session session) {
    if (session.status() == SessionStatus.RUNNING) {
      run(session.sessionId());
    }
  }

  @Override
  public void cancelled(Session session) {
    // The running stage's next conditional write fails and the run stops; nothing to interrupt here.
  }

  private void run(String sessionId) {
    inFlight.computeIfAbsent(sessionId, id -> runs.submit(() -> {
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
    }));
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
