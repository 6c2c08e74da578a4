package dev.gantry.pipeline;

import dev.gantry.session.DecisionRefusedException;
import dev.gantry.session.Session;
import dev.gantry.session.SessionPage;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers approval decisions that were recorded but never reached Step Functions: the API records
 * a decision before it calls {@code SendTaskSuccess}/{@code SendTaskFailure}, and when that call
 * fails (throttled, unreachable) it answers 503 and keeps the task token ({@link
 * SessionService#decisionUndelivered}). A retry or a read delivers it too; this sweep, run on a
 * schedule in AWS, delivers it when nobody comes back, so an approved session never waits for the
 * approval's timeout.
 *
 * <p>A decided session is RUNNING (approved) or REJECTED, so the sweep reads those two statuses'
 * listings (the {@code byStatus} index), at most {@value #MAX_PAGES} pages of 100 each.
 */
public final class DecisionRedelivery {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionRedelivery.class);
  /** The actor of the {@code ApprovalDelivered} entries this sweep writes. */
  public static final String ACTOR = "gantry:redelivery";
  static final int MAX_PAGES = 20;

  private final SessionService sessions;
  private final SessionWorkflow workflow;

  /**
   * @param sessions the session service
   * @param workflow Step Functions (its {@link SessionWorkflow#decided} sends the task result)
   */
  public DecisionRedelivery(SessionService sessions, SessionWorkflow workflow) {
    this.sessions = sessions;
    this.workflow = workflow;
  }

  /**
   * What one sweep did.
   *
   * @param checked decided sessions looked at
   * @param delivered decisions delivered now (each with an {@code ApprovalDelivered} audit entry)
   * @param unavailable decisions Step Functions still did not take; the next sweep tries again
   * @param closed decisions whose approval had closed (timed out or stopped) before they arrived
   */
  public record Sweep(int checked, int delivered, int unavailable, int closed) {}

  /**
   * Runs the sweep, then tells {@code telemetry} how many sessions of each declared pipeline await
   * approval (0 included): what the scheduled function does every few minutes.
   */
  public Sweep run(dev.gantry.telemetry.Telemetry telemetry) {
    Sweep sweep = run();
    java.util.Map<String, Integer> waiting = awaitingApproval();
    Pipelines.standard().pipelines()
        .forEach(p -> telemetry.approvalsWaiting(p.name(), waiting.getOrDefault(p.name(), 0)));
    return sweep;
  }

  /** Finds and delivers every undelivered decision; failures are counted, never thrown. */
  public Sweep run() {
    int checked = 0;
    int delivered = 0;
    int unavailable = 0;
    int closed = 0;
    for (SessionStatus status : List.of(SessionStatus.RUNNING, SessionStatus.REJECTED)) {
      String cursor = null;
      for (int page = 0; page < MAX_PAGES; page++) {
        SessionPage sessionsPage = sessions.list(status, 100, cursor);
        for (Session session : sessionsPage.sessions()) {
          if (!SessionService.decisionUndelivered(session)) {
            continue;
          }
          checked++;
          try {
            workflow.decided(session);
            sessions.decisionDelivered(session.sessionId(), ACTOR);
            delivered++;
          } catch (WorkflowUnavailableException e) {
            unavailable++;
            LOG.warn("decision of session {} still not delivered: {}", session.sessionId(), e.getMessage());
          } catch (DecisionRefusedException e) {
            closed++;
            LOG.warn("decision of session {} arrived after its approval closed: {}", session.sessionId(), e.getMessage());
          }
        }
        cursor = sessionsPage.nextCursor().orElse(null);
        if (cursor == null) {
          break;
        }
      }
    }
    return new Sweep(checked, delivered, unavailable, closed);
  }

  /**
   * How many sessions await a decision now, by pipeline (at most {@value #MAX_PAGES} pages of 100
   * from the {@code byStatus} index): the approvals-waiting gauge the sweep writes.
   */
  public java.util.Map<String, Integer> awaitingApproval() {
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    String cursor = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      SessionPage sessionsPage = sessions.list(SessionStatus.AWAITING_APPROVAL, 100, cursor);
      sessionsPage.sessions().forEach(s -> counts.merge(s.pipeline(), 1, Integer::sum));
      cursor = sessionsPage.nextCursor().orElse(null);
      if (cursor == null) {
        break;
      }
    }
    return counts;
  }
}
