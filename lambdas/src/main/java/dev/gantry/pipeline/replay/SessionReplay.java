package dev.gantry.pipeline.replay;

import dev.gantry.agent.Transcript;
import dev.gantry.document.DocumentKeys;
import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.model.ModelClient;
import dev.gantry.model.TokenUsage;
import dev.gantry.model.replay.NoModel;
import dev.gantry.model.replay.RecordedModel;
import dev.gantry.pipeline.AgentStage;
import dev.gantry.pipeline.CheckoutStage;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.ReportStage;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.ValidateStage;
import dev.gantry.pipeline.replay.ReplayReport.Excluded;
import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.repo.SnapshotArchive;
import dev.gantry.session.AuditChain;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.InvalidRequestException;
import dev.gantry.session.Session;
import dev.gantry.session.SessionNotFoundException;
import dev.gantry.session.SessionOrigin;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionStore;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Replays a finished session: re-runs its stages on the same snapshot with the model's recorded
 * answers instead of a model, in a new session marked as a replay of the first ({@link
 * SessionOrigin#replayOf()}), and compares what the tools answered and what the stages wrote with
 * the recording ({@link ReplayReport}).
 *
 * <p>Which stages: the pipeline's stages in order, as long as each acts only inside Gantry and
 * succeeded in the original. The checkout is copied (the original's {@value
 * SnapshotArchive#DOCUMENT_NAME}, same key and SHA-256, and its pinned commit: nothing is fetched);
 * an agent stage ({@link AgentStage}) runs its agent with a {@link RecordedModel} holding that
 * stage's {@code model_call} records; validate and report run as they are. The first stage that is
 * the approval gate, calls CloudFormation, is another kind of stage, or did not succeed in the
 * original ends the replay there: it and every later stage are listed as not replayed, with why.
 *
 * <p>Before anything is created the recording is checked: the original's audit chain, and for each
 * agent stage to replay its transcript and the snapshot, which must be in the document store with
 * the SHA-256 recorded on the session ({@link ReplayRefusedException} otherwise).
 *
 * <p>What is compared, per replayed stage in order: each tool call (tool, input, and SHA-256 of the
 * result sent back to the model) against the recorded one in order; the model calls (asking for
 * more than were recorded, or stopping sooner); the stage's outcome; then each document the stage
 * wrote in the original (from its audit entry) against the SHA-256 recorded on the session, and
 * that SHA-256 against the original's stored copy (a document changed after it was written).
 * Transcripts themselves are compared entry by entry, not by SHA-256 (they hold durations); {@code
 * report.md} is not compared (it holds the session's id and times).
 *
 * <p>The replay session records its stages and audit entries like any session, ends {@code
 * SUCCEEDED} or {@code FAILED}, then gets the comparison as {@value #DOCUMENT} with a {@code
 * ReplayCompared} audit entry. Its usage stays zero: recorded answers cost nothing.
 */
public final class SessionReplay {
  /** The document the replay session keeps its {@link ReplayReport} in. */
  public static final String DOCUMENT = "replay.json";
  /** The audit action recording the comparison on the replay session. */
  public static final String COMPARED = "ReplayCompared";

  /** Documents a replay does not compare, with why. */
  private static final Map<String, String> NOT_COMPARED = Map.of(
      "report.md", "written by Gantry from the session record (its id, times and durations), so it differs in every session");

  private final Pipelines pipelines;
  private final Function<ModelClient, Map<String, Stage>> stages;
  private final SessionStore sessions;
  private final DocumentStore documents;
  private final Function<Session, RepositorySnapshot> repositories;
  private final Clock clock;
  private final Supplier<String> ids;
  private final StageListener listener;

  /**
   * @param pipelines the pipelines sessions ran
   * @param stages the stage implementations by name, wired with the given model client (the
   *     standard stages, {@code Stages.standard}); called once per replayed agent stage with its
   *     {@link RecordedModel}, and once with a {@link NoModel}
   * @param sessions the session store
   * @param documents the document store
   * @param repositories opens a session's snapshot
   * @param clock time source
   * @param ids new session ids
   * @param listener progress output (each replayed stage's start and end)
   */
  public SessionReplay(Pipelines pipelines, Function<ModelClient, Map<String, Stage>> stages, SessionStore sessions,
      DocumentStore documents, Function<Session, RepositorySnapshot> repositories, Clock clock, Supplier<String> ids,
      StageListener listener) {
    this.pipelines = pipelines;
    this.stages = stages;
    this.sessions = sessions;
    this.documents = documents;
    this.repositories = repositories;
    this.clock = clock;
    this.ids = ids;
    this.listener = listener;
  }

  /**
   * Replays session {@code sessionId} in a new session and compares it with the recording.
   *
   * @param actor who asks, written into the replay session's audit entries
   * @return the comparison; the replay session is stored with it
   * @throws SessionNotFoundException for an unknown id
   * @throws InvalidRequestException (field {@code id}) for a session still running, one that
   *     completed no stage a replay can re-run, or one whose agent stage kept no transcript; nothing
   *     is created
   * @throws ReplayRefusedException when the recording cannot be trusted (see the class comment);
   *     nothing is created
   */
  public ReplayReport replay(String sessionId, String actor) {
    Session original = sessions.find(sessionId).orElseThrow(() -> new SessionNotFoundException(sessionId));
    if (original.status() == SessionStatus.RUNNING) {
      throw new InvalidRequestException("id", "session " + sessionId + " is RUNNING: replay it once it has ended "
          + "(or waits for approval)");
    }
    PipelineDefinition pipeline = pipelines.pipeline(original.pipeline());
    String label = "recorded answers of session " + sessionId + " (replay: no model called)";
    Map<String, Stage> standard = stages.apply(new NoModel(label));
    Plan plan = plan(pipeline, original, standard);
    if (plan.replayed().stream().noneMatch(s -> !(standard.get(s.name()) instanceof CheckoutStage))) {
      throw new InvalidRequestException("id", "session " + sessionId + " completed no stage a replay can re-run: "
          + plan.notReplayed().stream().map(e -> e.name() + " " + e.reason()).findFirst().orElse("none"));
    }
    Map<String, List<Transcript.Entry>> recordings = checkRecording(original, plan, standard);

    Map<String, Stage> replaying = new LinkedHashMap<>();
    for (StageDefinition stage : plan.replayed()) {
      Stage implementation = standard.get(stage.name());
      if (implementation instanceof CheckoutStage) {
        implementation = new CopiedCheckout(original);
      } else if (implementation instanceof AgentStage) {
        implementation = stages.apply(RecordedModel.of("stage " + stage.name() + " of session " + sessionId,
            recordings.get(stage.name()))).get(stage.name());
      }
      replaying.put(stage.name(), implementation);
    }
    Session replay = sessions.create(
        Session.start(ids.get(), original.goal(), original.repository(), original.stackName(), pipeline.name(),
            original.agents(), SessionOrigin.replay(actor, original), clock.instant()),
        new AuditEvent(actor, "SessionCreated", Map.of("replayOf", sessionId, "pipeline", pipeline.name(), "trigger", "replay",
            "goal", original.goal(), "repository", original.repository(), "stack", original.stackName(),
            "stages", String.join(",", replaying.keySet()))));
    Session ended;
    try (PipelineExecutor executor = new PipelineExecutor(
        Pipelines.of(new PipelineDefinition(pipeline.name(), "replay of " + pipeline.name(), plan.replayed())), replaying,
        sessions, documents, repositories, clock, delay -> Thread.sleep(delay.toMillis()), listener)) {
      ended = executor.advance(replay);
    }
    ReplayReport report = compare(original, ended, plan, recordings, standard);
    record(ended, report);
    return report;
  }

  /** The stages to copy or replay, and the others with why. */
  private record Plan(List<StageDefinition> replayed, List<Excluded> notReplayed) {}

  private Plan plan(PipelineDefinition pipeline, Session original, Map<String, Stage> standard) {
    List<StageDefinition> replayed = new ArrayList<>();
    List<Excluded> skipped = new ArrayList<>();
    String stoppedAt = null;
    boolean pastGate = false;
    for (StageDefinition stage : pipeline.stages()) {
      String intrinsic = outsideGantry(stage, standard.get(stage.name()));
      pastGate |= stage.approvalGate();
      if (stoppedAt == null) {
        String why = intrinsic != null ? intrinsic : notCompleted(stage, original, standard.get(stage.name()));
        if (why == null) {
          replayed.add(stage);
          continue;
        }
        stoppedAt = stage.name();
        skipped.add(new Excluded(stage.name(), why));
      } else if (intrinsic != null) {
        skipped.add(new Excluded(stage.name(), intrinsic));
      } else {
        skipped.add(new Excluded(stage.name(), pastGate && !stoppedAt.equals(stage.name())
            ? "comes after the approval gate: it runs only on what a person approved"
            : "comes after " + stoppedAt + ", which is not replayed"));
      }
    }
    return new Plan(replayed, skipped);
  }

  /** Why a stage can never be replayed, or null for one that acts only inside Gantry. */
  private static String outsideGantry(StageDefinition stage, Stage implementation) {
    if (stage.approvalGate()) {
      return "waits for a person's decision: a replay asks no one";
    }
    if (stage.callsCloudFormation()) {
      return "calls CloudFormation (" + stage.cloudFormation().orElseThrow() + ")";
    }
    if (!(implementation instanceof CheckoutStage || implementation instanceof AgentStage
        || implementation instanceof ValidateStage || implementation instanceof ReportStage)) {
      return "is not known to act only on the snapshot and the session's documents";
    }
    return null;
  }

  /** Why a replayable stage cannot be replayed for this session, or null. */
  private static String notCompleted(StageDefinition stage, Session original, Stage implementation) {
    StageRecord record = original.stage(stage.name());
    if (record == null) {
      return "did not run in session " + original.sessionId();
    }
    if (record.status() != StageStatus.SUCCEEDED) {
      return "ended " + record.status() + " in session " + original.sessionId()
          + (record.summary() == null ? "" : ": " + record.summary());
    }
    if (implementation instanceof CheckoutStage
        && (original.checkout() == null || !original.documents().containsKey(SnapshotArchive.DOCUMENT_NAME))) {
      return "session " + original.sessionId() + " kept no " + SnapshotArchive.DOCUMENT_NAME;
    }
    return null;
  }

  /**
   * The recorded transcripts of the agent stages to replay, after checking the audit chain, each
   * transcript and the snapshot against the session.
   */
  private Map<String, List<Transcript.Entry>> checkRecording(Session original, Plan plan, Map<String, Stage> standard) {
    String id = original.sessionId();
    AuditChain.Verification chain = sessions.verifyAudit(original, sessions.auditLog(id));
    if (!chain.valid()) {
      throw new ReplayRefusedException("the audit log of session " + id + " does not verify (" + chain.problem()
          + "): its record cannot be trusted; nothing was replayed");
    }
    Map<String, List<Transcript.Entry>> recordings = new LinkedHashMap<>();
    for (StageDefinition stage : plan.replayed()) {
      if (!(standard.get(stage.name()) instanceof AgentStage)) {
        continue;
      }
      String name = Transcript.documentName(stage.name());
      DocumentRef ref = original.documents().get(name);
      if (ref == null) {
        throw new InvalidRequestException("id", "stage " + stage.name() + " of session " + id + " kept no " + name
            + ": without the model's recorded answers it cannot be replayed");
      }
      byte[] bytes = documents.get(ref.key()).orElseThrow(() -> new ReplayRefusedException(
          name + " of session " + id + " is missing from the document store (" + documents.locationOf(ref.key())
              + "): the recording cannot be trusted; nothing was replayed"));
      requireRecorded(ref, Sha256.hex(bytes), id);
      try {
        recordings.put(stage.name(), Transcript.parse(new String(bytes, StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        throw new ReplayRefusedException(name + " of session " + id + " is not a transcript: " + e.getMessage());
      }
    }
    DocumentRef snapshot = original.documents().get(SnapshotArchive.DOCUMENT_NAME);
    if (snapshot != null && plan.replayed().stream().anyMatch(s -> standard.get(s.name()) instanceof CheckoutStage)) {
      requireRecorded(snapshot, streamedSha256(snapshot, id), id);
    }
    return recordings;
  }

  private void requireRecorded(DocumentRef ref, String stored, String sessionId) {
    if (!ref.sha256().equals(stored)) {
      throw new ReplayRefusedException(ref.name() + " of session " + sessionId + " has sha256 " + stored + ", not the "
          + ref.sha256() + " recorded on the session: it was changed after it was written; nothing was replayed");
    }
  }

  /** The SHA-256 of a stored document, read as a stream (a snapshot may be large). */
  private String streamedSha256(DocumentRef ref, String sessionId) {
    try (InputStream stored = documents.open(ref.key()).orElseThrow(() -> new ReplayRefusedException(ref.name()
            + " of session " + sessionId + " is missing from the document store (" + documents.locationOf(ref.key())
            + "): the snapshot cannot be trusted; nothing was replayed"));
         DigestInputStream hashed = new DigestInputStream(stored, Sha256.digest())) {
      hashed.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(hashed.getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ref.key(), e);
    }
  }

  private ReplayReport compare(Session original, Session replay, Plan plan, Map<String, List<Transcript.Entry>> recordings,
      Map<String, Stage> standard) {
    List<AuditEntry> recordedLog = sessions.auditLog(original.sessionId());
    List<AuditEntry> replayLog = sessions.auditLog(replay.sessionId());
    ReplayComparison comparison = new ReplayComparison(original.sessionId());
    List<String> copied = new ArrayList<>();
    List<String> replayed = new ArrayList<>();
    List<Excluded> notCompared = new ArrayList<>();
    for (StageDefinition stage : plan.replayed()) {
      if (standard.get(stage.name()) instanceof CheckoutStage) {
        copied.add(stage.name());
        continue;
      }
      replayed.add(stage.name());
      List<Transcript.Entry> recorded = recordings.get(stage.name());
      List<Transcript.Entry> replayedEntries = recorded == null ? null
          : Optional.ofNullable(replay.documents().get(Transcript.documentName(stage.name())))
              .flatMap(ref -> documents.get(ref.key()))
              .map(bytes -> Transcript.parse(new String(bytes, StandardCharsets.UTF_8)))
              .orElse(List.of());
      Map<String, String> recordedDocuments = written(recordedLog, stage.name());
      recordedDocuments.keySet().stream().filter(NOT_COMPARED::containsKey)
          .forEach(name -> notCompared.add(new Excluded(name, NOT_COMPARED.get(name))));
      comparison.stage(stage.name(), recorded, replayedEntries, replay.stage(stage.name()), compared(recordedDocuments),
          compared(written(replayLog, stage.name())), name -> storedSha256(original, name));
    }
    return new ReplayReport(original.sessionId(), replay.sessionId(), replay.pipeline(), replay.status(), copied, replayed,
        plan.notReplayed(), notCompared, comparison.toolResults(), comparison.documents(), comparison.divergences());
  }

  /** Name → SHA-256 of the documents a stage's ending audit entry records ({@code document.<name>}). */
  private static Map<String, String> written(List<AuditEntry> log, String stage) {
    Map<String, String> written = new LinkedHashMap<>();
    log.stream()
        .filter(e -> (e.action().equals("StageSucceeded") || e.action().equals("StageFailed"))
            && stage.equals(e.details().get("stage")))
        .reduce((first, last) -> last)
        .ifPresent(e -> e.details().forEach((key, sha) -> {
          if (key.startsWith("document.")) {
            written.put(key.substring("document.".length()), sha);
          }
        }));
    return written;
  }

  /** The documents compared by SHA-256: not transcripts (compared entry by entry) nor {@link #NOT_COMPARED}. */
  private static Map<String, String> compared(Map<String, String> written) {
    Map<String, String> compared = new LinkedHashMap<>(written);
    compared.keySet().removeIf(name -> NOT_COMPARED.containsKey(name) || (name.startsWith("transcript-") && name.endsWith(".jsonl")));
    return compared;
  }

  private String storedSha256(Session original, String name) {
    DocumentRef ref = original.documents().get(name);
    String key = ref != null ? ref.key() : DocumentKeys.sessionDocument(original.sessionId(), name);
    return documents.get(key).map(Sha256::hex).orElse(null);
  }

  /** Stores the report as {@value #DOCUMENT} on the replay session with a {@value #COMPARED} audit entry. */
  private void record(Session replay, ReplayReport report) {
    DocumentRef ref = documents.put(DocumentKeys.sessionDocument(replay.sessionId(), DOCUMENT),
        Json.pretty(report).getBytes(StandardCharsets.UTF_8), DocumentKeys.contentTypeOf(DOCUMENT));
    Map<String, String> details = new LinkedHashMap<>();
    details.put("replayOf", report.replayOf());
    details.put("verdict", report.identical() ? "identical" : "diverged");
    details.put("divergences", Integer.toString(report.divergences().size()));
    details.put("toolResultsCompared", Integer.toString(report.toolResultsCompared()));
    details.put("documentsCompared", Integer.toString(report.documentsCompared()));
    if (!report.identical()) {
      details.put("firstDivergence", report.divergences().get(0).describe());
    }
    details.put("document." + DOCUMENT, ref.sha256());
    sessions.update(replay, replay.withResults(Map.of(DOCUMENT, ref), TokenUsage.ZERO), new AuditEvent(actorOf(replay), COMPARED, details));
  }

  private static String actorOf(Session replay) {
    return replay.origin() == null ? PipelineExecutor.ACTOR : replay.origin().actor();
  }
}
