package dev.gantry.api;

import dev.gantry.deploy.Finding;
import dev.gantry.deploy.ValidationReport;
import dev.gantry.deploy.PendingChangeSet;
import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.json.Json;
import dev.gantry.model.TokenUsage;
import dev.gantry.pipeline.ValidateStage;
import dev.gantry.repo.RepositoryCheckout;
import dev.gantry.repo.SnapshotArchive;
import dev.gantry.session.ApprovalDecision;
import dev.gantry.session.AuditChain;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.Session;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.StageRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JSON shapes the API answers with (also described in {@code openapi.yaml}). They are built
 * from the stored session and never carry the approval task token or the audit hash head.
 */
public final class SessionViews {
  private static final int CACHED_REPORTS = 256;

  private final DocumentStore documents;
  private final Function<Session, Optional<String>> consoleUrl;
  private final Function<Session, Optional<String>> logsUrl;
  /**
   * Findings by validation.json SHA-256, for reports not kept on the session item. Documents are
   * written once, so a client polling such a session reads its report from S3 once, not on every GET.
   */
  private final Map<String, List<Finding>> findingsBySha256 = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Finding>> eldest) {
          return size() > CACHED_REPORTS;
        }
      });

  /**
   * @param documents to read {@code validation.json} for findings not kept on the session item
   * @param consoleUrl the Step Functions console URL of a session's execution, or empty locally
   */
  public SessionViews(DocumentStore documents, Function<Session, Optional<String>> consoleUrl) {
    this(documents, consoleUrl, session -> Optional.empty());
  }

  /**
   * @param documents to read {@code validation.json} for findings not kept on the session item
   * @param consoleUrl the Step Functions console URL of a session's execution, or empty locally
   * @param logsUrl the CloudWatch Logs Insights query of a session's log lines ({@link
   *     dev.gantry.telemetry.LogsInsights}), or empty locally
   */
  public SessionViews(DocumentStore documents, Function<Session, Optional<String>> consoleUrl,
      Function<Session, Optional<String>> logsUrl) {
    this.documents = documents;
    this.consoleUrl = consoleUrl;
    this.logsUrl = logsUrl;
  }

  /**
   * A session in a listing.
   *
   * @param commit the commit the checkout stage pinned (before it ran, the one asked for), or null
   * @param usage the model tokens and cost so far
   */
  public record Summary(String sessionId, SessionStatus status, String pipeline, String currentStage, String goal,
      String repository, String commit, String stack, Instant createdAt, Instant updatedAt, TokenUsage usage,
      Map<String, String> links) {}

  /** A session in full. */
  public record Detail(String sessionId, SessionStatus status, long version, String goal, RepositoryView repository,
      String stack, String pipeline, Map<String, String> agents, OriginView origin, String currentStage, List<StageView> stages,
      List<DocumentView> documents, List<Finding> findings, TokenUsage usage, PendingApproval pendingApproval,
      ApprovalDecision decision, String failure, Instant createdAt, Instant updatedAt, String executionConsoleUrl,
      String logsInsightsUrl, Map<String, String> links) {}

  /**
   * Where the repository is and which revision the session reads: the ref and commit the checkout
   * stage pinned (before it ran, the ones asked for), and the snapshot it stored.
   */
  public record RepositoryView(String path, String url, String ref, String commit, SnapshotView snapshot) {}

  /**
   * The repository snapshot every stage after checkout reads.
   *
   * @param sha256 SHA-256 of {@code repository.tar.gz}
   * @param fileCount files in it
   * @param byteCount bytes of file content in it, uncompressed
   * @param droppedCount links out of the tree, special files and submodules left out
   */
  public record SnapshotView(String sha256, int fileCount, long byteCount, int droppedCount) {}

  /**
   * What started the session.
   *
   * @param trigger {@code cli}, {@code api}, {@code push} or {@code replay}
   * @param actor who started it
   * @param idempotencyKey the key or delivery id that named it, or null
   * @param replayOf for a replay ({@code gantry replay}), the session it replayed; else null
   */
  public record OriginView(String trigger, String actor, String idempotencyKey, String replayOf) {}

  /** One stage with its timing. */
  public record StageView(String name, String status, Instant startedAt, Instant endedAt, Long durationMillis,
      int attempts, TokenUsage usage, String summary, List<String> toolsNotOffered) {}

  /** A document with its integrity data and link. */
  public record DocumentView(String name, long sizeBytes, String sha256, String contentType, String link) {}

  /**
   * The decision a session waits for: the template digest and the change set (ARN, SHA-256 of
   * {@code changeset.json}, summary and risk flags) a decision must name.
   */
  public record PendingApproval(String digest, PendingChangeSet changeSet, String stage, Instant requestedAt, String decide) {}

  /** One audit entry as served; {@code mac} is base64, absent on entries written before audit MACs. */
  public record AuditView(long seq, Instant at, String actor, String action, Map<String, String> details,
      String previousHash, String hash, String mac) {}

  /** The listing of one page. */
  public record Listing(List<Summary> sessions, String nextCursor) {}

  /** The audit log of a session, one page, and the chain check over the whole log. */
  public record AuditPage(String sessionId, ChainCheck chain, List<AuditView> entries, String nextCursor) {}

  /**
   * The check of the whole log ({@link AuditChain.Verification}): links, hashes, head, MACs, anchors.
   *
   * @param verified every check passed
   * @param entries entries checked
   * @param problem every problem found, each naming the entry and the check; absent when verified
   * @param authenticated the last entry's MAC verifies with {@code keyId}
   * @param keyId the MAC key checked against
   * @param anchoredThrough the highest entry whose anchor matches it
   * @param note entries after the last anchor, if any (not wrong, not covered either)
   */
  public record ChainCheck(boolean verified, int entries, String problem, boolean authenticated, String keyId,
      long anchoredThrough, String note) {
    /** The served form of {@code v}. */
    public static ChainCheck of(AuditChain.Verification v) {
      return new ChainCheck(v.valid(), v.entries(), v.problem(), v.authenticated(), v.keyId(), v.anchoredThrough(), v.note());
    }
  }

  /** Links of a session. */
  static Map<String, String> links(Session s) {
    Map<String, String> links = new LinkedHashMap<>();
    String self = "/sessions/" + s.sessionId();
    links.put("self", self);
    links.put("audit", self + "/audit");
    if (s.status() == SessionStatus.AWAITING_APPROVAL) {
      links.put("approval", self + "/approval");
    }
    if (!s.status().terminal()) {
      links.put("cancel", self + "/cancel");
    }
    return links;
  }

  /** The listing shape of a session. */
  public Summary summary(Session s) {
    return new Summary(s.sessionId(), s.status(), pipeline(s), s.currentStage(), s.goal(), s.repository(), commit(s), s.stackName(),
        s.createdAt(), s.updatedAt(), s.usage(), Map.of("self", "/sessions/" + s.sessionId()));
  }

  /** The full shape of a session. */
  public Detail detail(Session s) {
    boolean url = s.origin() != null && s.origin().repositoryUrl() != null;
    RepositoryCheckout pinned = s.checkout();
    DocumentRef archive = s.documents().get(SnapshotArchive.DOCUMENT_NAME);
    RepositoryView repository = new RepositoryView(url ? null : s.repository(), url ? s.origin().repositoryUrl() : null,
        pinned != null ? pinned.ref() : s.origin() == null ? null : s.origin().ref(),
        commit(s),
        pinned == null || archive == null ? null
            : new SnapshotView(archive.sha256(), pinned.fileCount(), pinned.byteCount(), pinned.droppedCount()));
    OriginView origin = s.origin() == null ? null : new OriginView(s.origin().trigger(), s.origin().actor(), s.origin().idempotencyKey(),
        s.origin().replayOf());
    List<StageView> stages = s.stages().stream().map(SessionViews::stage).toList();
    List<DocumentView> docs = s.documents().values().stream()
        .sorted(Comparator.comparing(DocumentRef::name))
        .map(d -> new DocumentView(d.name(), d.sizeBytes(), d.sha256(), d.contentType(), documentLink(s.sessionId(), d.name())))
        .toList();
    PendingApproval pending = null;
    if (s.status() == SessionStatus.AWAITING_APPROVAL) {
      StageRecord gate = s.stage(s.currentStage());
      pending = new PendingApproval(s.pendingDigest(), s.pendingChangeSet(), s.currentStage(), gate == null ? null : gate.startedAt(),
          "/sessions/" + s.sessionId() + "/approval");
    }
    return new Detail(s.sessionId(), s.status(), s.version(), s.goal(), repository, s.stackName(), pipeline(s),
        s.agents().isEmpty() ? null : s.agents(), origin, s.currentStage(), stages, docs, findings(s), s.usage(), pending,
        s.decision(), s.failure(), s.createdAt(), s.updatedAt(), consoleUrl.apply(s).orElse(null),
        logsUrl.apply(s).orElse(null), links(s));
  }

  /** The served shape of an audit entry. */
  public static AuditView audit(AuditEntry e) {
    return new AuditView(e.seq(), e.at(), e.actor(), e.action(), e.details(), e.prevHash(), e.hash(), e.mac());
  }

  static String documentLink(String sessionId, String name) {
    return "/sessions/" + sessionId + "/documents/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static StageView stage(StageRecord r) {
    return new StageView(r.name(), r.status().name(), r.startedAt(), r.endedAt(),
        r.endedAt() == null ? null : r.durationMillis(), r.attempts(), r.usage(), r.summary(),
        r.droppedTools() == null || r.droppedTools().isEmpty() ? null : r.droppedTools());
  }

  /**
   * The findings of the session's {@code validation.json}: those kept on the session item when they
   * are of this very document (same SHA-256), so a GET reads nothing from S3; otherwise (findings too
   * large for the item, sessions stored before findings were kept) the document itself, read once
   * per digest.
   */
  private List<Finding> findings(Session s) {
    DocumentRef report = s.documents().get(ValidateStage.DOCUMENT);
    if (report == null) {
      return List.of();
    }
    if (s.validationFindings() != null && s.validationFindings().matches(report)) {
      return s.validationFindings().findings();
    }
    List<Finding> cached = findingsBySha256.get(report.sha256());
    if (cached != null) {
      return cached;
    }
    Optional<List<Finding>> read = documents.get(report.key())
        .map(bytes -> Json.read(new String(bytes, StandardCharsets.UTF_8), ValidationReport.class).findings());
    read.ifPresent(findings -> findingsBySha256.put(report.sha256(), findings));
    return read.orElse(List.of());
  }

  /** The commit the checkout stage pinned, before it ran the one asked for, or null. */
  private static String commit(Session s) {
    return s.checkout() != null ? s.checkout().commit() : s.origin() == null ? null : s.origin().commit();
  }

  /** The pipeline {@code s} runs; {@code deliver} for sessions stored before pipelines were named. */
  private static String pipeline(Session s) {
    return dev.gantry.pipeline.Pipelines.standard().pipeline(s.pipeline()).name();
  }
}
