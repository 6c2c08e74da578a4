package dev.gantry.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session store in a map, for unit tests of code that only needs one (the DynamoDB store is
 * tested against DynamoDB Local in the local module). Same rules as the real one: create fails when
 * the id exists, update when the status or version moved; each write appends a chained audit entry.
 */
public final class InMemorySessionStore implements SessionStore {
  private final Clock clock;
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, List<AuditEntry>> audit = new LinkedHashMap<>();

  /** @param clock the audit entries' time source */
  public InMemorySessionStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Session create(Session session, AuditEvent event) {
    if (sessions.containsKey(session.sessionId())) {
      throw new SessionConflictException("session " + session.sessionId() + " exists");
    }
    AuditEntry entry = AuditEntry.next(session.sessionId(), 0, AuditEntry.GENESIS_HASH, clock.instant(), event);
    Session stored = session.stored(entry.seq(), entry.hash(), entry.at());
    sessions.put(stored.sessionId(), stored);
    audit.computeIfAbsent(stored.sessionId(), id -> new ArrayList<>()).add(entry);
    return stored;
  }

  @Override
  public synchronized Session update(Session current, Session next, AuditEvent event) {
    Session now = sessions.get(current.sessionId());
    if (now == null || now.status() != current.status() || now.version() != current.version()) {
      throw new SessionConflictException("session " + current.sessionId() + " is no longer " + current.status()
          + " at version " + current.version());
    }
    AuditEntry entry = AuditEntry.next(current.sessionId(), current.auditSeq(), current.auditHash(), clock.instant(), event);
    Session stored = next.rebasedOn(current).stored(entry.seq(), entry.hash(), entry.at());
    sessions.put(stored.sessionId(), stored);
    audit.get(stored.sessionId()).add(entry);
    return stored;
  }

  @Override
  public synchronized Optional<Session> find(String sessionId) {
    return Optional.ofNullable(sessions.get(sessionId));
  }

  @Override
  public synchronized SessionPage list(SessionStatus status, String owner, int limit, String cursor) {
    return new SessionPage(sessions.values().stream()
        .filter(s -> status == null || s.status() == status)
        .filter(s -> owner == null || (s.origin() != null && owner.equals(s.origin().actor())))
        .sorted(Comparator.comparing(Session::createdAt).reversed()).limit(limit).toList(), Optional.empty());
  }

  @Override
  public synchronized List<AuditEntry> auditLog(String sessionId) {
    return List.copyOf(audit.getOrDefault(sessionId, List.of()));
  }
}
