package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A dry-run change set: which resources a template would add, modify or remove compared with the
 * last approved template of the same stack. Actions and fields follow CloudFormation's {@code
 * DescribeChangeSet} {@code ResourceChange} ({@code Action}: Add | Modify | Remove; {@code
 * Replacement}: True when the resource type changes). Nothing is executed.
 */
public final class ChangeSetPreview {
  private ChangeSetPreview() {}

  /**
   * One resource change.
   *
   * @param action Add, Modify or Remove
   * @param logicalResourceId the resource's logical id
   * @param resourceType its type in the new template (the old one for Remove)
   * @param replacement "True" when the type changed, "False" for other modifications, null for Add
   *     and Remove
   * @param changedProperties top-level property names whose values differ (Modify only)
   */
  public record ResourceChange(
      String action,
      String logicalResourceId,
      String resourceType,
      String replacement,
      List<String> changedProperties) {}

  /**
   * Compares two parsed templates.
   *
   * @param baseline the last approved template, or null when the stack has none (all Add)
   * @param proposed the template awaiting deployment
   * @return the changes, ordered by logical id
   */
  public static List<ResourceChange> compare(JsonNode baseline, JsonNode proposed) {
    JsonNode before = baseline == null ? null : baseline.get("Resources");
    JsonNode after = proposed.get("Resources");
    TreeSet<String> ids = new TreeSet<>();
    if (before != null) {
      before.fieldNames().forEachRemaining(ids::add);
    }
    if (after != null) {
      after.fieldNames().forEachRemaining(ids::add);
    }
    List<ResourceChange> changes = new ArrayList<>();
    for (String id : ids) {
      JsonNode old = before == null ? null : before.get(id);
      JsonNode now = after == null ? null : after.get(id);
      if (old == null) {
        changes.add(new ResourceChange("Add", id, now.path("Type").asText(), null, List.of()));
      } else if (now == null) {
        changes.add(new ResourceChange("Remove", id, old.path("Type").asText(), null, List.of()));
      } else if (!old.equals(now)) {
        boolean typeChanged = !old.path("Type").equals(now.path("Type"));
        changes.add(
            new ResourceChange(
                "Modify",
                id,
                now.path("Type").asText(),
                typeChanged ? "True" : "False",
                changedProperties(old.path("Properties"), now.path("Properties"))));
      }
    }
    return changes;
  }

  private static List<String> changedProperties(JsonNode old, JsonNode now) {
    TreeSet<String> names = new TreeSet<>();
    old.fieldNames().forEachRemaining(names::add);
    now.fieldNames().forEachRemaining(names::add);
    List<String> changed = new ArrayList<>();
    for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
      String name = it.next();
      if (!old.path(name).equals(now.path(name))) {
        changed.add(name);
      }
    }
    return changed;
  }

  /** Counts of each action, for summaries: {Add=n, Modify=n, Remove=n}. */
  public static Map<String, Long> summary(List<ResourceChange> changes) {
    Map<String, Long> counts = new java.util.TreeMap<>(Map.of("Add", 0L, "Modify", 0L, "Remove", 0L));
    changes.forEach(c -> counts.merge(c.action(), 1L, Long::sum));
    return counts;
  }
}
