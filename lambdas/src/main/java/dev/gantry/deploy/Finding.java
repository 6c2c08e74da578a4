package dev.gantry.deploy;

/**
 * One result of a template check.
 *
 * @param severity how bad it is; {@link Severity#ERROR} and {@link Severity#HIGH} fail validation
 * @param rule a stable identifier of the check, such as {@code IamWildcardAction}
 * @param location where: a logical resource id, a section name, or {@code line N}
 * @param message what is wrong
 * @param fix a concrete alternative
 */
public record Finding(Severity severity, String rule, String location, String message, String fix) {

  /** Severity, most serious first. */
  public enum Severity {
    /** The template is not a valid CloudFormation template. */
    ERROR,
    HIGH,
    MEDIUM,
    LOW;

    /** Whether a finding of this severity stops the pipeline. */
    public boolean blocking() {
      return this == ERROR || this == HIGH;
    }
  }
}
