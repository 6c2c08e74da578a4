package dev.gantry.model.offline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The offline model's review: fixed rules over the files it read, so every finding is at a real
 * file and line and the same repository always gets the same review. Each rule is a line pattern
 * with a priority, what is wrong, why, and the alternative.
 */
final class OfflineReview {
  /**
   * A line rule: {@code line} must match, {@code unless} (if any) must not, and the file's path must
   * match {@code files} (if any).
   */
  private record Rule(String priority, Pattern line, String problem, String why, String alternative, Pattern unless,
      Pattern files) {
    Rule(String priority, Pattern line, String problem, String why, String alternative) {
      this(priority, line, problem, why, alternative, null, null);
    }

    boolean matches(String path, String text) {
      return line.matcher(text).find() && (unless == null || !unless.matcher(text).find())
          && (files == null || files.matcher(path).find());
    }
  }

  /** Infrastructure and configuration files, where a CIDR or an IAM action takes effect (not code that checks for one). */
  private static final Pattern CONFIGURATION = Pattern.compile("(?i)\\.(ya?ml|json|tf|hcl|template)$");

  private static final List<Rule> RULES = List.of(
      new Rule("critical",
          Pattern.compile("(?i)(password|passwd|secret|api[_-]?key|access[_-]?key|token)[\"']?\\s*[:=]\\s*[\"'][^\"'\\s${}]{8,}[\"']"),
          "a credential is written in the code",
          "anyone who can read the repository (or its history) can use it, and rotating it means a code change",
          "read it at run time from AWS Secrets Manager or SSM Parameter Store and remove it from the history",
          // an environment variable's name or a placeholder is not a credential
          Pattern.compile("(?i)[:=]\\s*[\"'][A-Z][A-Z0-9_]+[\"']|example|changeme|placeholder|dummy|redacted"), null),
      new Rule("high",
          Pattern.compile("(?i)[\"']?action[\"']?\\s*:\\s*\\[?\\s*[\"']\\*[\"']"),
          "an IAM statement allows every action",
          "a bug or a compromised dependency can then do anything the role's resources allow, including IAM changes",
          "list the actions the code calls, e.g. dynamodb:GetItem and dynamodb:PutItem on the table's ARN", null, CONFIGURATION),
      new Rule("high",
          Pattern.compile("0\\.0\\.0\\.0/0|::/0"),
          "an address range open to the whole internet",
          "whatever listens behind it is reachable by every scanner on the internet",
          "allow only the ranges that need access, or put the service behind a load balancer or API Gateway", null, CONFIGURATION),
      new Rule("medium",
          Pattern.compile("catch\\s*\\([^)]*\\)\\s*\\{\\s*}"),
          "an exception is caught and ignored",
          "failures disappear without a log line or a metric, so they surface later as wrong data",
          "log it with context and rethrow, or handle the specific case the code expects"),
      new Rule("medium",
          Pattern.compile("[\"']http://(?!localhost|127\\.0\\.0\\.1)[^\"']+[\"']"),
          "a URL without TLS",
          "data to and from it travels in clear text and can be changed in transit",
          "use the https:// endpoint",
          Pattern.compile("(?i)xmlns|schemaLocation|www\\.w3\\.org|<!DOCTYPE|\\.dtd"), null), // names, not network calls
      new Rule("low",
          Pattern.compile("catch\\s*\\(\\s*(final\\s+)?(Exception|Throwable|RuntimeException)\\s+\\w+\\s*\\)"),
          "a catch of every exception type",
          "failures of every kind take the same path, so a bug can be handled like an expected outage",
          "catch the exception types the call is documented to throw, and let the others reach the caller"),
      new Rule("low",
          Pattern.compile("\\b(TODO|FIXME|XXX)\\b"),
          "unfinished work is marked in the code",
          "the marker says the code does not yet do what it should, and nothing tracks it",
          "finish it or turn it into a tracked issue and link the issue here",
          Pattern.compile("Pattern\\.compile|\\(TODO\\|"), null)); // a pattern that looks for markers is not one

  /** At most this many findings per rule, so one noisy pattern does not bury the rest. */
  private static final int PER_RULE = 3;

  private OfflineReview() {}

  /** A finding at {@code file}:{@code line}. */
  record Finding(Rule rule, String file, int line, String text) {}

  /** The search_text pattern of each rule, in rule order: the review searches the whole repository with them. */
  static List<String> searchPatterns() {
    return RULES.stream().map(r -> r.line().pattern()).toList();
  }

  /**
   * The findings in {@code reads} (path to content, in reading order) and in {@code searches} (each
   * rule's search_text result, {@code path:line: text} lines, by rule index), test code left out
   * (its fixtures hold such lines on purpose), most serious first, at most {@link #PER_RULE} per rule.
   */
  static List<Finding> findings(Map<String, String> reads, Map<Integer, String> searches) {
    List<Finding> found = new ArrayList<>();
    for (int r = 0; r < RULES.size(); r++) {
      Rule rule = RULES.get(r);
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Map.Entry<String, String> read : reads.entrySet()) {
        String[] lines = read.getValue().split("\n", -1);
        for (int i = 0; i < lines.length && seen.size() < PER_RULE; i++) {
          if (rule.matches(read.getKey(), lines[i]) && seen.add(read.getKey() + ":" + (i + 1))) {
            found.add(new Finding(rule, read.getKey(), i + 1, lines[i].strip()));
          }
        }
      }
      for (String hit : searches.getOrDefault(r, "").split("\n")) {
        String[] parts = hit.split(":", 3);
        if (seen.size() >= PER_RULE || parts.length < 3 || !parts[1].matches("\\d+") || RepositoryFacts.isTestCode(parts[0])) {
          continue;
        }
        String text = parts[2].startsWith(" ") ? parts[2].substring(1) : parts[2];
        if (rule.matches(parts[0], text) && seen.add(parts[0] + ":" + parts[1])) {
          found.add(new Finding(rule, parts[0], Integer.parseInt(parts[1]), text.strip()));
        }
      }
    }
    return found;
  }

  /** {@code findings.json}: the findings in the shape the review stage checks. */
  static String json(List<Finding> findings) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode list = root.putArray("findings");
    for (Finding f : findings) {
      ObjectNode node = list.addObject();
      node.put("priority", f.rule().priority());
      node.putObject("location").put("file", f.file()).put("startLine", f.line()).put("endLine", f.line());
      node.put("problem", f.rule().problem());
      node.put("why", f.rule().why());
      node.put("alternative", f.rule().alternative());
    }
    return Json.write(root);
  }

  /** {@code review.md}: the findings grouped by priority, "none" under a priority without any. */
  static String markdown(String goal, List<Finding> findings, int filesRead) {
    StringBuilder md = new StringBuilder("# Review: ").append(goal).append("\n\n> ").append(OfflineDocuments.LABEL)
        .append("\n\nRead ").append(filesRead).append(" files; ").append(findings.size()).append(" findings.\n");
    for (String priority : List.of("critical", "high", "medium", "low")) {
      md.append("\n## ").append(Character.toUpperCase(priority.charAt(0))).append(priority.substring(1)).append("\n\n");
      List<Finding> of = findings.stream().filter(f -> f.rule().priority().equals(priority)).toList();
      if (of.isEmpty()) {
        md.append("none\n");
      }
      for (Finding f : of) {
        md.append("- `").append(f.file()).append(':').append(f.line()).append("`: ").append(f.rule().problem())
            .append(". Why: ").append(f.rule().why()).append(". Instead: ").append(f.rule().alternative()).append(".\n");
      }
    }
    return md.toString();
  }
}
