package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A parsed template as the rules see it.
 *
 * @param name the template's document name, e.g. {@code template.yaml}
 * @param root the template as a JSON tree (YAML short forms become their long form)
 * @param format JSON or YAML
 * @param lines where the template's nodes are
 */
public record TemplateModel(String name, JsonNode root, TemplateParser.Format format, LineIndex lines) {

  /** The {@code Resources} section, or a missing node. */
  public JsonNode resources() {
    return root.path("Resources");
  }

  /** The names declared in a top-level section ({@code Resources}, {@code Parameters}, {@code Conditions} …). */
  public Set<String> names(String section) {
    Set<String> names = new LinkedHashSet<>();
    JsonNode node = root.path(section);
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(names::add);
    }
    return names;
  }

  /** The transforms the template names ({@code Transform} as a string or a list). */
  public Set<String> transforms() {
    Set<String> transforms = new LinkedHashSet<>();
    JsonNode transform = root.path("Transform");
    if (transform.isTextual()) {
      transforms.add(transform.asText());
    } else {
      transform.forEach(t -> transforms.add(t.isTextual() ? t.asText() : t.path("Name").asText()));
    }
    return transforms;
  }
}
