package dev.gantry.session;

import java.time.Instant;

/**
 * A human decision on the template awaiting approval.
 *
 * @param decision {@code approve} or {@code reject}
 * @param digest the template SHA-256 the decision names
 * @param actor who decided
 * @param comment the reason or comment, may be null
 * @param decidedAt when
 */
public record ApprovalDecision(
    String decision, String digest, String actor, String comment, Instant decidedAt) {}
