package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A dry-run change set: which resources a template would add, modify or remove compared with the
 * template last executed on the same stack, in the shape of CloudFormation's {@code
 * DescribeChangeSet} {@code ResourceChange}s. Replacement is {@code True} only when a resource's
 * type changes, since without CloudFormation the properties that force a replacement are unknown;
 * {@code False} otherwise. Nothing is executed.
 */
public final class ChangeSetPreview {
  private ChangeSetPreview() {}

  /**
   * Compares two parsed templates.
   *
   * @param baseline the last executed template, or null when the stack has none (all Add)
   * @param proposed the template awaiting deployment
   * @return the changes, ordered by logical id; a Modify has one detail per changed top-level property
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
        changes.add(new ResourceChange("Add", id, null, now.path("Type").asText(), null, List.of(), List.of()));
      } else if (now == null) {
        changes.add(new ResourceChange("Remove", id, null, old.path("Type").asText(), null, List.of(), List.of()));
      } else if (!old.equals(now)) {
        boolean typeChanged = !old.path("Type").equals(now.path("Type"));
        List<ResourceChange.Detail> details = changedProperties(old.path("Properties"), now.path("Properties")).stream()
            .map(name -> new ResourceChange.Detail("Properties", name, null, "Static", "DirectModification", null))
            .toList();
        changes.add(new ResourceChange("Modify", id, null, now.path("Type").asText(), typeChanged ? "True" : "False",
            List.of("Properties"), details));
      }
    }
    return changes;
  }

  private static List<String> changedProperties(JsonNode old, JsonNode now) {
    TreeSet<String> names = new TreeSet<>();
    old.fieldNames().forEachRemaining(names::add);
    now.fieldNames().forEachRemaining(names::add);
    return names.stream().filter(name -> !old.path(name).equals(now.path(name))).toList();
  }
}
