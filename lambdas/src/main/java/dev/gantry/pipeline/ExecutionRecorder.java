package dev.gantry.pipeline;

import dev.gantry.model.TokenUsage;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.Session;
import dev.gantry.session.SessionConflictException;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionStore;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The session changes that run no stage: the approval gate starting to wait, and a run ending
 * without its stages recording it (the process stopped, a function died, the approval timed out).
 * Needs only the session store, so the state machine's approval and failure-recording functions
 * start without a model client or agents. Every change is a conditional update with its audit
 * entry, written as {@value PipelineExecutor#ACTOR}.
 */
public final class ExecutionRecorder {
  private static final String ACTOR = PipelineExecutor.ACTOR;

  private final Pipelines pipelines;
  private final SessionStore sessions;
  private final Clock clock;
  private final StageListener listener;

  /**
   * @param pipelines the pipelines (for each session's approval gate)
   * @param sessions the session store
   * @param clock time source
   * @param listener progress output
   */
  public ExecutionRecorder(Pipelines pipelines, SessionStore sessions, Clock clock, StageListener listener) {
    this.pipelines = pipelines;
    this.sessions = sessions;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * Puts the session in AWAITING_APPROVAL at the approval gate and keeps the task token the
   * approval state waits on (AWS), with an {@code ApprovalRequested} audit entry. Repeated with the
   * same token (a redelivered task) it changes nothing.
   *
   * @param taskToken the {@code $$.Task.Token} of the approval state; stored, never served by the API
   * @return the session as stored
   * @throws StageFailedException when the session does not exist, is not RUNNING, or has not
   *     passed the stages before the gate
   */
  public Session requestApproval(String sessionId, String taskToken) {
    Session current = sessions.find(sessionId)
        .orElseThrow(() -> new StageFailedException("session " + sessionId + " does not exist"));
    PipelineDefinition pipeline = pipelines.pipeline(current.pipeline());
    StageDefinition gate = pipeline.approvalGate()
        .orElseThrow(() -> new StageFailedException("the " + pipeline.name() + " pipeline has no approval gate"));
    if (current.status() == SessionStatus.AWAITING_APPROVAL && taskToken.equals(current.approvalTaskToken())) {
      return current;
    }
    if (current.status() != SessionStatus.RUNNING || current.pendingDigest() == null) {
      throw new StageFailedException("session " + sessionId + " is " + current.status()
          + (current.pendingDigest() == null ? " with no digest to approve" : "") + ": cannot wait for approval");
    }
    return awaitApproval(current, gate, taskToken);
  }

  /**
   * Puts {@code stored} in AWAITING_APPROVAL with the gate WAITING and its {@code ApprovalRequested}
   * entry, keeping {@code taskToken} (null locally, where no task token exists).
   */
  Session awaitApproval(Session stored, StageDefinition gate, String taskToken) {
    listener.stageStarted(stored, gate);
    Instant now = clock.instant();
    StageRecord waiting =
        new StageRecord(gate.name(), StageStatus.WAITING, now, null, 1, TokenUsage.ZERO,
            waitingSummary(stored), List.of());
    Map<String, String> details = new java.util.LinkedHashMap<>();
    details.put("stage", gate.name());
    details.put("digest", String.valueOf(stored.pendingDigest()));
    details.put("document", stored.pendingDocument());
    if (stored.pendingChangeSet() != null) {
      details.put("changeSetId", stored.pendingChangeSet().changeSetId());
      details.put("changeSetDigest", stored.pendingChangeSet().sha256());
    }
    Session updated =
        sessions.update(
            stored,
            stored.withApprovalTaskToken(taskToken).withStage(waiting).withStatus(SessionStatus.AWAITING_APPROVAL),
            new AuditEvent(ACTOR, "ApprovalRequested", details));
    listener.stageEnded(updated, gate, waiting);
    return updated;
  }

  private static String waitingSummary(Session stored) {
    var changeSet = stored.pendingChangeSet();
    return "waiting for a decision on " + stored.pendingDocument() + " digest " + stored.pendingDigest()
        + (changeSet == null ? "" : " and change set " + changeSet.changeSetId() + " (" + changeSet.summary() + "; "
            + changeSet.risks().size() + " risk flags)");
  }

  /**
   * Ends a RUNNING session FAILED with an audit entry {@code SessionFailed}, for when its run
   * cannot go on (the process is stopping, a store failed). Does nothing to a session in any other
   * status. Retries once when a stage's own write wins the race.
   *
   * @param sessionId the session
   * @param reason one line, recorded as the failure and on the running stage
   * @param error what stopped it, e.g. an exception class name or {@code interrupted}
   * @return whether this call recorded the failure
   */
  public boolean abandon(String sessionId, String reason, String error) {
    return end(sessionId, SessionStatus.FAILED, reason, error, Set.of(SessionStatus.RUNNING), -1);
  }

  /**
   * As {@link #abandon(String, String, String)}, only if the session is still at {@code version}
   * (the one a recoverer looked at): a run that recorded progress meanwhile (a deploy that
   * succeeded) is never overwritten as interrupted.
   */
  public boolean abandonAt(String sessionId, long version, String reason, String error) {
    return end(sessionId, SessionStatus.FAILED, reason, error, Set.of(SessionStatus.RUNNING), version);
  }

  /**
   * Records the end of a session whose execution failed or timed out: the state machine's
   * failure-recording step. A session still RUNNING or AWAITING_APPROVAL ends in {@code outcome}
   * with an audit entry ({@code SessionFailed} or {@code SessionTimedOut}) holding the error name;
   * its open stage is closed with the same status. A session that has already ended (the stage
   * recorded its own failure, a reviewer rejected or cancelled it) is left as it is, so the step
   * may run any number of times.
   *
   * @param sessionId the session
   * @param outcome {@link SessionStatus#FAILED} or {@link SessionStatus#TIMED_OUT}
   * @param error the Step Functions error name ({@code States.Timeout}, an exception class name)
   * @param cause the error's cause text, shortened to 300 characters; may be null
   * @return whether this call recorded the end
   * @throws IllegalArgumentException for any other outcome
   */
  public boolean recordExecutionEnd(String sessionId, SessionStatus outcome, String error, String cause) {
    if (outcome != SessionStatus.FAILED && outcome != SessionStatus.TIMED_OUT) {
      throw new IllegalArgumentException("an execution ends a session FAILED or TIMED_OUT, not " + outcome);
    }
    String reason = outcome == SessionStatus.TIMED_OUT
        ? "timed out waiting (" + error + ")"
        : shorten(error + (cause == null || cause.isBlank() ? "" : ": " + cause));
    return end(sessionId, outcome, reason, error, Set.of(SessionStatus.RUNNING, SessionStatus.AWAITING_APPROVAL), -1);
  }

  /** @param version the version the session must still have, or -1 for any */
  private boolean end(String sessionId, SessionStatus outcome, String reason, String error, Set<SessionStatus> from,
      long version) {
    for (int attempt = 0; attempt < 2; attempt++) {
      Session s = sessions.find(sessionId).orElse(null);
      if (s == null || !from.contains(s.status()) || version >= 0 && s.version() != version) {
        return false;
      }
      String stageName = s.currentStage() == null ? "pipeline" : s.currentStage();
      StageRecord open = s.stage(stageName);
      Session next = s.withStatus(outcome).withFailure(stageName + ": " + reason);
      if (open != null && open.endedAt() == null) {
        StageStatus closed = outcome == SessionStatus.TIMED_OUT ? StageStatus.TIMED_OUT : StageStatus.FAILED;
        next = next.withStage(new StageRecord(open.name(), closed, open.startedAt(), clock.instant(),
            open.attempts(), open.usage(), reason, open.droppedTools()));
      }
      String action = outcome == SessionStatus.TIMED_OUT ? "SessionTimedOut" : "SessionFailed";
      try {
        sessions.update(s, next, new AuditEvent(ACTOR, action, Map.of("stage", stageName, "error", error)));
        return true;
      } catch (SessionConflictException raced) {
        // a stage or a reviewer wrote first: read again and decide again
      }
    }
    return false;
  }

  static String shorten(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
