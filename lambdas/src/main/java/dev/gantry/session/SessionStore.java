package dev.gantry.session;

import java.util.List;
import java.util.Optional;

/**
 * The session port: sessions and their audit logs. {@link DynamoDbSessionStore} implements it in
 * AWS and locally (against DynamoDB Local); every change is written together with its audit entry.
 * The run's {@link Lease} is the one thing written without a version bump or an audit entry; a
 * versioned {@link #update} leaves it alone while the session stays RUNNING and removes it when the
 * session stops running.
 */
public interface SessionStore {

  /**
   * Stores a new session with its first audit entry.
   *
   * @return the stored session (version 1, audit head set)
   * @throws SessionConflictException when a session with that id exists
   */
  Session create(Session session, AuditEvent event);

  /**
   * Replaces {@code current} with {@code next} if the stored session still has {@code current}'s
   * status and version, and appends the audit entry in the same transaction.
   *
   * @return the stored session (version + 1)
   * @throws SessionConflictException when the stored session changed meanwhile
   */
  Session update(Session current, Session next, AuditEvent event);

  /** The session, or empty. */
  Optional<Session> find(String sessionId);

  /**
   * Sessions newest first, optionally only those in one status, a page at a time.
   *
   * @param status only sessions in this status, or null for all
   * @param limit page size, 1..100
   * @param cursor the previous page's {@link SessionPage#nextCursor}, or null for the first page
   * @throws InvalidRequestException (field {@code cursor}) for a cursor this store did not issue
   *     or one issued for another status
   */
  default SessionPage list(SessionStatus status, int limit, String cursor) {
    return list(status, null, limit, cursor);
  }

  /**
   * As {@link #list(SessionStatus, int, String)}, optionally only the sessions one principal started.
   *
   * @param owner only sessions whose origin's actor is this identity, or null for every session
   * @throws InvalidRequestException (field {@code cursor}) also for a cursor of another owner's listing
   */
  SessionPage list(SessionStatus status, String owner, int limit, String cursor);

  /** The session's audit entries in sequence order. */
  List<AuditEntry> auditLog(String sessionId);

  /**
   * Checks {@code entries} (the session's {@link #auditLog}) against each other, the session's head,
   * this store's MAC key and the session's anchors ({@link AuditChain#verify}).
   *
   * @throws AuditKeyUnavailableException when the MAC key cannot be used
   */
  AuditChain.Verification verifyAudit(Session session, List<AuditEntry> entries);

  /** The lease on the session's run ({@link Lease}), or empty when none is held or the session does not exist. */
  Optional<Lease> lease(String sessionId);

  /**
   * Takes the lease on {@code current}'s run for {@code lease.owner()}: one conditional write that
   * succeeds only while the stored session is RUNNING at {@code current}'s version and its lease is
   * absent, already this owner's, lapsed, or exactly {@code observed} (a recoverer taking over the
   * lease it found). So two recoverers never both take one session. Bumps no version and appends no
   * audit entry.
   *
   * @param observed the lease the caller saw and means to replace, or null
   * @throws SessionConflictException when the session changed or another owner holds a live lease
   */
  void takeLease(Session current, Lease observed, Lease lease);

  /**
   * Moves the lease's expiry to {@code lease.expiresAt()} if {@code lease.owner()} still holds it.
   * Bumps no version and appends no audit entry.
   *
   * @return false when the lease is gone or another owner's (the run was taken over or has stopped)
   */
  boolean renewLease(String sessionId, Lease lease);

  /** Removes the lease if {@code owner} holds it; does nothing otherwise. */
  void releaseLease(String sessionId, String owner);
}
