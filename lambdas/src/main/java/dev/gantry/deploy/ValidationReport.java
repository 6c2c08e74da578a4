package dev.gantry.deploy;

import java.util.List;

/**
 * What the validate stage found, written as {@code validation.json}.
 *
 * @param template the document name of the template checked
 * @param templateSha256 lowercase hex SHA-256 of the template bytes
 * @param format JSON or YAML, or null when it did not parse
 * @param resourceCount resources declared
 * @param passed true when no finding is blocking (ERROR or HIGH)
 * @param findings every finding, most serious first
 * @param specification the CloudFormation resource specification the schema checks used, e.g.
 *     {@code @aws-cdk/aws-service-spec 0.1.216 (2026-09-29)}
 */
public record ValidationReport(
    String template,
    String templateSha256,
    String format,
    int resourceCount,
    boolean passed,
    List<Finding> findings,
    String specification) {
  public ValidationReport {
    findings = List.copyOf(findings);
  }
}
