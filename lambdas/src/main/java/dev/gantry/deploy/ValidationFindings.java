package dev.gantry.deploy;

import dev.gantry.document.DocumentRef;
import dev.gantry.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The findings of one {@code validation.json}, kept on the session item so that a GET of the
 * session shows them without reading the document from S3.
 *
 * <p>A DynamoDB item holds at most 400 KB (Amazon DynamoDB Developer Guide, "Service, account, and
 * table quotas in Amazon DynamoDB", item size), and the session item holds everything else too, so
 * findings are kept only while their JSON is at most {@value #MAX_JSON_BYTES} bytes; a larger report
 * is read from {@code validation.json} instead, as are the reports of sessions stored before
 * findings were kept.
 *
 * @param reportSha256 lowercase hex SHA-256 of the {@code validation.json} the findings are from;
 *     they stand for the session's report only while its document has this digest
 * @param findings every finding of the report, most serious first
 */
public record ValidationFindings(String reportSha256, List<Finding> findings) {
  /** The largest findings JSON (UTF-8 bytes) kept on the session item: 16 KiB, so every later update of the item (and its index copies) stays cheap. */
  public static final int MAX_JSON_BYTES = 16 * 1024;

  public ValidationFindings {
    findings = List.copyOf(findings);
  }

  /**
   * The findings of {@code report}, stored as {@code document}, to keep on the session item; empty
   * when their JSON is over {@value #MAX_JSON_BYTES} bytes.
   */
  public static Optional<ValidationFindings> of(DocumentRef document, ValidationReport report) {
    boolean fits = Json.write(report.findings()).getBytes(StandardCharsets.UTF_8).length <= MAX_JSON_BYTES;
    return fits ? Optional.of(new ValidationFindings(document.sha256(), report.findings())) : Optional.empty();
  }

  /** Whether these are the findings of {@code document}, the session's current {@code validation.json}. */
  public boolean matches(DocumentRef document) {
    return document != null && reportSha256.equalsIgnoreCase(document.sha256());
  }
}
