package dev.gantry.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.deploy.PendingChangeSet;
import dev.gantry.deploy.ValidationFindings;
import dev.gantry.document.DocumentRef;
import dev.gantry.model.TokenUsage;
import dev.gantry.repo.RepositoryCheckout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of the pipeline for one goal on one repository, as stored in the sessions table.
 *
 * <p>Immutable: changes produce a new value, stored by {@link SessionStore#update} conditioned on
 * the old {@code status} and {@code version}.
 *
 * @param sessionId UUID, also the Step Functions execution name in AWS
 * @param status where the session is
 * @param version incremented by every stored change
 * @param goal what the user asked for
 * @param repository the local repository path, or its clone URL
 * @param stackName the CloudFormation stack the template is for
 * @param pipeline the pipeline the session runs ({@code deliver}, {@code design}, {@code review});
 *     null for sessions stored before pipelines were named, which ran {@code deliver}
 * @param agents agent names chosen for this session by role ({@code architect}, {@code planner},
 *     {@code deployer}), overriding the pipeline's defaults; empty for the defaults
 * @param origin what started it; null for sessions stored before origins were recorded
 * @param currentStage the stage running or waiting, or the last one
 * @param stages every stage started, in order
 * @param documents documents written so far, by name
 * @param usage model tokens over all stages
 * @param pendingDigest SHA-256 of the template awaiting (or given) approval
 * @param pendingChangeSet the change set awaiting (or given) approval, set by the changeset stage
 * @param approvalTaskToken the Step Functions task token the approval state waits on (AWS only);
 *     never shown by the API
 * @param decision the approval decision, once made
 * @param failure why the session failed, null otherwise
 * @param checkout the commit and snapshot the checkout stage pinned, null before it ran
 * @param validationFindings the findings of the last {@code validation.json}, so a GET needs no
 *     document read; null before the validate stage ran, when they are too large for the item
 *     ({@link ValidationFindings#MAX_JSON_BYTES}), and for sessions stored before they were kept
 * @param createdAt creation time
 * @param updatedAt time of the last change
 * @param auditSeq sequence number of the last audit entry
 * @param auditHash hash of the last audit entry (head of the chain)
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true) // a session a later version stored stays readable
public record Session(
    String sessionId,
    SessionStatus status,
    long version,
    String goal,
    String repository,
    String stackName,
    @JsonInclude(JsonInclude.Include.NON_NULL) String pipeline,
    Map<String, String> agents,
    SessionOrigin origin,
    String currentStage,
    List<StageRecord> stages,
    Map<String, DocumentRef> documents,
    TokenUsage usage,
    String pendingDigest,
    PendingChangeSet pendingChangeSet,
    String approvalTaskToken,
    ApprovalDecision decision,
    String failure,
    RepositoryCheckout checkout,
    @JsonInclude(JsonInclude.Include.NON_NULL) ValidationFindings validationFindings,
    Instant createdAt,
    Instant updatedAt,
    long auditSeq,
    String auditHash) {

  public Session {
    agents = agents == null ? Map.of() : Map.copyOf(agents);
    stages = stages == null ? List.of() : List.copyOf(stages);
    documents = documents == null ? Map.of() : Map.copyOf(documents);
    usage = usage == null ? TokenUsage.ZERO : usage;
  }

  /** Agent overrides are stored only when some are given. */
  @Override
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public Map<String, String> agents() {
    return agents;
  }

  /** A new session of the default pipeline, RUNNING, before its first audit entry. */
  public static Session start(
      String sessionId, String goal, String repository, String stackName, Map<String, String> agents,
      SessionOrigin origin, Instant now) {
    return start(sessionId, goal, repository, stackName, null, agents, origin, now);
  }

  /** A new session of {@code pipeline} (null for the default), RUNNING, before its first audit entry. */
  public static Session start(
      String sessionId, String goal, String repository, String stackName, String pipeline, Map<String, String> agents,
      SessionOrigin origin, Instant now) {
    return new Session(
        sessionId, SessionStatus.RUNNING, 0, goal, repository, stackName, pipeline, agents, origin, null, List.of(),
        Map.of(), TokenUsage.ZERO, null, null, null, null, null, null, null, now, now, 0, AuditEntry.GENESIS_HASH);
  }

  /**
   * A session that exists only in memory, with a finished stage and a document, for priming: a
   * function maps it to and from its stored and served JSON before its first request, so the first
   * real one finds the serializers built. Its id is the nil UUID, which no stored session has.
   */
  public static Session primingSample() {
    Instant at = Instant.EPOCH;
    return start("00000000-0000-0000-0000-000000000000", "priming", "https://example.com/priming.git", "priming",
            dev.gantry.pipeline.PipelineDefinition.DELIVER, Map.of(), SessionOrigin.cli("priming"), at)
        .withStage(new StageRecord("checkout", StageStatus.SUCCEEDED, at, at, 1, TokenUsage.ZERO, "primed", List.of()))
        .withResults(Map.of("plan.md", new dev.gantry.document.DocumentRef("plan.md", "priming/plan.md", 0,
            "0".repeat(64), "text/markdown")), TokenUsage.ZERO);
  }

  /** A new session started from the gantry command, with the default agents. */
  public static Session start(String sessionId, String goal, String repository, String stackName, Instant now) {
    return start(sessionId, goal, repository, stackName, Map.of(), null, now);
  }

  /** A copy with another status. */
  public Session withStatus(SessionStatus newStatus) {
    Copy c = new Copy(this);
    c.status = newStatus;
    return c.build();
  }

  /** A copy with the given stage record added, or replacing the record of the same name; it becomes current. */
  public Session withStage(StageRecord record) {
    List<StageRecord> next = new ArrayList<>();
    boolean replaced = false;
    for (StageRecord existing : stages) {
      if (existing.name().equals(record.name())) {
        next.add(record);
        replaced = true;
      } else {
        next.add(existing);
      }
    }
    if (!replaced) {
      next.add(record);
    }
    Copy c = new Copy(this);
    c.stages = next;
    c.currentStage = record.name();
    return c.build();
  }

  /** A copy with documents added and usage increased. */
  public Session withResults(Map<String, DocumentRef> added, TokenUsage moreUsage) {
    Map<String, DocumentRef> next = new LinkedHashMap<>(documents);
    next.putAll(added);
    Copy c = new Copy(this);
    c.documents = next;
    c.usage = usage.plus(moreUsage);
    return c.build();
  }

  /** A copy with the digest awaiting approval. */
  public Session withPendingDigest(String digest) {
    Copy c = new Copy(this);
    c.pendingDigest = digest;
    return c.build();
  }

  /** A copy with the change set awaiting approval. */
  public Session withPendingChangeSet(PendingChangeSet changeSet) {
    Copy c = new Copy(this);
    c.pendingChangeSet = changeSet;
    return c.build();
  }

  /** A copy with the task token the approval state waits on (AWS), or null to clear it. */
  public Session withApprovalTaskToken(String taskToken) {
    Copy c = new Copy(this);
    c.approvalTaskToken = taskToken;
    return c.build();
  }

  /** A copy with the approval decision. */
  public Session withDecision(ApprovalDecision newDecision) {
    Copy c = new Copy(this);
    c.decision = newDecision;
    return c.build();
  }

  /** A copy with a failure reason. */
  public Session withFailure(String reason) {
    Copy c = new Copy(this);
    c.failure = reason;
    return c.build();
  }

  /** A copy with the repository checkout pinned by the checkout stage. */
  public Session withCheckout(RepositoryCheckout pinned) {
    Copy c = new Copy(this);
    c.checkout = pinned;
    return c.build();
  }

  /** A copy with the findings of the validation report just written. */
  public Session withValidationFindings(ValidationFindings kept) {
    Copy c = new Copy(this);
    c.validationFindings = kept;
    return c.build();
  }

  /**
   * This value's content on {@code current}'s stored bookkeeping (version, creation time, audit
   * head), so a store can write it as {@code current}'s successor. Used by stores only.
   */
  Session rebasedOn(Session current) {
    Copy c = new Copy(this);
    c.version = current.version;
    c.createdAt = current.createdAt;
    c.updatedAt = current.updatedAt;
    c.auditSeq = current.auditSeq;
    c.auditHash = current.auditHash;
    return c.build();
  }

  /** The stored successor: version + 1, the new audit head and time. Used by stores only. */
  Session stored(long newAuditSeq, String newAuditHash, Instant now) {
    Copy c = new Copy(this);
    c.version = version + 1;
    c.updatedAt = now;
    c.auditSeq = newAuditSeq;
    c.auditHash = newAuditHash;
    return c.build();
  }

  /** The record of stage {@code name}, or null. */
  public StageRecord stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** The agent to run for a stage whose declared agent is {@code role}: this session's choice or the default. */
  public String agentFor(String role) {
    return agents.getOrDefault(role, role);
  }

  /**
   * The name of the document awaiting (or given) approval: the one whose SHA-256 is {@code
   * pendingDigest} ({@code template.yaml}, {@code changes.patch}); {@code "template"} when none is
   * recorded under that digest.
   */
  public String pendingDocument() {
    return documents.values().stream().filter(d -> d.sha256().equalsIgnoreCase(String.valueOf(pendingDigest)))
        .map(DocumentRef::name).sorted().findFirst().orElse("template");
  }

  /** A mutable copy, so each {@code with} method names only what it changes. */
  private static final class Copy {
    private String sessionId;
    private SessionStatus status;
    private long version;
    private String goal;
    private String repository;
    private String stackName;
    private String pipeline;
    private Map<String, String> agents;
    private SessionOrigin origin;
    private String currentStage;
    private List<StageRecord> stages;
    private Map<String, DocumentRef> documents;
    private TokenUsage usage;
    private String pendingDigest;
    private PendingChangeSet pendingChangeSet;
    private String approvalTaskToken;
    private ApprovalDecision decision;
    private String failure;
    private RepositoryCheckout checkout;
    private ValidationFindings validationFindings;
    private Instant createdAt;
    private Instant updatedAt;
    private long auditSeq;
    private String auditHash;

    Copy(Session s) {
      this.sessionId = s.sessionId;
      this.status = s.status;
      this.version = s.version;
      this.goal = s.goal;
      this.repository = s.repository;
      this.stackName = s.stackName;
      this.pipeline = s.pipeline;
      this.agents = s.agents;
      this.origin = s.origin;
      this.currentStage = s.currentStage;
      this.stages = s.stages;
      this.documents = s.documents;
      this.usage = s.usage;
      this.pendingDigest = s.pendingDigest;
      this.pendingChangeSet = s.pendingChangeSet;
      this.approvalTaskToken = s.approvalTaskToken;
      this.decision = s.decision;
      this.failure = s.failure;
      this.checkout = s.checkout;
      this.validationFindings = s.validationFindings;
      this.createdAt = s.createdAt;
      this.updatedAt = s.updatedAt;
      this.auditSeq = s.auditSeq;
      this.auditHash = s.auditHash;
    }

    Session build() {
      return new Session(sessionId, status, version, goal, repository, stackName, pipeline, agents, origin, currentStage, stages, documents, usage, pendingDigest, pendingChangeSet, approvalTaskToken, decision, failure, checkout, validationFindings, createdAt, updatedAt, auditSeq, auditHash);
    }
  }
}
