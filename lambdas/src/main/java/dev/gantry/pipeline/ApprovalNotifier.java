package dev.gantry.pipeline;

import dev.gantry.session.Session;

/** Tells people that a session waits for their approval. Best effort: a failure is logged, never thrown. */
@FunctionalInterface
public interface ApprovalNotifier {
  /** @param session the session, now AWAITING_APPROVAL with its pending digest */
  void approvalRequested(Session session);
}
