package dev.gantry.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Which pushes start a session, and how.
 *
 * @param repository the repository's full name ({@code owner/name}; for CodeCommit the repository
 *     name), compared case-insensitively
 * @param branches branch names or prefixes ending in {@code *} (such as {@code release/*}); empty
 *     for the repository's default branch
 * @param stack the CloudFormation stack name for the session, or null for the default
 * @param path a local checkout of the repository ({@code gantry serve} only), or null to name the
 *     repository by its clone URL
 * @param pipeline the pipeline the session runs ({@code deliver}, {@code design}, {@code review}), or
 *     null for the default
 * @param agents agent names by role for the session, or empty
 */
public record PushRule(
    String repository,
    List<String> branches,
    String stack,
    String path,
    @JsonInclude(JsonInclude.Include.NON_NULL) String pipeline,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> agents) {

  public PushRule {
    branches = branches == null ? List.of() : List.copyOf(branches);
    agents = agents == null ? Map.of() : Map.copyOf(agents);
  }

  /** A rule for the default pipeline. */
  public PushRule(String repository, List<String> branches, String stack, String path, Map<String, String> agents) {
    this(repository, branches, stack, path, null, agents);
  }

  /** Whether {@code branch} is one of this rule's branches ({@code prefix*} matches by prefix). */
  boolean coversBranch(String branch) {
    for (String pattern : branches) {
      if (pattern.endsWith("*") ? branch.startsWith(pattern.substring(0, pattern.length() - 1)) : branch.equals(pattern)) {
        return true;
      }
    }
    return false;
  }
}
