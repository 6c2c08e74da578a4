package dev.gantry.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.repo.RepositoryAccessException;
import dev.gantry.repo.RepositorySnapshot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The review stage's {@code findings.json}: what the reviewer found, each finding located in the
 * session's repository snapshot so a person (or a commit status) can go straight to it.
 *
 * <pre>{@code
 * {"findings": [
 *   {"priority": "high",                       // critical | high | medium | low
 *    "location": {"file": "src/app.py", "startLine": 12, "endLine": 18},   // 1-based, inclusive
 *    "problem": "what is wrong",
 *    "why": "why it matters",
 *    "alternative": "a concrete change to make instead"}
 * ]}
 * }</pre>
 *
 * An empty {@code findings} list is a valid review. Every finding's file must exist in the snapshot
 * and its lines must be within the file.
 */
public final class ReviewFindings {
  /** The document's name. */
  public static final String DOCUMENT = "findings.json";

  /** Finding priorities, most serious first. */
  public enum Priority {
    CRITICAL, HIGH, MEDIUM, LOW;

    /** The lowercase name used in {@code findings.json}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The review stage's task, declared with the stage in {@link Pipelines}. */
  static final String INSTRUCTIONS = """
      Review the repository for the goal above. Explore it with the tools (list, read, search) and
      report what would hurt the team in production: security, data loss, reliability, cost, and
      code that will be hard to change. Write two documents with write_document:
      - review.md: the findings grouped by priority (critical, high, medium, low), each with where
        it is, why it matters and a concrete alternative; "none" under a priority without findings.
      - findings.json: the same findings as JSON, exactly this shape:
        {"findings": [{"priority": "high", "location": {"file": "path/from/the/repository/root",
        "startLine": 12, "endLine": 18}, "problem": "what is wrong", "why": "why it matters",
        "alternative": "the concrete change to make"}]}
        priority is one of critical, high, medium, low; lines are 1-based and inclusive and must be
        lines of a file you read. An empty list is a valid review: do not pad it.
      Review only: change nothing and deploy nothing.""";

  private ReviewFindings() {}

  /**
   * What is wrong with {@code content} as a {@code findings.json} for {@code snapshot}, one line
   * each naming the finding (1-based) and field; empty when it is usable.
   */
  public static List<String> problems(String content, RepositorySnapshot snapshot) {
    List<String> problems = new ArrayList<>();
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(content);
    } catch (JsonProcessingException e) {
      return List.of("not JSON: " + e.getOriginalMessage());
    }
    JsonNode findings = root == null ? null : root.get("findings");
    if (findings == null || !findings.isArray()) {
      return List.of("no 'findings' list at the top level");
    }
    for (int i = 0; i < findings.size(); i++) {
      String at = "finding " + (i + 1);
      JsonNode finding = findings.get(i);
      if (!finding.isObject()) {
        problems.add(at + " is not an object");
        continue;
      }
      if (priority(finding) == null) {
        problems.add(at + ": priority '" + finding.path("priority").asText() + "' is not one of critical, high, medium, low");
      }
      for (String field : List.of("problem", "why", "alternative")) {
        if (finding.path(field).asText("").isBlank()) {
          problems.add(at + ": '" + field + "' is missing or empty");
        }
      }
      locationProblem(finding.path("location"), snapshot).ifPresent(p -> problems.add(at + ": " + p));
    }
    return problems;
  }

  /** How many findings {@code content} (a usable {@code findings.json}) has of each priority, all priorities present. */
  public static Map<Priority, Integer> counts(String content) {
    Map<Priority, Integer> counts = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      counts.put(p, 0);
    }
    try {
      for (JsonNode finding : Json.MAPPER.readTree(content).path("findings")) {
        Priority p = priority(finding);
        if (p != null) {
          counts.merge(p, 1, Integer::sum);
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(DOCUMENT + " is not JSON", e);
    }
    return counts;
  }

  private static Priority priority(JsonNode finding) {
    String text = finding.path("priority").asText("");
    for (Priority p : Priority.values()) {
      if (p.label().equals(text)) {
        return p;
      }
    }
    return null;
  }

  private static java.util.Optional<String> locationProblem(JsonNode location, RepositorySnapshot snapshot) {
    String file = location.path("file").asText("");
    if (file.isBlank()) {
      return java.util.Optional.of("location.file is missing");
    }
    JsonNode start = location.path("startLine");
    JsonNode end = location.path("endLine");
    if (!start.canConvertToInt() || !end.canConvertToInt() || !start.isIntegralNumber() || !end.isIntegralNumber()) {
      return java.util.Optional.of("location.startLine and location.endLine must be whole numbers");
    }
    int lines;
    try {
      lines = snapshot.lineCount(file);
    } catch (RepositoryAccessException e) {
      return java.util.Optional.of(file + ": " + e.getMessage());
    }
    if (start.asInt() < 1 || end.asInt() < start.asInt() || end.asInt() > lines) {
      return java.util.Optional.of(file + " has " + lines + " lines; lines " + start.asInt() + "-" + end.asInt()
          + " are not a range within it");
    }
    return java.util.Optional.empty();
  }
}
