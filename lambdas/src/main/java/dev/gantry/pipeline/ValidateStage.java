package dev.gantry.pipeline;

import dev.gantry.deploy.Finding;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.deploy.ValidationFindings;
import dev.gantry.deploy.ValidationReport;
import dev.gantry.document.DocumentRef;
import dev.gantry.json.Json;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Static checks of the plan's template ({@link TemplateValidator}); writes {@code validation.json}
 * and keeps its findings on the session ({@link ValidationFindings}) when they fit the item.
 * A template with a blocking finding fails the session here; a passing one becomes the digest
 * awaiting approval.
 */
public final class ValidateStage implements Stage {
  /** The document the stage writes: the validation report. */
  public static final String DOCUMENT = "validation.json";

  private final TemplateValidator validator = new TemplateValidator();

  @Override
  public StageOutcome run(StageContext context) {
    SessionDocuments documents = context.documents();
    String name =
        documents.firstPresent(SessionDocuments.TEMPLATE_NAMES)
            .orElseThrow(() -> new StageFailedException("the plan stage wrote no template (template.yaml or template.json)"));
    DocumentRef ref = documents.find(name).orElseThrow();
    String text =
        documents.read(name).orElseThrow(() -> new TransientStageException("template " + name + " not readable yet", null));
    ValidationReport report = validator.validate(name, text);
    if (!report.templateSha256().equals(ref.sha256())) {
      throw new StageFailedException(name + " does not match the SHA-256 recorded when it was written");
    }
    DocumentRef written = documents.write(DOCUMENT, Json.pretty(report));
    ValidationFindings kept = ValidationFindings.of(written, report).orElse(null);
    List<Finding> blocking = report.findings().stream().filter(Finding::blocks).toList();
    String counts =
        report.findings().stream()
            .collect(Collectors.groupingBy(f -> f.severity().name(), java.util.TreeMap::new, Collectors.counting()))
            .toString();
    if (!report.passed()) {
      String first =
          blocking.stream().limit(3).map(f -> f.rule() + " at " + f.location()).collect(Collectors.joining(", "));
      return StageOutcome.failure(
          "validation failed: " + blocking.size() + " blocking finding(s): " + first + " (see validation.json)")
          .withValidationFindings(kept);
    }
    long acknowledged = report.findings().stream().filter(f -> f.acknowledgement() != null).count();
    return new StageOutcome(
        true,
        name + " passed: " + report.resourceCount() + " resources, "
            + (report.findings().isEmpty() ? "no findings" : "findings " + counts)
            + (acknowledged == 0 ? "" : ", " + acknowledged + " acknowledged by the template (see validation.json)"),
        dev.gantry.model.TokenUsage.ZERO,
        List.of(),
        // the template is what a person approves, unless an earlier stage put a patch up for approval
        context.session().pendingDigest() == null ? report.templateSha256() : null)
        .withValidationFindings(kept);
  }
}
