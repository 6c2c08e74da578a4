package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.rules.SchemaRules;
import dev.gantry.deploy.rules.SecurityRules;
import dev.gantry.deploy.rules.ServerlessLensRules;
import dev.gantry.deploy.rules.StructureRules;
import dev.gantry.deploy.spec.ResourceSpecification;
import dev.gantry.hash.Sha256;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Static checks of a CloudFormation template, with no AWS call: it parses, has {@code Resources},
 * and passes every {@link TemplateRule} ({@link #RULES}); each finding gets the line of its path.
 * The report passes when no finding blocks (ERROR or HIGH, not acknowledged).
 */
public final class TemplateValidator {
  /** CloudFormation pseudo parameters, valid targets of {@code Ref} and {@code ${}}. */
  public static final Set<String> PSEUDO_PARAMETERS = StructureRules.PSEUDO_PARAMETERS;

  /** The rules, in the order their findings are reported within a severity. */
  public static final List<TemplateRule> RULES =
      List.of(new StructureRules(), new SchemaRules(), new SecurityRules(), new ServerlessLensRules());

  private final TemplateParser parser = new TemplateParser();
  private final List<TemplateRule> rules;

  /** A validator with {@link #RULES}. */
  public TemplateValidator() {
    this(RULES);
  }

  /** A validator with {@code rules} in order (tests give rules of their own). */
  TemplateValidator(List<TemplateRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * Loads the resource specification and every rule's classes by validating a small template, so a
   * Lambda function calls it during initialization and SnapStart's snapshot holds them (Lambda
   * Developer Guide, "Improving startup performance with Lambda SnapStart": priming).
   */
  public static void warmUp() {
    new TemplateValidator().validate("warm-up.yaml", """
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: !Sub "${AWS::StackName}-warm-up"
        """);
  }

  /**
   * Validates a template.
   *
   * @param name the template's document name, for the report
   * @param text the template text
   */
  public ValidationReport validate(String name, String text) {
    String sha256 = Sha256.hex(text);
    TemplateParser.Parsed parsed;
    try {
      parsed = parser.parse(text);
    } catch (TemplateParser.TemplateSyntaxException e) {
      Finding f =
          new Finding(
              Severity.ERROR,
              "TemplateSyntax",
              e.line() > 0 ? "line " + e.line() : "template",
              e.getMessage(),
              "fix the syntax; YAML short forms such as !Ref and !GetAtt are accepted")
              .onLine(e.line() > 0 ? e.line() : null);
      return new ValidationReport(name, sha256, null, 0, false, List.of(f), specification());
    }
    List<Finding> findings = new ArrayList<>();
    JsonNode root = parsed.root();
    JsonNode resources = root == null ? null : root.get("Resources");
    int resourceCount = 0;
    if (root == null || !root.isObject()) {
      findings.add(
          new Finding(
              Severity.ERROR, "TemplateNotObject", "template", "the template is not a mapping",
              "write the template as a JSON object or YAML mapping with a Resources section"));
    } else if (resources == null || !resources.isObject() || resources.isEmpty()) {
      findings.add(
          new Finding(
              Severity.ERROR, "MissingResources", "Resources",
              "the template has no Resources section, or it is empty",
              "declare at least one resource under Resources"));
    } else {
      resourceCount = resources.size();
      TemplateModel model = new TemplateModel(name, root, parsed.format(), parsed.lines());
      for (TemplateRule rule : rules) {
        try {
          rule.check(model, findings);
        } catch (RuntimeException e) { // a rule must report, never throw: a bug blocks the template instead of hiding it
          findings.add(new Finding(Severity.ERROR, "RuleFailed", "template",
              rule.getClass().getSimpleName() + " could not check this template (" + e.getClass().getSimpleName()
                  + "): a bug in Gantry, so the template cannot pass",
              "report the template to Gantry's maintainers; meanwhile simplify the part the rule reads"));
        }
      }
      findings = Acknowledgements.apply(model, findings); // the template's own, after every rule
    }
    List<Finding> placed = new ArrayList<>();
    for (Finding finding : findings) {
      placed.add(finding.line() != null || finding.path().isEmpty() ? finding
          : finding.onLine(parsed.lines().line(finding.path()).stream().boxed().findFirst().orElse(null)));
    }
    placed.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::location));
    boolean passed = placed.stream().noneMatch(Finding::blocks);
    return new ValidationReport(
        name, sha256, parsed.format().name(), resourceCount, passed, placed, specification());
  }

  private static String specification() {
    return ResourceSpecification.get().source().describe();
  }
}
