package dev.gantry.testing;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;

/** Git work trees for tests, made with JGit so no git binary or user configuration is needed. */
public final class GitFixtures {
  private GitFixtures() {}

  /** Stages everything in the work tree (as {@code git add .}) and commits it as a fixed test author. */
  public static RevCommit commitAll(Git git, String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
  }
}
