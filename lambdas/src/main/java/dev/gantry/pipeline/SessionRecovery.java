package dev.gantry.pipeline;

import dev.gantry.session.AuditEvent;
import dev.gantry.session.Lease;
import dev.gantry.session.Session;
import dev.gantry.session.SessionConflictException;
import dev.gantry.session.SessionPage;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionStore;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the sessions left RUNNING by a local run that stopped (its {@code gantry} process was
 * killed) and recovers each: resumes it from its last completed stage when the stage it was in is
 * {@linkplain StageDefinition#safeToRerun safe to run again}, or ends it FAILED "interrupted"
 * otherwise. A session approved whose continuation was killed resumes at the stage after the
 * approval, so a recorded decision is never lost.
 *
 * <p>A RUNNING session is orphaned when its {@link Lease} has lapsed; when its owner was a process
 * on this machine that no longer exists ({@link ProcessHandle}; found at once, without waiting for
 * the lease to lapse); or when it has no lease and was last updated longer ago than a lease lasts
 * (a process killed between recording a decision or a creation and taking the lease).
 *
 * <p>Each recovery first takes the lease over with a conditional write ({@link
 * SessionStore#takeLease}), so of two recoverers, or a recoverer and a late owner, one wins and the
 * other leaves the session alone. Then it writes {@code SessionResumed} (details: {@code stage},
 * {@code previousOwner}, {@code reason}) and hands the session to a runner, or ends it FAILED with
 * reason {@value #REASON} and a {@code SessionFailed} entry with error {@value #ERROR}. Local only:
 * in AWS Step Functions owns every execution.
 */
public final class SessionRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRecovery.class);
  /** The failure recorded on a session that could not be resumed. */
  public static final String REASON = "interrupted: the process running it stopped";
  /** The {@code error} of its {@code SessionFailed} audit entry. */
  public static final String ERROR = "interrupted";
  /** The audit action of a resumed session. */
  public static final String RESUMED = "SessionResumed";

  private final PipelineExecutor executor;
  private final SessionStore sessions;
  private final Clock clock;

  /**
   * @param executor the local executor: its pipelines, its leases and the runs it starts
   * @param sessions the session store
   * @param clock time source, compared with lease expiries and {@code updatedAt}
   */
  public SessionRecovery(PipelineExecutor executor, SessionStore sessions, Clock clock) {
    this.executor = executor;
    this.sessions = sessions;
    this.clock = clock;
  }

  /**
   * A RUNNING session no live run holds.
   *
   * @param session the session as read
   * @param lease the lease found on it, or null for none
   * @param why one line: which rule found it
   */
  public record Orphan(Session session, Lease lease, String why) {}

  /**
   * What a recovery did.
   *
   * @param session the session as stored after it: RUNNING with this process's lease (resumed) or FAILED
   * @param resumed true when it is to run on, false when it was ended FAILED
   * @param stage the stage it was interrupted in or resumes at; {@code pipeline} when none
   */
  public record Recovered(Session session, boolean resumed, String stage) {}

  /** Every orphaned session, newest first. Reads only, so a listing may show them without waiting. */
  public List<Orphan> orphans() {
    List<Orphan> found = new ArrayList<>();
    String cursor = null;
    do {
      SessionPage page = sessions.list(SessionStatus.RUNNING, 100, cursor);
      page.sessions().forEach(s -> orphan(s).ifPresent(found::add));
      cursor = page.nextCursor().orElse(null);
    } while (cursor != null);
    return found;
  }

  /** {@code session} as an orphan, or empty when it is not RUNNING or a live run holds it. */
  public Optional<Orphan> orphan(Session session) {
    if (session.status() != SessionStatus.RUNNING) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Optional<Lease> found = sessions.lease(session.sessionId());
    if (found.isEmpty()) {
      Instant quietSince = session.updatedAt().plus(executor.leases().duration());
      return quietSince.isBefore(now)
          ? Optional.of(new Orphan(session, null, "no lease, last updated " + session.updatedAt()))
          : Optional.empty();
    }
    Lease lease = found.get();
    if (lease.owner().equals(executor.leases().owner()) && executor.leases().holds(session.sessionId())) {
      return Optional.empty(); // this process runs it
    }
    Optional<Long> pid = SessionLeases.localPid(lease.owner());
    boolean ownerAlive = pid.isPresent() && ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false);
    if (pid.isPresent() && !ownerAlive) {
      return Optional.of(new Orphan(session, lease, "process " + pid.get() + " of " + lease.owner() + " no longer exists"));
    }
    if (ownerAlive && pid.get() != ProcessHandle.current().pid()) {
      // another live process on this machine holds it (asleep, or slow to renew): taking it over would run the session twice
      return Optional.empty();
    }
    if (lease.expired(now)) {
      return Optional.of(new Orphan(session, lease, "lease of " + lease.owner() + " expired at " + lease.expiresAt()));
    }
    return Optional.empty();
  }

  /**
   * Claims and recovers every orphan, handing each recovery to {@code recovered}: a resumed session
   * is still under this process's lease, for the consumer to run ({@link PipelineExecutor#advance},
   * synchronously or in the background).
   *
   * @return how many sessions this call recovered
   */
  public int recoverAll(Consumer<Recovered> recovered) {
    int count = 0;
    for (Orphan orphan : orphans()) {
      Optional<Recovered> done = recover(orphan);
      if (done.isPresent()) {
        count++;
        recovered.accept(done.get());
      }
    }
    return count;
  }

  /**
   * Takes {@code orphan}'s lease over and resumes or fails it, as the class describes. A resumed
   * session keeps this process's lease; the caller runs it ({@link PipelineExecutor#advance}).
   *
   * @return empty when another recoverer or a live run won the session first
   */
  public Optional<Recovered> recover(Orphan orphan) {
    Session session = orphan.session();
    String id = session.sessionId();
    try {
      executor.leases().take(session, orphan.lease());
    } catch (SessionConflictException lost) {
      return Optional.empty();
    }
    StageDefinition next = executor.definition(session).stages().stream()
        .filter(stage -> {
          StageRecord record = session.stage(stage.name());
          return record == null || !record.status().completed();
        })
        .findFirst().orElse(null);
    String stage = next == null ? "pipeline" : next.name();
    StageRecord record = next == null ? null : session.stage(next.name());
    boolean interruptedMidStage = record != null && record.status() == StageStatus.RUNNING;
    String previousOwner = orphan.lease() == null ? "none" : orphan.lease().owner();
    boolean keepLease = false;
    try {
      if (interruptedMidStage && !next.safeToRerun()) {
        if (!executor.abandonAt(id, session.version(), REASON, ERROR)) {
          return Optional.empty(); // its run recorded progress meanwhile: not an orphan after all
        }
        LOG.info("session {} interrupted in {}, which is not safe to run again: recorded FAILED", id, stage);
        return Optional.of(new Recovered(sessions.find(id).orElse(session), false, stage));
      }
      Map<String, String> details = new LinkedHashMap<>();
      details.put("stage", stage);
      details.put("previousOwner", previousOwner);
      details.put("reason", orphan.why());
      Session resumed = sessions.update(session, session, new AuditEvent(PipelineExecutor.ACTOR, RESUMED, details));
      LOG.info("session {} resumed at {} ({})", id, stage, orphan.why());
      keepLease = true;
      return Optional.of(new Recovered(resumed, true, stage));
    } catch (SessionConflictException changed) {
      return Optional.empty(); // a person cancelled it meanwhile
    } finally {
      if (!keepLease) {
        executor.leases().release(id);
      }
    }
  }
}
