package dev.gantry.session;

import java.time.Instant;

/**
 * A human decision on the template and change set awaiting approval.
 *
 * @param decision {@code approve} or {@code reject}
 * @param digest the template SHA-256 the decision names
 * @param changeSetId the change set the decision names (its ARN), null when the session had none
 * @param changeSetDigest the SHA-256 of the {@code changeset.json} the decision names, null when none
 * @param actor who decided
 * @param comment the reason or comment, may be null
 * @param decidedAt when
 */
public record ApprovalDecision(
    String decision, String digest, String changeSetId, String changeSetDigest, String actor, String comment,
    Instant decidedAt) {}
