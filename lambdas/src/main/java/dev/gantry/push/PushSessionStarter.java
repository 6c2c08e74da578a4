package dev.gantry.push;

import dev.gantry.pipeline.SessionWorkflow;
import dev.gantry.session.Session;
import dev.gantry.session.SessionRequest;
import dev.gantry.session.SessionService;
import java.util.Optional;

/**
 * Turns a matching push into exactly one session: the push rules decide whether it starts one; the
 * session id derives from the delivery id, so redeliveries (sequential or concurrent) find the
 * session the first created, and a redelivery after a failure that created nothing starts it. A
 * redelivery to a session that exists goes to {@link SessionWorkflow#redelivered}: locally it
 * recovers a session whose run was lost, or restarts one refused because the run queue was full.
 * Runs in the function the EventBridge rule targets, and in-process in {@code gantry serve}.
 */
public final class PushSessionStarter implements PushPublisher {
  private final PushRules rules;
  private final SessionService sessions;
  private final SessionWorkflow workflow;

  /**
   * @param rules which pushes start sessions
   * @param sessions the session service
   * @param workflow what runs a started session
   */
  public PushSessionStarter(PushRules rules, SessionService sessions, SessionWorkflow workflow) {
    this.rules = rules;
    this.sessions = sessions;
    this.workflow = workflow;
  }

  /**
   * What a push led to.
   *
   * @param session the session it started (or had started), or empty
   * @param created whether this call created it
   * @param ignoredBecause why no session was started, or null
   * @param ignored the reason's code, or null
   */
  public record Outcome(Optional<Session> session, boolean created, String ignoredBecause, PushRules.Ignored ignored) {

    /** An outcome without a reason code. */
    public Outcome(Optional<Session> session, boolean created, String ignoredBecause) {
      this(session, created, ignoredBecause, null);
    }
  }

  /**
   * In-process delivery: the same as {@link #deliver}, for the webhook routes. An AWS SDK failure
   * (the session store unreachable) becomes a {@link PushDeliveryException}, so the provider is told
   * to redeliver; anything else is not helped by redelivery and propagates.
   */
  @Override
  public void publish(RepositoryPush push) {
    try {
      deliver(push);
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new PushDeliveryException("the push of delivery " + push.deliveryId() + " could not start a session", e);
    }
  }

  /**
   * Matches the push against the rules and starts (or finds) its session.
   *
   * @throws dev.gantry.session.InvalidRequestException when the rule's settings make an invalid
   *     session request (a bad stack name, a missing local path)
   */
  public Outcome deliver(RepositoryPush push) {
    PushRules.Match match = rules.match(push);
    if (match.rule().isEmpty()) {
      return new Outcome(Optional.empty(), false, match.reason(), match.ignored());
    }
    PushRule rule = match.rule().get();
    SessionRequest request =
        new SessionRequest(goal(push), rule.path(), rule.path() == null ? push.cloneUrl() : null, push.ref(), push.after(),
            rule.stack(), rule.pipeline(), rule.agents(), "push", push.deliveryId(), idempotencyScope(push));
    SessionService.Started started = sessions.start(request, "push:" + push.provider() + ":" + push.pusher());
    if (started.created()) {
      workflow.start(started.session());
    } else {
      workflow.redelivered(started.session()); // locally: recovers an orphan, restarts one refused for a full queue
    }
    return new Outcome(Optional.of(started.session()), started.created(), null);
  }

  /**
   * The id of the session a push starts: derived from the provider and the delivery id, so every
   * redelivery names the same session, and a webhook receiver can name it before it exists.
   */
  public static String sessionIdOf(RepositoryPush push) {
    return SessionService.idFor(idempotencyScope(push), push.deliveryId());
  }

  private static String idempotencyScope(RepositoryPush push) {
    return "push:" + push.provider();
  }

  /** The goal of a push session: what was pushed, where and by whom, and the head commit's subject. */
  static String goal(RepositoryPush push) {
    String commit = push.after().length() > 12 ? push.after().substring(0, 12) : push.after();
    String subject = push.headCommitMessage() == null ? "" : push.headCommitMessage().lines().findFirst().orElse("");
    return "Review, plan and deploy " + push.repository() + " at " + commit + ", pushed to " + push.branch() + " by "
        + push.pusher() + " (" + push.commitCount() + (push.commitCount() == 1 ? " commit" : " commits") + ")"
        + (subject.isBlank() ? "" : ": " + RepositoryPush.abbreviate(subject, 200));
  }
}
