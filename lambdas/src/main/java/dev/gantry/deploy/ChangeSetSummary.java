package dev.gantry.deploy;

import java.util.List;

/**
 * Counts of a change set's resource changes, the way a reviewer reads them.
 *
 * @param adds resources created
 * @param modifies resources updated in place (Replacement {@code False})
 * @param replaces resources replaced, or possibly replaced (Replacement {@code True} or {@code Conditional})
 * @param removes resources deleted
 */
public record ChangeSetSummary(int adds, int modifies, int replaces, int removes) {

  /** Counts {@code changes} by CloudFormation's {@code Action} and {@code Replacement}. */
  public static ChangeSetSummary of(List<ResourceChange> changes) {
    int adds = 0;
    int modifies = 0;
    int replaces = 0;
    int removes = 0;
    for (ResourceChange change : changes) {
      switch (change.action()) {
        case "Add" -> adds++;
        case "Remove" -> removes++;
        default -> {
          if (change.mayReplace()) {
            replaces++;
          } else {
            modifies++;
          }
        }
      }
    }
    return new ChangeSetSummary(adds, modifies, replaces, removes);
  }

  /** Whether nothing changes. */
  public boolean empty() {
    return adds + modifies + replaces + removes == 0;
  }

  /** {@code "2 to add, 1 to modify, 0 to replace, 0 to remove"}. */
  @Override
  public String toString() {
    return adds + " to add, " + modifies + " to modify, " + replaces + " to replace, " + removes + " to remove";
  }
}
