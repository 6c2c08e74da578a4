package dev.gantry.session;

import java.time.Instant;

/**
 * Who runs a RUNNING session, until when: the local executor's claim on a session's run, stored on
 * the session item as the map attribute {@value SessionTables#LEASE} ({@code {owner: S, expiresAt:
 * N}}, epoch milliseconds). Taken when a run starts or resumes, renewed while it runs, removed when
 * the session stops running. It is bookkeeping, not history: writing it bumps no {@code version}
 * and appends no audit entry. In AWS, Step Functions owns every execution and no lease is written.
 *
 * @param owner who holds it: {@code local:<hostname>:<pid>:<random>} for a gantry process
 * @param expiresAt when it lapses unless renewed, to the millisecond (as stored); after it, any
 *     recoverer may take the session
 */
public record Lease(String owner, Instant expiresAt) {
  public Lease {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("a lease names its owner");
    }
    expiresAt = expiresAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /** Whether the lease has lapsed at {@code now}. */
  public boolean expired(Instant now) {
    return !expiresAt.isAfter(now);
  }
}
