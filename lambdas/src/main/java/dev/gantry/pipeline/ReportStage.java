package dev.gantry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.ChangeSetReport;
import dev.gantry.document.DocumentRef;
import dev.gantry.json.Json;
import dev.gantry.repo.RepositoryCheckout;
import dev.gantry.repo.SnapshotArchive;
import dev.gantry.session.Session;
import dev.gantry.session.StageRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes {@code report.md}: what happened in each stage, the documents with their SHA-256, the
 * validation findings, the change set summary, the approval, token usage and durations. Written by
 * Gantry from the session record, not by a model.
 */
public final class ReportStage implements Stage {
  /** The document the stage writes. */
  public static final String DOCUMENT = "report.md";

  private final Clock clock;
  private final String modelLabel;
  private final ReviewStatuses reviewStatuses;

  /**
   * @param clock for the report's total duration
   * @param modelLabel the model the agents used, e.g. "offline model (no LLM)"
   */
  public ReportStage(Clock clock, String modelLabel) {
    this(clock, modelLabel, null);
  }

  /** As above, posting a review's result as a commit status on the pushed commit ({@link ReviewStatuses}). */
  ReportStage(Clock clock, String modelLabel, ReviewStatuses reviewStatuses) {
    this.clock = clock;
    this.modelLabel = modelLabel;
    this.reviewStatuses = reviewStatuses;
  }

  @Override
  public StageOutcome run(StageContext context) {
    Session s = context.session();
    SessionDocuments documents = context.documents();
    StringBuilder md = new StringBuilder();
    md.append("# Gantry session report\n\n");
    md.append("_Written by Gantry from the session record. Agents ran on: ").append(modelLabel).append("._\n\n");
    md.append("| | |\n|---|---|\n");
    row(md, "Session", s.sessionId());
    row(md, "Goal", s.goal());
    row(md, "Pipeline", s.pipeline() == null ? Pipelines.standard().defaultPipeline().name() : s.pipeline());
    row(md, "Repository", s.repository());
    if (s.checkout() != null) {
      RepositoryCheckout pinned = s.checkout();
      row(md, "Commit", (pinned.commit() == null ? "working tree (not a Git commit)" : pinned.commit())
          + (pinned.ref() == null ? "" : " (" + pinned.ref() + ")"));
      documents.find(SnapshotArchive.DOCUMENT_NAME).ifPresent(snapshot -> row(md, "Snapshot",
          SnapshotArchive.DOCUMENT_NAME + ", SHA-256 " + snapshot.sha256() + ", " + pinned.fileCount() + " files, "
              + pinned.byteCount() + " bytes"));
    }
    row(md, "Stack", s.stackName());
    row(md, "Started", s.createdAt().toString());
    row(md, "Elapsed until this report", seconds(Duration.between(s.createdAt(), clock.instant()).toMillis()));
    md.append("\n## Stages\n\n| Stage | Outcome | Attempts | Duration | Model | Input tokens | Cache read | Output tokens | Cost (USD) | Summary |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (StageRecord stage : s.stages()) {
      boolean thisStage = stage.name().equals(context.definition().name());
      md.append("| ").append(stage.name()).append(" | ").append(thisStage ? "writing this report" : stage.status())
          .append(" | ").append(stage.attempts())
          .append(" | ").append(stage.endedAt() == null ? "-" : seconds(stage.durationMillis()))
          .append(" | ").append(cell(models(documents, stage.name(), modelLabel)))
          .append(" | ").append(stage.usage().inputTokens() + stage.usage().cacheWriteTokens())
          .append(" | ").append(stage.usage().cacheReadTokens()).append(" | ").append(stage.usage().outputTokens())
          .append(" | ").append(String.format(java.util.Locale.ROOT, "%.4f", stage.usage().costUsd()))
          .append(" | ").append(cell(stage.summary())).append(" |\n");
      if (stage.droppedTools() != null && !stage.droppedTools().isEmpty()) {
        md.append("| | tools not offered | | | | | | | | ").append(cell(String.join("; ", stage.droppedTools()))).append(" |\n");
      }
    }
    md.append("\n## Documents\n\n| Name | Bytes | SHA-256 | Location |\n|---|---|---|---|\n");
    Map<String, DocumentRef> all = new TreeMap<>(s.documents());
    all.putAll(documents.written());
    for (DocumentRef ref : all.values()) {
      md.append("| ").append(ref.name()).append(" | ").append(ref.sizeBytes()).append(" | `").append(ref.sha256())
          .append("` | ").append(documents.store().locationOf(ref.key())).append(" |\n");
    }
    Optional<Map<ReviewFindings.Priority, Integer>> reviewCounts =
        documents.read(ReviewFindings.DOCUMENT).map(ReviewFindings::counts);
    reviewCounts.ifPresent(counts -> {
      md.append("\n## Review findings\n\n");
      md.append(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
          .collect(java.util.stream.Collectors.joining(", "))).append(" (see review.md and ")
          .append(ReviewFindings.DOCUMENT).append(").\n");
    });
    md.append("\n## Validation findings\n\n");
    JsonNode validation = documents.read("validation.json").map(Json::tree).orElse(null);
    if (validation == null) {
      md.append("No validation report.\n");
    } else {
      md.append("Template `").append(validation.path("template").asText()).append("`: ")
          .append(validation.path("passed").asBoolean() ? "passed" : "failed").append(", ")
          .append(validation.path("resourceCount").asInt()).append(" resources.\n\n");
      if (validation.path("findings").isEmpty()) {
        md.append("No findings.\n");
      }
      for (JsonNode f : validation.path("findings")) {
        md.append("- **").append(f.path("severity").asText()).append("** ").append(f.path("rule").asText())
            .append(" at ").append(f.path("location").asText()).append(": ").append(f.path("message").asText())
            .append(". Fix: ").append(f.path("fix").asText()).append('\n');
      }
    }
    md.append("\n## Change set\n\n");
    JsonNode changeSet = documents.read(ChangeSetReport.DOCUMENT_NAME).map(Json::tree).orElse(null);
    if (changeSet == null) {
      md.append("No change set.\n");
    } else {
      JsonNode summary = changeSet.path("summary");
      md.append("Stack `").append(changeSet.path("stackName").asText()).append("`, ")
          .append("dry-run".equals(changeSet.path("mode").asText()) ? "dry-run change set `" : "change set `")
          .append(changeSet.path("changeSetId").asText()).append("`: ")
          .append(summary.path("adds").asInt()).append(" to add, ").append(summary.path("modifies").asInt())
          .append(" to modify, ").append(summary.path("replaces").asInt()).append(" to replace, ")
          .append(summary.path("removes").asInt()).append(" to remove; ")
          .append(changeSet.path("risks").size()).append(" risk flags.\n");
      changeSet.path("risks").forEach(r -> md.append("- ").append(r.path("kind").asText()).append(": ")
          .append(r.path("message").asText()).append('\n'));
    }
    JsonNode stack = documents.read(VerifyStage.STACK_DOCUMENT).map(Json::tree).orElse(null);
    if (stack != null) {
      md.append("\nStack after deployment: ").append(stack.path("status").asText()).append(", ")
          .append(stack.path("outputs").size()).append(" outputs, ").append(stack.path("resources").size())
          .append(" resources (see ").append(VerifyStage.DEPLOYMENT_DOCUMENT).append(").\n");
    }
    md.append("\n## Approval\n\n");
    if (s.decision() == null) {
      md.append("No decision recorded.\n");
    } else {
      md.append(s.decision().decision()).append(" by ").append(s.decision().actor()).append(" at ")
          .append(s.decision().decidedAt()).append(" for template digest `").append(s.decision().digest()).append("`")
          .append(s.decision().changeSetDigest() == null ? "" : " and change set digest `" + s.decision().changeSetDigest() + "`")
          .append("\n");
    }
    md.append("\n## Token usage\n\n").append(s.usage().inputTokens()).append(" input + ")
        .append(s.usage().cacheWriteTokens()).append(" cache-write + ").append(s.usage().cacheReadTokens())
        .append(" cache-read + ").append(s.usage().outputTokens()).append(" output = ").append(s.usage().totalTokens())
        .append(" tokens over all stages; ")
        .append(String.format(java.util.Locale.ROOT, "%.0f%% of input read from the prompt cache; cost $%.4f",
            100 * s.usage().cacheReadShare(), s.usage().costUsd()))
        .append(" (prices of ").append(dev.gantry.model.ModelPrices.AS_OF).append(").\n");
    documents.write(DOCUMENT, md.toString());
    String status = reviewStatuses == null ? null
        : reviewCounts.flatMap(counts -> reviewStatuses.post(s, counts)).orElse(null);
    return StageOutcome.success("report.md: " + s.stages().size() + " stages, " + all.size() + " documents"
        + (status == null ? "" : "; " + status));
  }

  /**
   * The models a stage's agent called, from its transcript (the ids the provider answered to, e.g. a
   * Bedrock inference profile); {@code -} for a stage that runs no agent; the offline model's label
   * when no LLM answered, whatever id the agent asked for.
   */
  private static String models(SessionDocuments documents, String stage, String modelLabel) {
    if (documents.find(dev.gantry.agent.Transcript.documentName(stage)).isPresent()
        && dev.gantry.model.offline.OfflineModel.DESCRIPTION.equals(modelLabel)) {
      return "offline (no LLM)";
    }
    return documents.read(dev.gantry.agent.Transcript.documentName(stage))
        .map(text -> dev.gantry.agent.Transcript.parse(text).stream()
            .filter(e -> e instanceof dev.gantry.agent.Transcript.ModelCall)
            .map(e -> ((dev.gantry.agent.Transcript.ModelCall) e).modelId()).distinct()
            .collect(java.util.stream.Collectors.joining(", ")))
        .filter(m -> !m.isEmpty()).orElse("-");
  }

  private static void row(StringBuilder md, String key, String value) {
    md.append("| ").append(key).append(" | ").append(cell(value)).append(" |\n");
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
