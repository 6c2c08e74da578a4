package dev.gantry.session;

import dev.gantry.agent.AgentDefinition;
import dev.gantry.deploy.PendingChangeSet;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.model.TokenUsage;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.telemetry.Telemetry;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Starting, deciding and cancelling sessions: the operations a user causes. Running stages is the
 * executor's (locally) or the state machine's (in AWS) job.
 */
public final class SessionService {
  /** CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128. */
  private static final Pattern STACK_NAME = Pattern.compile("[a-zA-Z][-a-zA-Z0-9]{0,127}");
  /** Git ref names, restricted to what branch and tag names use in practice (git-check-ref-format). */
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]{1,255}");
  /** SHA-1 (40 hex) or SHA-256 (64 hex) object ids. */
  private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
  /** Roles a request may choose the agent of: the agent roles the pipelines declare. */
  public static final List<String> AGENT_ROLES = Pipelines.standard().agentRoles();
  private static final int MAX_GOAL_CHARS = 4000;
  private static final int MAX_URL_CHARS = 2048;
  private static final int MAX_KEY_CHARS = 255;

  private final SessionStore store;
  private final Clock clock;
  private final Supplier<String> ids;
  private final String stackPrefix;
  private final boolean localRepositories;
  private final RepositoryRoots repositoryRoots;
  private final boolean allowSelfApproval;
  private final Telemetry telemetry;

  /**
   * @param store the session store
   * @param clock time source
   * @param ids new session ids (random UUIDs in production)
   * @param localRepositories whether {@code repositoryPath} is accepted (true on one machine;
   *     false in Lambda, which has no repository checkouts); in any folder ({@link
   *     RepositoryRoots#anywhere}) unless roots are given
   */
  public SessionService(SessionStore store, Clock clock, Supplier<String> ids, boolean localRepositories) {
    this(store, clock, ids, localRepositories, "");
  }

  /**
   * As above, with the prefix every stack name must have (the deploy functions may only touch stacks
   * named with it).
   *
   * @param stackPrefix e.g. {@value #DEFAULT_STACK_PREFIX}; default stack names are this prefix and
   *     the repository's name; empty to accept any stack name (and name default stacks {@value
   *     #DEFAULT_STACK_PREFIX}...)
   */
  public SessionService(SessionStore store, Clock clock, Supplier<String> ids, boolean localRepositories, String stackPrefix) {
    this(store, clock, ids, localRepositories, stackPrefix, RepositoryRoots.anywhere());
  }

  /**
   * As above, with where local repositories may lie (the gantry command's {@link RepositoryRoots}:
   * {@code GANTRY_REPOSITORY_ROOTS}, never inside {@code GANTRY_HOME}).
   *
   * @param repositoryRoots checks every {@code repository.path} when {@code localRepositories}
   */
  public SessionService(SessionStore store, Clock clock, Supplier<String> ids, boolean localRepositories, String stackPrefix,
      RepositoryRoots repositoryRoots) {
    this(store, clock, ids, localRepositories, stackPrefix, repositoryRoots, true, Telemetry.NONE);
  }

  private SessionService(SessionStore store, Clock clock, Supplier<String> ids, boolean localRepositories, String stackPrefix,
      RepositoryRoots repositoryRoots, boolean allowSelfApproval, Telemetry telemetry) {
    this.store = store;
    this.clock = clock;
    this.ids = ids;
    this.localRepositories = localRepositories;
    this.stackPrefix = stackPrefix;
    this.repositoryRoots = repositoryRoots;
    this.allowSelfApproval = allowSelfApproval;
    this.telemetry = telemetry;
  }

  /**
   * This service with separation of duties set: when {@code allowed} is false, the principal that
   * started a session (its origin's actor) cannot decide its approval ({@link #decide} throws {@link
   * SelfApprovalRefusedException}); sessions started by a push are decided by anyone allowed to
   * decide. {@code GANTRY_ALLOW_SELF_APPROVAL}: off in AWS unless the stack's context says so, on for
   * one user on a laptop.
   */
  public SessionService withSelfApproval(boolean allowed) {
    return new SessionService(store, clock, ids, localRepositories, stackPrefix, repositoryRoots, allowed, telemetry);
  }

  /**
   * This service telling {@code telemetry} of sessions created, approval decisions (with the wait)
   * and refused decisions; {@link dev.gantry.telemetry.Telemetry#NONE} by default.
   */
  public SessionService withTelemetry(Telemetry telemetry) {
    return new SessionService(store, clock, ids, localRepositories, stackPrefix, repositoryRoots, allowSelfApproval, telemetry);
  }

  /**
   * This service on the same store, accepting {@code repository.path} only under {@code root} (and
   * still never inside a reserved folder): {@code gantry run} reads the folder its user named.
   */
  public SessionService readingOnlyUnder(Path root) {
    return new SessionService(store, clock, ids, localRepositories, stackPrefix, repositoryRoots.onlyUnder(root),
        allowSelfApproval, telemetry);
  }

  /** The stack name prefix when none is configured. */
  public static final String DEFAULT_STACK_PREFIX = "gantry-";

  /** A session started, or the one an earlier request with the same idempotency key started. */
  public record Started(Session session, boolean created) {}

  /**
   * Creates a RUNNING session for a local repository (the gantry command).
   *
   * @throws InvalidRequestException for a blank goal, a missing directory or a bad stack name
   */
  public Session start(String goal, Path repository, String stackName, String actor) {
    return start(SessionRequest.local(goal, repository == null ? null : repository.toString(), stackName), actor).session();
  }

  /**
   * Validates a request and creates a RUNNING session with a {@code SessionCreated} audit entry.
   * With an idempotency key the session id is derived from the key and its scope, and the create is
   * conditional, so any number of retries, sequential or concurrent, create one session.
   *
   * @param actor who asked; written into the audit entry
   * @return the new session ({@code created}), or the one the key already started
   * @throws InvalidRequestException naming the field at fault; nothing is written
   * @throws IdempotencyKeyReusedException when the key started a session for a different request
   */
  public Started start(SessionRequest request, String actor) {
    Validated valid = validate(request);
    String digest = Sha256.hex(Json.write(valid.fingerprint()).getBytes(StandardCharsets.UTF_8));
    String key = request.idempotencyKey();
    String id = key == null ? ids.get() : idFor(request.idempotencyScope(), key);
    SessionOrigin origin =
        new SessionOrigin(request.trigger(), actor, valid.url(), valid.ref(), valid.commit(), key, digest);
    Session session =
        Session.start(id, valid.goal(), valid.repository(), valid.stack(), valid.pipeline(), request.agents(), origin,
            clock.instant());
    Map<String, String> details = new LinkedHashMap<>();
    details.put("goal", session.goal());
    details.put("repository", session.repository());
    details.put("stack", session.stackName());
    details.put("pipeline", valid.pipeline());
    details.put("trigger", String.valueOf(request.trigger()));
    if (key != null) {
      details.put("idempotencyKey", key);
    }
    request.agents().forEach((role, agent) -> details.put("agent." + role, agent));
    try {
      Started started = new Started(store.create(session, new AuditEvent(actor, "SessionCreated", details)), true);
      telemetry.sessionStarted(valid.pipeline(), request.trigger());
      return started;
    } catch (SessionConflictException exists) {
      if (key == null) {
        throw exists;
      }
      Session first = get(id);
      String firstDigest = first.origin() == null ? null : first.origin().requestDigest();
      if (!digest.equals(firstDigest)) {
        throw new IdempotencyKeyReusedException(
            "idempotency key '" + key + "' already started session " + id
                + " for a different request: use a new key for a new request");
      }
      return new Started(first, false);
    }
  }

  /**
   * The session id an idempotency key names: a name-based UUID of the scope and the key, so the same
   * key from another caller names another session.
   */
  public static String idFor(String scope, String key) {
    return UUID.nameUUIDFromBytes((scope + "\u0000" + key).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private record Validated(String goal, String repository, String url, String ref, String commit, String stack,
      String pipeline, Map<String, String> agents) {
    Map<String, Object> fingerprint() {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("goal", goal);
      f.put("repository", repository);
      f.put("ref", ref);
      f.put("commit", commit);
      f.put("stack", stack);
      if (!pipeline.equals(Pipelines.standard().defaultPipeline().name())) {
        f.put("pipeline", pipeline); // left out for the default, so keys given before pipelines existed still match
      }
      f.put("agents", agents);
      return f;
    }
  }

  private Validated validate(SessionRequest request) {
    String goal = request.goal();
    if (goal == null || goal.isBlank()) {
      throw new InvalidRequestException("goal", "the goal is empty: say what to build, e.g. \"a REST API for orders\"");
    }
    if (goal.length() > MAX_GOAL_CHARS) {
      throw new InvalidRequestException("goal", "the goal is longer than " + MAX_GOAL_CHARS + " characters: shorten it");
    }
    if ((request.repositoryPath() == null) == (request.repositoryUrl() == null)) {
      throw new InvalidRequestException("repository", "give exactly one of repository.path and repository.url");
    }
    String repository;
    String url = null;
    String defaultName;
    if (request.repositoryPath() != null) {
      if (!localRepositories) {
        throw new InvalidRequestException(
            "repository.path", "this deployment has no local checkouts: name the repository by repository.url");
      }
      Path path;
      try {
        path = Path.of(request.repositoryPath());
      } catch (java.nio.file.InvalidPathException e) {
        throw new InvalidRequestException("repository.path", "not a path on this machine: name a repository folder");
      }
      if (!Files.isDirectory(path)) {
        throw new InvalidRequestException("repository.path", "repository not found: " + path + " is not a directory");
      }
      Path real = repositoryRoots.check(path); // under GANTRY_REPOSITORY_ROOTS, never in GANTRY_HOME
      repository = real.toString();
      defaultName = real.getFileName() == null ? "repository" : real.getFileName().toString();
    } else {
      url = cloneUrl(request.repositoryUrl(), localRepositories);
      repository = url;
      String last = url.replaceAll("/+$", "");
      last = last.substring(last.lastIndexOf('/') + 1);
      defaultName = last.endsWith(".git") ? last.substring(0, last.length() - 4) : last;
    }
    String ref = request.ref();
    if (ref != null && (!REF.matcher(ref).matches() || ref.contains("..") || ref.startsWith("/") || ref.endsWith("/"))) {
      throw new InvalidRequestException("repository.ref", "'" + ref + "' is not a branch or tag name, e.g. main or refs/heads/main");
    }
    String commit = request.commit();
    if (commit != null && !COMMIT.matcher(commit).matches()) {
      throw new InvalidRequestException("repository.commit", "a commit is 40 (or 64) hex characters");
    }
    String namePrefix = stackPrefix.isEmpty() ? DEFAULT_STACK_PREFIX : stackPrefix;
    String stack = request.stack() == null ? defaultStackName(namePrefix, defaultName) : request.stack();
    if (!STACK_NAME.matcher(stack).matches()) {
      throw new InvalidRequestException(
          "stack", "invalid stack name '" + stack + "': start with a letter, then letters, digits and hyphens (max 128)");
    }
    if (!stack.startsWith(stackPrefix)) {
      throw new InvalidRequestException(
          "stack", "stack name '" + stack + "' does not start with '" + stackPrefix + "': Gantry deploys only stacks named "
              + stackPrefix + "..., e.g. " + defaultStackName(stackPrefix, stack));
    }
    PipelineDefinition pipeline;
    try {
      pipeline = Pipelines.standard().pipeline(request.pipeline()); // null: the default
    } catch (IllegalArgumentException unknown) {
      throw new InvalidRequestException("pipeline", unknown.getMessage() + " (gantry pipelines lists them)");
    }
    List<String> roles = pipeline.stages().stream().flatMap(s -> s.agent().stream()).distinct().toList();
    for (Map.Entry<String, String> agent : request.agents().entrySet()) {
      if (!roles.contains(agent.getKey())) {
        throw new InvalidRequestException(
            "agents." + agent.getKey(), "the " + pipeline.name() + " pipeline has no stage role '" + agent.getKey()
                + "': choose agents for " + String.join(", ", roles));
      }
      if (agent.getValue() == null || !AgentDefinition.NAME.matcher(agent.getValue()).matches()) {
        throw new InvalidRequestException(
            "agents." + agent.getKey(), "'" + agent.getValue() + "' is not an agent name (lowercase letters, digits, hyphens and dots, starting with a letter or digit)");
      }
    }
    String key = request.idempotencyKey();
    if (key != null && (key.isBlank() || key.length() > MAX_KEY_CHARS || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw new InvalidRequestException("Idempotency-Key", "an idempotency key is 1..255 visible ASCII characters, e.g. a UUID");
    }
    return new Validated(goal.strip(), repository, url, ref, commit == null ? null : commit.toLowerCase(), stack,
        pipeline.name(), request.agents());
  }

  /**
   * A clone URL the checkout stage can fetch: {@code https://} or {@code http://} (smart HTTP, as
   * GitHub, GitLab, Bitbucket and Gitea serve it), and {@code file://} where local checkouts are
   * allowed; never with a password or token in it.
   */
  private static String cloneUrl(String text, boolean localRepositories) {
    if (text.length() > MAX_URL_CHARS) {
      throw new InvalidRequestException("repository.url", "the URL is longer than " + MAX_URL_CHARS + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidRequestException("repository.url", "'" + text + "' is not a URL: use https://host/owner/repo.git");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (scheme.equals("ssh") || text.matches("[^/:@]+@[^/:]+:.*")) {
      throw new InvalidRequestException("repository.url", "SSH clone URLs are not supported: use the https:// clone URL "
          + "(with a Git token for a private repository)");
    }
    if (scheme.equals("file") && localRepositories && uri.getPath() != null && uri.getPath().length() > 1) {
      return uri.toString();
    }
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new InvalidRequestException("repository.url", "use an https:// clone URL, e.g. https://github.com/owner/repo.git");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidRequestException("repository.url", "the URL holds a user name, password or token: remove it; "
          + "Gantry never stores credentials (configure a Git token instead)");
    }
    return uri.toString();
  }

  /**
   * Records an approval decision on the template and change set awaiting approval. Exactly one
   * decision per session: a second one, one naming another template or change set, or one losing a
   * concurrent race is refused.
   *
   * @param approve true to approve (the session returns to RUNNING), false to reject (REJECTED)
   * @param digest the template SHA-256 the decider saw
   * @param changeSetDigest the SHA-256 of the {@code changeset.json} the decider saw; required when
   *     the session has a change set awaiting approval
   * @param actor who decides
   * @param comment the reason (required to reject), may be null to approve
   * @throws SessionNotFoundException for an unknown id
   * @return the stored session; for a repeat of the same actor's decision that is recorded but not
   *     yet delivered to the run ({@link #decisionUndelivered}), that session unchanged
   * @throws SelfApprovalRefusedException when separation of duties is on and {@code actor} started
   *     the session
   * @throws DecisionRefusedException when the decision cannot apply
   */
  public Session decide(
      String sessionId, boolean approve, String digest, String changeSetDigest, String actor, String comment) {
    Session current = get(sessionId);
    try {
      return decide(current, approve, digest, changeSetDigest, actor, comment);
    } catch (DecisionRefusedException refused) {
      telemetry.decisionRefused(current.pipeline(), sessionId, refused.getClass().getSimpleName());
      throw refused;
    }
  }

  private Session decide(
      Session current, boolean approve, String digest, String changeSetDigest, String actor, String comment) {
    String sessionId = current.sessionId();
    ApprovalDecision recorded = current.decision();
    if (decisionUndelivered(current) && recorded.actor().equals(actor) && recorded.decision().equals(approve ? "approve" : "reject")
        && recorded.digest().equalsIgnoreCase(String.valueOf(digest))) {
      return current; // a repeat of a decision recorded but not yet delivered: the caller delivers it
    }
    if (current.status() != SessionStatus.AWAITING_APPROVAL) {
      throw new DecisionRefusedException(
          "session " + sessionId + " is " + current.status() + ", not awaiting approval; a session takes one decision");
    }
    if (!allowSelfApproval && current.origin() != null && actor != null && actor.equals(current.origin().actor())) {
      throw new SelfApprovalRefusedException(actor + " started session " + sessionId + " and cannot decide its approval: "
          + "ask another reviewer (separation of duties; GANTRY_ALLOW_SELF_APPROVAL=true turns it off)");
    }
    if (digest == null || !digest.equalsIgnoreCase(current.pendingDigest())) {
      throw new DecisionRefusedException(
          "digest " + digest + " is not the " + current.pendingDocument() + " awaiting approval (" + current.pendingDigest() + ")");
    }
    PendingChangeSet changeSet = current.pendingChangeSet();
    if (changeSet != null && (changeSetDigest == null || !changeSetDigest.equalsIgnoreCase(changeSet.sha256()))) {
      throw new DecisionRefusedException("change set digest " + changeSetDigest
          + " is not the change set awaiting approval (" + changeSet.sha256() + " for " + changeSet.changeSetId() + ")");
    }
    if (!approve && (comment == null || comment.isBlank())) {
      throw new InvalidRequestException("comment", "a rejection needs a reason: say why in comment");
    }
    ApprovalDecision decision = new ApprovalDecision(approve ? "approve" : "reject", current.pendingDigest(),
        changeSet == null ? null : changeSet.changeSetId(), changeSet == null ? null : changeSet.sha256(), actor, comment,
        clock.instant());
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
    Map<String, String> details = new LinkedHashMap<>();
    details.put("digest", decision.digest());
    if (changeSet != null) {
      details.put("changeSetId", changeSet.changeSetId());
      details.put("changeSetDigest", changeSet.sha256());
    }
    if (comment != null) {
      details.put("comment", comment);
    }
    try {
      Session stored = store.update(current, next, new AuditEvent(actor, approve ? "ApprovalGranted" : "ApprovalRejected", details));
      telemetry.approvalDecided(current.pipeline(), decision.decision(), java.time.Duration.between(gate.startedAt(), decided.endedAt()));
      return stored;
    } catch (SessionConflictException e) {
      throw new DecisionRefusedException("session " + sessionId + " changed meanwhile: another decision was recorded first");
    }
  }

  /**
   * Whether {@code session}'s decision is recorded but not yet known to have reached the run that
   * waits for it: a decision, and the approval's task token still stored (AWS). {@link
   * #decisionDelivered} clears the token once the workflow took the decision.
   */
  public static boolean decisionUndelivered(Session session) {
    return session.decision() != null && session.approvalTaskToken() != null;
  }

  /**
   * Records that the decision reached the run (Step Functions accepted SendTaskSuccess or
   * SendTaskFailure): the task token is cleared, with an {@code ApprovalDelivered} audit entry.
   * Does nothing when it was already recorded.
   */
  public Session decisionDelivered(String sessionId, String actor) {
    for (int attempt = 1; ; attempt++) {
      Session current = get(sessionId);
      if (!decisionUndelivered(current)) {
        return current;
      }
      try {
        return store.update(current, current.withApprovalTaskToken(null),
            new AuditEvent(actor, "ApprovalDelivered", Map.of("decision", current.decision().decision())));
      } catch (SessionConflictException e) {
        if (attempt == 3) {
          throw e; // the run is writing fast: the next read records it
        }
      }
    }
  }

  /**
   * Ends a RUNNING or AWAITING_APPROVAL session as CANCELLED with a {@code SessionCancelled} audit
   * entry. A stage still running finds the session changed and stops without writing.
   *
   * @param reason why, may be null
   * @throws SessionNotFoundException for an unknown id
   * @throws SessionConflictException when the session has already ended or changed meanwhile
   */
  public Session cancel(String sessionId, String actor, String reason) {
    Session current = get(sessionId);
    if (current.status().terminal()) {
      throw new SessionConflictException(
          "session " + sessionId + " is " + current.status() + " and cannot be cancelled: only running or waiting sessions can");
    }
    String why = reason == null || reason.isBlank() ? "cancelled by " + actor : "cancelled by " + actor + ": " + reason;
    Session next = current.withStatus(SessionStatus.CANCELLED).withFailure(why);
    StageRecord open = current.currentStage() == null ? null : current.stage(current.currentStage());
    if (open != null && open.endedAt() == null) {
      next = next.withStage(new StageRecord(open.name(), StageStatus.CANCELLED, open.startedAt(), clock.instant(),
          open.attempts(), open.usage(), why, open.droppedTools()));
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("previousStatus", current.status().name());
    if (reason != null && !reason.isBlank()) {
      details.put("reason", reason);
    }
    return store.update(current, next, new AuditEvent(actor, "SessionCancelled", details));
  }

  /**
   * Ends a session whose run could not be started (Step Functions refused StartExecution) as FAILED
   * with a {@code SessionStartFailed} audit entry, so it does not stay RUNNING with nothing running
   * it. A session that has started a stage meanwhile is left alone.
   */
  public Session recordStartFailure(String sessionId, RuntimeException cause) {
    Session current = get(sessionId);
    if (current.status() != SessionStatus.RUNNING || current.currentStage() != null) {
      return current;
    }
    Session next = current.withStatus(SessionStatus.FAILED)
        .withFailure("the run could not start (" + cause.getClass().getSimpleName() + ")");
    return store.update(current, next, new AuditEvent("gantry", "SessionStartFailed", Map.of("error", cause.getClass().getName())));
  }

  /** The session, or {@link SessionNotFoundException}. */
  public Session get(String sessionId) {
    return store.find(sessionId).orElseThrow(() -> new SessionNotFoundException(sessionId));
  }

  /** Sessions, newest first (the first page of at most {@code limit}). */
  public List<Session> list(int limit) {
    return store.list(null, limit, null).sessions();
  }

  /**
   * A page of sessions, newest first.
   *
   * @param status only this status, or null
   * @param limit 1..100
   * @param cursor from the previous page, or null
   * @throws InvalidRequestException for a limit out of range or a bad cursor
   */
  public SessionPage list(SessionStatus status, int limit, String cursor) {
    return list(status, null, limit, cursor);
  }

  /**
   * As above, only the sessions {@code owner} started when it is not null (a caller without the
   * reader role sees its own sessions only).
   */
  public SessionPage list(SessionStatus status, String owner, int limit, String cursor) {
    if (limit < 1 || limit > 100) {
      throw new InvalidRequestException("limit", "limit must be 1..100");
    }
    return store.list(status, owner, limit, cursor);
  }

  /** The session's audit log and its check: links, hashes, head, MACs and anchors. */
  public AuditLog audit(String sessionId) {
    Session session = get(sessionId);
    List<AuditEntry> entries = store.auditLog(sessionId);
    return new AuditLog(entries, store.verifyAudit(session, entries));
  }

  /** A session's audit entries and the chain check. */
  public record AuditLog(List<AuditEntry> entries, AuditChain.Verification verification) {}

  private static String defaultStackName(String prefix, String repositoryName) {
    String base = repositoryName.replaceAll("[^A-Za-z0-9-]", "-");
    String stack = prefix + base.replaceAll("-+", "-").replaceAll("-$", "");
    return stack.length() > 128 ? stack.substring(0, 128) : stack;
  }
}
