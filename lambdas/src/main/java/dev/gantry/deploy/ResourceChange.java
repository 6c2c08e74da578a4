package dev.gantry.deploy;

import java.util.List;

/**
 * One resource change of a change set, as CloudFormation's {@code DescribeChangeSet} gives it
 * (AWS CloudFormation API Reference, {@code ResourceChange} and {@code ResourceChangeDetail}).
 *
 * @param action {@code Add}, {@code Modify}, {@code Remove}, {@code Import} or {@code Dynamic}
 * @param logicalResourceId the resource's logical id in the template
 * @param physicalResourceId its physical id; null for {@code Add}
 * @param resourceType e.g. {@code AWS::DynamoDB::Table}
 * @param replacement for {@code Modify}: {@code True}, {@code Conditional} or {@code False}; null otherwise
 * @param scope which parts change: {@code Properties}, {@code Metadata}, {@code Tags} …
 * @param details what causes the change, one entry per changed attribute
 */
public record ResourceChange(
    String action,
    String logicalResourceId,
    String physicalResourceId,
    String resourceType,
    String replacement,
    List<String> scope,
    List<Detail> details) {

  public ResourceChange {
    scope = scope == null ? List.of() : List.copyOf(scope);
    details = details == null ? List.of() : List.copyOf(details);
  }

  /**
   * One cause of a change.
   *
   * @param attribute the changed part: {@code Properties}, {@code Tags} …
   * @param name the property name, for {@code Properties}
   * @param requiresRecreation {@code Never}, {@code Conditionally} or {@code Always}
   * @param evaluation {@code Static} or {@code Dynamic}
   * @param changeSource {@code DirectModification}, {@code ResourceReference}, {@code ParameterReference} …
   * @param causingEntity the resource or parameter causing it, for references
   */
  public record Detail(
      String attribute, String name, String requiresRecreation, String evaluation, String changeSource, String causingEntity) {}

  /** Whether the change replaces the resource or may ({@code Replacement} True or Conditional). */
  public boolean mayReplace() {
    return "True".equals(replacement) || "Conditional".equals(replacement);
  }
}
