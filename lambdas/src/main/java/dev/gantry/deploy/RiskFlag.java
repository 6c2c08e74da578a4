package dev.gantry.deploy;

/**
 * Something in a change set a reviewer must see before approving it.
 *
 * @param kind what sort of risk: one of the {@code Kind} names
 * @param logicalResourceId the resource it concerns, or null for the whole change set (capabilities)
 * @param message one line saying what will happen, e.g. {@code "Table (AWS::DynamoDB::Table) is
 *     replaced: its data does not move to the new table"}
 */
public record RiskFlag(Kind kind, String logicalResourceId, String message) {

  /** The risks Gantry flags, in the order a change set lists them. */
  public enum Kind {
    /** A stateful resource (table, bucket, queue, database, log group …) is replaced or may be. */
    STATEFUL_REPLACEMENT,
    /** A stateful resource is deleted. */
    STATEFUL_DELETION,
    /** An IAM resource or a resource policy is added, changed or removed. */
    IAM_CHANGE,
    /** Something becomes reachable from outside the account: a public principal, open ingress, a public bucket or URL. */
    PUBLIC_EXPOSURE,
    /** The template needs capabilities: it creates IAM resources or is expanded by a transform. */
    CAPABILITIES,
    /** A CloudFormation hook runs on the change set; its failure mode says whether it can stop the deployment. */
    HOOK
  }
}
