package dev.gantry.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One result of a template check.
 *
 * @param severity how bad it is; {@link Severity#ERROR} and {@link Severity#HIGH} fail validation
 *     unless acknowledged
 * @param rule a stable identifier of the check, such as {@code IamWildcardAction}
 * @param location where, for a person: a logical resource id, {@code Outputs.ApiUrl}, a section
 * @param message what is wrong
 * @param fix a concrete alternative
 * @param path where, for a parser: the keys from the template's root to the offending node
 *     ({@code [Resources, Bucket, Properties, AccessControl]}); empty when unknown
 * @param line the 1-based line of {@code path} in the template, or null when unknown
 * @param acknowledgement the reason the template gives for accepting this finding, or null
 */
public record Finding(
    Severity severity,
    String rule,
    String location,
    String message,
    String fix,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> path,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer line,
    @JsonInclude(JsonInclude.Include.NON_NULL) String acknowledgement) {

  public Finding {
    path = path == null ? List.of() : List.copyOf(path);
  }

  /** A finding without a path, line or acknowledgement. */
  public Finding(Severity severity, String rule, String location, String message, String fix) {
    this(severity, rule, location, message, fix, List.of(), null, null);
  }

  /** This finding at {@code path} (keys from the template's root). */
  public Finding at(List<String> keys) {
    return new Finding(severity, rule, location, message, fix, keys, line, acknowledgement);
  }

  /** This finding on {@code line} (1-based). */
  public Finding onLine(Integer lineNumber) {
    return new Finding(severity, rule, location, message, fix, path, lineNumber, acknowledgement);
  }

  /** This finding, acknowledged by the template for {@code reason}. */
  public Finding acknowledged(String reason) {
    return new Finding(severity, rule, location, message, fix, path, line, reason);
  }

  /** Whether this finding stops the pipeline: blocking severity and not acknowledged. */
  public boolean blocks() {
    return severity.blocking() && acknowledgement == null;
  }

  /** Severity, most serious first. */
  public enum Severity {
    /** The template is not a valid CloudFormation template; cannot be acknowledged. */
    ERROR,
    HIGH,
    MEDIUM,
    LOW,
    /** Worth knowing, never a problem (a macro CloudFormation alone expands). */
    INFO;

    /** Whether a finding of this severity stops the pipeline unless acknowledged. */
    public boolean blocking() {
      return this == ERROR || this == HIGH;
    }
  }
}
