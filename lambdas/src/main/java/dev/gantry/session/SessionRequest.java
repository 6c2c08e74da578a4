package dev.gantry.session;

import java.util.Map;

/**
 * What a caller asks for when starting a session, before validation. Exactly one of {@code
 * repositoryPath} and {@code repositoryUrl} is given.
 *
 * @param goal what to build, 1..4000 characters
 * @param repositoryPath a local directory (the gantry command and {@code gantry serve} only)
 * @param repositoryUrl an {@code https://} or {@code http://} clone URL without credentials ({@code file://} where local checkouts are allowed)
 * @param ref branch or tag, such as {@code main} or {@code refs/heads/main}; null for the default
 * @param commit a 40- or 64-hex commit id; null for the ref's head
 * @param stack CloudFormation stack name; null for {@code gantry-<repository name>}
 * @param pipeline the pipeline to run ({@code deliver}, {@code design}, {@code review}); null for the default
 * @param agents agent names by role ({@code architect}, {@code planner}, {@code deployer}); may be empty
 * @param trigger {@code cli}, {@code api} or {@code push}
 * @param idempotencyKey the caller's key for retries (scoped to {@code idempotencyScope}), or null
 * @param idempotencyScope who the key belongs to: the caller identity or the push provider
 */
public record SessionRequest(
    String goal,
    String repositoryPath,
    String repositoryUrl,
    String ref,
    String commit,
    String stack,
    String pipeline,
    Map<String, String> agents,
    String trigger,
    String idempotencyKey,
    String idempotencyScope) {

  public SessionRequest {
    agents = agents == null ? Map.of() : Map.copyOf(agents);
  }

  /** A request from the gantry command: a local directory, default agents, no idempotency key. */
  public static SessionRequest local(String goal, String repositoryPath, String stack) {
    return local(goal, repositoryPath, stack, null);
  }

  /** As {@link #local(String, String, String)}, running {@code pipeline} (null for the default). */
  public static SessionRequest local(String goal, String repositoryPath, String stack, String pipeline) {
    return new SessionRequest(goal, repositoryPath, null, null, null, stack, pipeline, Map.of(), "cli", null, null);
  }
}
