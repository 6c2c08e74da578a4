package dev.gantry.session;

import dev.gantry.model.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Starting sessions and deciding approvals: the operations a user causes. Running stages is the
 * executor's (locally) or the state machine's (in AWS) job.
 */
public final class SessionService {
  /** CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128. */
  private static final Pattern STACK_NAME = Pattern.compile("[a-zA-Z][-a-zA-Z0-9]{0,127}");
  private static final int MAX_GOAL_CHARS = 4000;

  private final SessionStore store;
  private final Clock clock;
  private final Supplier<String> ids;

  /**
   * @param store the session store
   * @param clock time source
   * @param ids new session ids (random UUIDs in production)
   */
  public SessionService(SessionStore store, Clock clock, Supplier<String> ids) {
    this.store = store;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * Creates a RUNNING session for a local repository.
   *
   * @param goal what to build, 1..4000 characters
   * @param repository a local directory
   * @param stackName a CloudFormation stack name, or null for {@code gantry-<directory name>}
   * @param actor who asked
   * @throws InvalidRequestException for a blank goal, a missing directory or a bad stack name
   */
  public Session start(String goal, Path repository, String stackName, String actor) {
    if (goal == null || goal.isBlank()) {
      throw new InvalidRequestException("goal", "the goal is empty: say what to build, e.g. --goal \"a REST API for orders\"");
    }
    if (goal.length() > MAX_GOAL_CHARS) {
      throw new InvalidRequestException("goal", "the goal is longer than " + MAX_GOAL_CHARS + " characters");
    }
    if (repository == null || !Files.isDirectory(repository)) {
      throw new InvalidRequestException("repository", "repository not found: " + repository + " is not a directory");
    }
    Path absolute = repository.toAbsolutePath().normalize();
    String stack = stackName == null ? defaultStackName(absolute) : stackName;
    if (!STACK_NAME.matcher(stack).matches()) {
      throw new InvalidRequestException(
          "stack", "invalid stack name '" + stack + "': start with a letter, then letters, digits and hyphens (max 128)");
    }
    Session session = Session.start(ids.get(), goal.strip(), absolute.toString(), stack, clock.instant());
    return store.create(
        session,
        new AuditEvent(actor, "SessionCreated",
            Map.of("goal", session.goal(), "repository", session.repository(), "stack", stack)));
  }

  /**
   * Records an approval decision on the template awaiting approval. Exactly one decision per
   * session: a second one, one for another digest, or one losing a concurrent race is refused.
   *
   * @param approve true to approve (the session returns to RUNNING), false to reject (REJECTED)
   * @param digest the template SHA-256 the decider saw
   * @param actor who decides
   * @param comment the reason (required to reject), may be null to approve
   * @return the stored session
   * @throws SessionNotFoundException for an unknown id
   * @throws DecisionRefusedException when the decision cannot apply
   */
  public Session decide(String sessionId, boolean approve, String digest, String actor, String comment) {
    Session current = get(sessionId);
    if (current.status() != SessionStatus.AWAITING_APPROVAL) {
      throw new DecisionRefusedException(
          "session " + sessionId + " is " + current.status() + ", not awaiting approval; a session takes one decision");
    }
    if (digest == null || !digest.equalsIgnoreCase(current.pendingDigest())) {
      throw new DecisionRefusedException(
          "digest " + digest + " is not the template awaiting approval (" + current.pendingDigest() + ")");
    }
    if (!approve && (comment == null || comment.isBlank())) {
      throw new InvalidRequestException("reason", "a rejection needs a reason");
    }
    ApprovalDecision decision =
        new ApprovalDecision(approve ? "approve" : "reject", current.pendingDigest(), actor, comment, clock.instant());
    StageRecord gate = current.stage(current.currentStage());
    StageRecord decided =
        new StageRecord(gate.name(), approve ? StageStatus.APPROVED : StageStatus.REJECTED, gate.startedAt(), clock.instant(), 1,
            TokenUsage.ZERO, (approve ? "approved by " : "rejected by ") + actor, List.of());
    Session next =
        current.withStage(decided).withDecision(decision)
            .withStatus(approve ? SessionStatus.RUNNING : SessionStatus.REJECTED);
    if (!approve) {
      next = next.withFailure("rejected by " + actor + ": " + comment);
    }
    Map<String, String> details =
        comment == null ? Map.of("digest", decision.digest()) : Map.of("digest", decision.digest(), "comment", comment);
    try {
      return store.update(current, next, new AuditEvent(actor, approve ? "ApprovalGranted" : "ApprovalRejected", details));
    } catch (SessionConflictException e) {
      throw new DecisionRefusedException("session " + sessionId + " changed meanwhile: another decision was recorded first");
    }
  }

  /** The session, or {@link SessionNotFoundException}. */
  public Session get(String sessionId) {
    return store.find(sessionId).orElseThrow(() -> new SessionNotFoundException(sessionId));
  }

  /** Sessions, newest first. */
  public List<Session> list(int limit) {
    return store.list(limit);
  }

  /** The session's audit log and whether its chain verifies. */
  public AuditLog audit(String sessionId) {
    Session session = get(sessionId);
    List<AuditEntry> entries = store.auditLog(sessionId);
    return new AuditLog(entries, AuditChain.verify(entries, session.auditSeq(), session.auditHash()));
  }

  /** A session's audit entries and the chain check. */
  public record AuditLog(List<AuditEntry> entries, AuditChain.Verification verification) {}

  private static String defaultStackName(Path repository) {
    Path name = repository.getFileName();
    String base = name == null ? "repository" : name.toString().replaceAll("[^A-Za-z0-9-]", "-");
    String stack = "gantry-" + base.replaceAll("-+", "-").replaceAll("-$", "");
    return stack.length() > 128 ? stack.substring(0, 128) : stack;
  }
}
