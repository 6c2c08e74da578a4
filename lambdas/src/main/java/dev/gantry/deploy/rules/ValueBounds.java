package dev.gantry.deploy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HIGH {@code ValueNotEvaluated}: a resource property whose possible values go past what {@link
 * TemplateValues} evaluates ({@link TemplateValues#BOUNDS}), so the security rules saw only some of
 * them. No real template comes near the bounds; a template built to pass them (a wildcard after
 * thousands of listed actions, a policy text with a thousand {@code Fn::If} combinations) would
 * otherwise hide what it grants. It blocks until simplified or acknowledged.
 *
 * <p>Every list and every intrinsic function under a resource's {@code Properties} is evaluated the
 * way the security rules evaluate it; mappings inside lists and {@code Fn::If} branches are walked
 * in turn.
 */
final class ValueBounds implements TemplateRule {
  static final String RULE_ID = "ValueNotEvaluated";
  static final Set<String> RULE_IDS = Set.of(RULE_ID);

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    TemplateValues values = new TemplateValues(template.root());
    for (Iterator<Map.Entry<String, JsonNode>> it = template.resources().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      walk(resource.getValue().path("Properties"), List.of("Resources", resource.getKey(), "Properties"),
          resource.getKey(), values, findings, false);
    }
  }

  /**
   * @param evaluated whether an enclosing list or function was evaluated already: its candidates took
   *     in this node's lists and functions (never its mappings), within the same bounds
   */
  private static void walk(JsonNode node, List<String> path, String resource, TemplateValues values, List<Finding> findings,
      boolean evaluated) {
    if (node == null || node.isValueNode() || node.isMissingNode()) {
      return;
    }
    boolean intrinsic = TemplateValues.isIntrinsic(node);
    if ((node.isArray() || intrinsic) && !evaluated) {
      values.takeBoundHit();
      values.located(node, path);
      if (values.takeBoundHit()) {
        findings.add(
            new Finding(
                Severity.HIGH, RULE_ID, resource,
                "this value of " + resource + " may take " + TemplateValues.BOUNDS
                    + ", past what Gantry evaluates: the security rules checked only some of its values",
                "list the values literally or with fewer Fn::If/Fn::Select choices, or acknowledge " + RULE_ID
                    + " with the reason this value is safe")
                .at(path));
        return; // one finding for the outermost value past the bounds
      }
    }
    if (intrinsic) {
      String function = node.fieldNames().next();
      JsonNode args = node.get(function);
      if (function.equals("Fn::If") && args.isArray() && args.size() == 3) {
        walk(args.get(1), TemplateValues.append(path, function, "1"), resource, values, findings, true);
        walk(args.get(2), TemplateValues.append(path, function, "2"), resource, values, findings, true);
      } else if (function.equals("Fn::ToJsonString")) {
        walk(args, TemplateValues.append(path, function), resource, values, findings, true);
      }
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), TemplateValues.append(path, String.valueOf(i)), resource, values, findings, true);
      }
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      walk(field.getValue(), TemplateValues.append(path, field.getKey()), resource, values, findings, false);
    }
  }
}
