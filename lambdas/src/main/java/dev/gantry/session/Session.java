package dev.gantry.session;

import dev.gantry.document.DocumentRef;
import dev.gantry.model.TokenUsage;
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
 * @param repository the repository path or URL
 * @param stackName the CloudFormation stack the template is for
 * @param currentStage the stage running or waiting, or the last one
 * @param stages every stage started, in order
 * @param documents documents written so far, by name
 * @param usage model tokens over all stages
 * @param pendingDigest SHA-256 of the template awaiting (or given) approval
 * @param decision the approval decision, once made
 * @param failure why the session failed, null otherwise
 * @param createdAt creation time
 * @param updatedAt time of the last change
 * @param auditSeq sequence number of the last audit entry
 * @param auditHash hash of the last audit entry (head of the chain)
 */
public record Session(
    String sessionId,
    SessionStatus status,
    long version,
    String goal,
    String repository,
    String stackName,
    String currentStage,
    List<StageRecord> stages,
    Map<String, DocumentRef> documents,
    TokenUsage usage,
    String pendingDigest,
    ApprovalDecision decision,
    String failure,
    Instant createdAt,
    Instant updatedAt,
    long auditSeq,
    String auditHash) {

  public Session {
    stages = stages == null ? List.of() : List.copyOf(stages);
    documents = documents == null ? Map.of() : Map.copyOf(documents);
    usage = usage == null ? TokenUsage.ZERO : usage;
  }

  /** A new session, RUNNING, before its first audit entry. */
  public static Session start(
      String sessionId, String goal, String repository, String stackName, Instant now) {
    return new Session(
        sessionId, SessionStatus.RUNNING, 0, goal, repository, stackName, null, List.of(),
        Map.of(), TokenUsage.ZERO, null, null, null, now, now, 0, AuditEntry.GENESIS_HASH);
  }

  /** A copy with another status. */
  public Session withStatus(SessionStatus newStatus) {
    return new Session(
        sessionId, newStatus, version, goal, repository, stackName, currentStage, stages,
        documents, usage, pendingDigest, decision, failure, createdAt, updatedAt, auditSeq,
        auditHash);
  }

  /** A copy with the given stage record added, or replacing the record of the same name. */
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
    return new Session(
        sessionId, status, version, goal, repository, stackName, record.name(), next, documents,
        usage, pendingDigest, decision, failure, createdAt, updatedAt, auditSeq, auditHash);
  }

  /** A copy with documents added and usage increased. */
  public Session withResults(Map<String, DocumentRef> added, TokenUsage moreUsage) {
    Map<String, DocumentRef> next = new LinkedHashMap<>(documents);
    next.putAll(added);
    return new Session(
        sessionId, status, version, goal, repository, stackName, currentStage, stages, next,
        usage.plus(moreUsage), pendingDigest, decision, failure, createdAt, updatedAt, auditSeq,
        auditHash);
  }

  /** A copy with the digest awaiting approval. */
  public Session withPendingDigest(String digest) {
    return new Session(
        sessionId, status, version, goal, repository, stackName, currentStage, stages, documents,
        usage, digest, decision, failure, createdAt, updatedAt, auditSeq, auditHash);
  }

  /** A copy with the approval decision. */
  public Session withDecision(ApprovalDecision newDecision) {
    return new Session(
        sessionId, status, version, goal, repository, stackName, currentStage, stages, documents,
        usage, pendingDigest, newDecision, failure, createdAt, updatedAt, auditSeq, auditHash);
  }

  /** A copy with a failure reason. */
  public Session withFailure(String reason) {
    return new Session(
        sessionId, status, version, goal, repository, stackName, currentStage, stages, documents,
        usage, pendingDigest, decision, reason, createdAt, updatedAt, auditSeq, auditHash);
  }

  /** The stored successor: version + 1, the new audit head and time. Used by stores only. */
  Session stored(long newAuditSeq, String newAuditHash, Instant now) {
    return new Session(
        sessionId, status, version + 1, goal, repository, stackName, currentStage, stages,
        documents, usage, pendingDigest, decision, failure, createdAt, now, newAuditSeq,
        newAuditHash);
  }

  /** The record of stage {@code name}, or null. */
  public StageRecord stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }
}
