package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.rules.SecurityRules;
import dev.gantry.deploy.rules.ServerlessLensRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Findings a template accepts on purpose, with its reason. A template lists them in its top-level
 * {@code Metadata}, or in one resource's {@code Metadata} (then {@code Resource} is that resource):
 *
 * <pre>
 * Metadata:
 *   Gantry:
 *     Acknowledgements:
 *       - Rule: OpenIngress
 *         Resource: PublicLoadBalancerSg   # optional: every resource when absent
 *         Reason: The public ALB takes HTTPS from the internet by design; WAF in front
 * </pre>
 *
 * <p>An acknowledged finding keeps its severity, no longer blocks, and carries the reason into
 * {@code validation.json}. An acknowledgement is itself a finding when it cannot be taken at its
 * word: HIGH {@code AcknowledgementWithoutReason} without a reason of at least {@value
 * #MIN_REASON_WORDS} words and {@value #MIN_REASON_CHARS} characters (the finding stays blocking);
 * MEDIUM {@code AcknowledgementOfError} for an ERROR finding, which means the template is broken and
 * stays blocking; MEDIUM {@code AcknowledgementUnknownRule}, {@code AcknowledgementUnknownResource},
 * {@code AcknowledgementUnused} (the rule found nothing there) and {@code AcknowledgementMalformed}
 * (no {@code Rule}).
 */
public final class Acknowledgements {
  /** A reason needs at least this many words … */
  public static final int MIN_REASON_WORDS = 3;

  /** … and this many characters. */
  public static final int MIN_REASON_CHARS = 15;

  /** The rule ids an acknowledgement may name even when they found nothing in this template. */
  private static final Set<String> KNOWN_RULES = knownRules();

  private Acknowledgements() {}

  private record Entry(String rule, String resource, String reason, String where, List<String> path) {}

  /**
   * {@code findings} with the template's acknowledgements applied, followed by a finding for each
   * acknowledgement that cannot be applied.
   */
  public static List<Finding> apply(TemplateModel template, List<Finding> findings) {
    List<Finding> out = new ArrayList<>(findings);
    List<Finding> problems = new ArrayList<>();
    Set<String> resources = template.names("Resources");
    for (Entry entry : entries(template)) {
      if (entry.rule() == null) {
        problems.add(
            problem(Severity.MEDIUM, "AcknowledgementMalformed", entry,
                "an acknowledgement has no Rule, so it acknowledges nothing",
                "give each acknowledgement a Rule (the finding's rule id) and a Reason"));
        continue;
      }
      if (entry.resource() != null && !resources.contains(entry.resource())) {
        problems.add(
            problem(Severity.MEDIUM, "AcknowledgementUnknownResource", entry,
                "the acknowledgement of " + entry.rule() + " names resource '" + entry.resource() + "', which the template does not declare",
                "name a logical id under Resources, or leave Resource out to acknowledge the rule everywhere"));
        continue;
      }
      if (!reasoned(entry.reason())) {
        problems.add(
            problem(Severity.HIGH, "AcknowledgementWithoutReason", entry,
                "the acknowledgement of " + entry.rule() + scope(entry) + " gives no reason"
                    + (entry.reason() == null || entry.reason().isBlank() ? "" : " a reviewer can check ('" + entry.reason().strip() + "')")
                    + ", so the finding still blocks",
                "write why the finding is acceptable in at least " + MIN_REASON_WORDS + " words, e.g. 'Public ALB takes HTTPS by design; WAF in front'"));
        continue;
      }
      boolean matched = false;
      boolean error = false;
      for (int i = 0; i < out.size(); i++) {
        Finding f = out.get(i);
        if (f.rule().equalsIgnoreCase(entry.rule()) && (entry.resource() == null || entry.resource().equals(resourceOf(f)))) {
          matched = true;
          if (f.severity() == Severity.ERROR) {
            error = true;
          } else if (f.acknowledgement() == null) {
            out.set(i, f.acknowledged(entry.reason().strip()));
          }
        }
      }
      if (error) {
        problems.add(
            problem(Severity.MEDIUM, "AcknowledgementOfError", entry,
                "the acknowledgement of " + entry.rule() + scope(entry) + " names an ERROR: the template is not valid CloudFormation and cannot be accepted as it is",
                "fix the template; remove the acknowledgement"));
      } else if (!matched) {
        boolean known = KNOWN_RULES.stream().anyMatch(r -> r.equalsIgnoreCase(entry.rule()))
            || findings.stream().anyMatch(f -> f.rule().equalsIgnoreCase(entry.rule()));
        problems.add(
            known
                ? problem(Severity.MEDIUM, "AcknowledgementUnused", entry,
                    "the acknowledgement of " + entry.rule() + scope(entry) + " matches no finding",
                    "remove the acknowledgement, or name the resource the finding is on")
                : problem(Severity.MEDIUM, "AcknowledgementUnknownRule", entry,
                    "the acknowledgement names rule '" + entry.rule() + "', which is not a Gantry rule and found nothing",
                    "use a rule id from validation.json, one of " + String.join(", ", new TreeSet<>(KNOWN_RULES))));
      }
    }
    out.addAll(problems);
    return out;
  }

  private static String scope(Entry entry) {
    return entry.resource() == null ? "" : " on " + entry.resource();
  }

  /** The resource a finding is on: the logical id in its path, else its location. */
  private static String resourceOf(Finding f) {
    List<String> path = f.path();
    return path.size() >= 2 && path.get(0).equals("Resources") ? path.get(1) : f.location();
  }

  private static boolean reasoned(String reason) {
    if (reason == null) {
      return false;
    }
    String text = reason.strip();
    return text.length() >= MIN_REASON_CHARS && text.split("\\s+").length >= MIN_REASON_WORDS;
  }

  private static Finding problem(Severity severity, String rule, Entry entry, String message, String fix) {
    return new Finding(severity, rule, entry.where(), message, fix).at(entry.path());
  }

  private static List<Entry> entries(TemplateModel template) {
    List<Entry> entries = new ArrayList<>();
    read(template.root().path("Metadata"), List.of("Metadata"), null, entries);
    for (Iterator<Map.Entry<String, JsonNode>> it = template.resources().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      read(resource.getValue().path("Metadata"), List.of("Resources", resource.getKey(), "Metadata"), resource.getKey(), entries);
    }
    return entries;
  }

  private static void read(JsonNode metadata, List<String> at, String owner, List<Entry> entries) {
    JsonNode list = metadata.path("Gantry").path("Acknowledgements");
    List<String> base = new ArrayList<>(at);
    base.addAll(List.of("Gantry", "Acknowledgements"));
    if (list.isObject()) {
      add(list, base, owner, entries);
    }
    for (int i = 0; i < (list.isArray() ? list.size() : 0); i++) {
      List<String> path = new ArrayList<>(base);
      path.add(String.valueOf(i));
      add(list.get(i), path, owner, entries);
    }
  }

  private static void add(JsonNode item, List<String> path, String owner, List<Entry> entries) {
    String rule = text(item.get("Rule"));
    String reason = text(item.get("Reason"));
    String where = owner != null ? owner : "Metadata.Gantry.Acknowledgements";
    if (owner != null) {
      entries.add(new Entry(rule, owner, reason, where, path));
      return;
    }
    JsonNode resource = item.get("Resource");
    if (resource != null && resource.isArray()) {
      for (JsonNode r : resource) {
        entries.add(new Entry(rule, text(r), reason, where, path));
      }
    } else {
      entries.add(new Entry(rule, text(resource), reason, where, path));
    }
  }

  private static String text(JsonNode node) {
    return node != null && node.isValueNode() && !node.asText().isBlank() ? node.asText().strip() : null;
  }

  private static Set<String> knownRules() {
    Set<String> ids = new HashSet<>(SecurityRules.RULE_IDS);
    ids.addAll(ServerlessLensRules.RULE_IDS);
    return Set.copyOf(ids);
  }
}
