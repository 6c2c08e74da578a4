package dev.gantry.pipeline;

import dev.gantry.session.Lease;
import dev.gantry.session.Session;
import dev.gantry.session.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases one process's local executor holds on the sessions it runs ({@link Lease}): taken
 * when a run starts or resumes, renewed by one daemon thread every third of the lease's duration
 * while the run goes on, released when it stops. A renewal that finds the lease gone or another
 * owner's drops it here: the run was taken over, and once the recoverer has recorded that (its
 * {@code SessionResumed} or {@code SessionFailed} entry, a versioned write) the old run's next
 * versioned write fails. A live process on this machine is never taken over. Renewals bump
 * no version and write no audit entry. Not used in AWS, where Step Functions owns every execution.
 */
public final class SessionLeases implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionLeases.class);
  /** The lease's duration unless configured ({@code GANTRY_LEASE_SECONDS}). */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
  private static final String PREFIX = "local:";

  private final SessionStore sessions;
  private final Clock clock;
  private final Duration duration;
  private String owner;
  private final Map<String, Lease> held = new ConcurrentHashMap<>();
  private ScheduledExecutorService renewer;

  /**
   * @param sessions the session store the leases are written to
   * @param clock time source for expiries
   * @param duration how long a lease lasts unless renewed, at least 1 second
   */
  public SessionLeases(SessionStore sessions, Clock clock, Duration duration) {
    if (duration.toMillis() < 1000) {
      throw new IllegalArgumentException("a lease lasts at least 1 second, not " + duration);
    }
    this.sessions = sessions;
    this.clock = clock;
    this.duration = duration;
  }

  /**
   * This executor's owner name: {@code local:<hostname>:<pid>:<random>}, worked out on first use (a
   * Lambda function, which takes no leases, never looks its host name up).
   */
  public synchronized String owner() {
    if (owner == null) {
      owner = PREFIX + Host.NAME + ":" + ProcessHandle.current().pid() + ":"
          + Long.toHexString(new java.security.SecureRandom().nextLong());
    }
    return owner;
  }

  /** How long a lease lasts unless renewed. */
  public Duration duration() {
    return duration;
  }

  /**
   * Takes (or takes over) the lease on {@code current}'s run and keeps renewing it until {@link
   * #release}.
   *
   * @param observed the lease a recoverer found and replaces, or null for a run starting normally
   * @throws dev.gantry.session.SessionConflictException when the session changed or another owner
   *     holds a live lease
   */
  public void take(Session current, Lease observed) {
    Lease lease = new Lease(owner(), clock.instant().plus(duration));
    sessions.takeLease(current, observed, lease);
    held.put(current.sessionId(), lease);
    startRenewing();
  }

  /** Stops renewing and removes the lease if this process still holds it. */
  public void release(String sessionId) {
    if (held.remove(sessionId) != null) {
      try {
        sessions.releaseLease(sessionId, owner());
      } catch (RuntimeException e) {
        LOG.warn("lease on session {} not released ({}); it lapses in {}", sessionId, e.toString(), duration);
      }
    }
  }

  /** Whether this process holds the lease on {@code sessionId}'s run. */
  public boolean holds(String sessionId) {
    return held.containsKey(sessionId);
  }

  private synchronized void startRenewing() {
    if (renewer == null) {
      renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gantry-lease");
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(1, duration.toMillis() / 3);
      renewer.scheduleAtFixedRate(this::renewAll, period, period, TimeUnit.MILLISECONDS);
    }
  }

  private void renewAll() {
    for (String sessionId : held.keySet()) {
      Lease renewed = new Lease(owner(), clock.instant().plus(duration));
      try {
        if (sessions.renewLease(sessionId, renewed)) {
          held.replace(sessionId, renewed);
        } else if (held.remove(sessionId) != null) {
          LOG.warn("lease on session {} was lost: another process took its run over, or it stopped running", sessionId);
        }
      } catch (RuntimeException e) {
        LOG.warn("lease on session {} not renewed: {}", sessionId, e.toString()); // the next period tries again
      }
    }
  }

  /**
   * The process id in {@code owner} when it names a process on this machine ({@code
   * local:<this hostname>:<pid>:...}), else empty.
   */
  static Optional<Long> localPid(String owner) {
    String[] parts = owner.split(":");
    if (parts.length != 4 || !owner.startsWith(PREFIX) || !parts[1].equals(Host.NAME)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(parts[2]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** This machine's host name, looked up once, on first use. */
  private static final class Host {
    static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return java.net.InetAddress.getLocalHost().getHostName().replace(':', '-');
      } catch (java.net.UnknownHostException e) {
        return "localhost";
      }
    }
  }

  /** Stops renewing; leases still held lapse after their duration. */
  @Override
  public synchronized void close() {
    if (renewer != null) {
      renewer.shutdownNow();
    }
  }
}
