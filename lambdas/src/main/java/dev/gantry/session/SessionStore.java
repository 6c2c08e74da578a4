package dev.gantry.session;

import java.util.List;
import java.util.Optional;

/**
 * The session port: sessions and their audit logs. {@link DynamoDbSessionStore} implements it in
 * AWS and locally (against DynamoDB Local); every change is written together with its audit entry.
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
}
