package dev.gantry.pipeline;

import dev.gantry.repo.git.GitCheckout;
import dev.gantry.session.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * After a person approved {@value AgentStage#PATCH}: pushes it, applied on the pinned commit, as
 * branch {@code gantry/<session-id>} of the session's repository — a new branch, never the pushed
 * one — when Gantry can authenticate to it ({@link GitCheckout#canPush}: a token for the host, a
 * CodeCommit role, or a {@code file://} repository). Otherwise, and for a session on a local folder,
 * the patch is the deliverable and the stage says so. Before pushing it checks that the patch is
 * still the one approved (its SHA-256).
 */
public final class PublishStage implements Stage {
  /** The branch prefix; the session id follows. */
  public static final String BRANCH_PREFIX = "gantry/";

  private final GitCheckout git;
  private final Path scratch;

  /**
   * @param git fetches and pushes repositories named by URL, with the checkout's credentials
   * @param scratch a folder for the temporary repository
   */
  PublishStage(GitCheckout git, Path scratch) {
    this.git = git;
    this.scratch = scratch;
  }

  @Override
  public StageOutcome run(StageContext context) {
    Session session = context.session();
    byte[] patch = context.documents().readBytes(AgentStage.PATCH)
        .orElseThrow(() -> new StageFailedException(AgentStage.PATCH + " is missing: the implement stage did not write it"));
    String digest = dev.gantry.hash.Sha256.hex(patch);
    if (session.decision() == null || !digest.equalsIgnoreCase(session.decision().digest())) {
      throw new StageFailedException(AgentStage.PATCH + " (" + digest + ") is not the patch that was approved");
    }
    String url = session.origin() == null ? null : session.origin().repositoryUrl();
    if (url == null) {
      return StageOutcome.success("the repository is a local folder, which Gantry never writes: " + AgentStage.PATCH
          + " is the deliverable (git apply " + AgentStage.PATCH + ")");
    }
    if (!git.canPush(url)) {
      return StageOutcome.success("no Git token for " + java.net.URI.create(url).getHost() + ": " + AgentStage.PATCH
          + " is the deliverable (configure a token with write access to push branches)");
    }
    String branch = BRANCH_PREFIX + session.sessionId();
    String commit = git.pushBranch(url, session.checkout().commit(), new String(patch, StandardCharsets.UTF_8), branch,
        "Gantry session " + session.sessionId() + "\n\n" + session.goal() + "\n\nApproved by " + session.decision().actor()
            + "; " + AgentStage.PATCH + " sha256 " + digest + "\n",
        session.decision().decidedAt(), scratch);
    return StageOutcome.success("pushed branch " + branch + " (commit " + commit + ") to " + url);
  }
}
