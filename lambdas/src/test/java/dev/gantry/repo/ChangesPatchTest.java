package dev.gantry.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangesPatchTest {
  @TempDir Path work;

  Path tree(String name, String... pathsAndContents) throws IOException {
    Path root = Files.createDirectories(work.resolve(name));
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      Path file = root.resolve(pathsAndContents[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, pathsAndContents[i + 1]);
    }
    return root;
  }

  @Test
  void added_changed_and_deleted_files_make_a_git_patch_that_applies_to_the_original_files() throws Exception {
    Path before = tree("before", "src/app.py", "import os\n\nprint('hello')\n", "README.md", "# App\nold line",
        "obsolete.txt", "remove me\n");
    Path after = tree("after", "src/app.py", "import os\nimport sys\n\nprint('hello', sys.argv)\n",
        "README.md", "# App\nnew line", "src/handler.py", "def handle(event, context):\n    return {}\n");

    ChangesPatch patch = ChangesPatch.between(before, after);

    assertThat(patch.files()).containsExactly("README.md", "obsolete.txt", "src/app.py", "src/handler.py");
    assertThat(patch.text())
        .contains("diff --git a/src/handler.py b/src/handler.py\nnew file mode 100644\n--- /dev/null\n+++ b/src/handler.py\n")
        .contains("diff --git a/obsolete.txt b/obsolete.txt\ndeleted file mode 100644\n--- a/obsolete.txt\n+++ /dev/null\n")
        .contains("-print('hello')\n+print('hello', sys.argv)\n")
        .contains("\\ No newline at end of file");
    assertThat(patch.applyProblems(before, after, work.resolve("scratch"))).isEmpty();
    assertThat(gitApplyCheck(before, patch.text())).as("git apply --check").isZero();
  }

  @Test
  void a_symbolic_link_of_the_repository_is_never_part_of_the_patch() throws Exception {
    Path before = tree("linked", "README.md", "# App\n");
    Files.createSymbolicLink(before.resolve("LINK.md"), Path.of("README.md"));
    Path after = tree("linked-after", "README.md", "# App\n\nMore.\n"); // the sandbox copies no links

    ChangesPatch patch = ChangesPatch.between(before, after);

    assertThat(patch.files()).containsExactly("README.md");
    assertThat(patch.text()).doesNotContain("LINK.md");
    assertThat(gitApplyCheck(before, patch.text())).as("git apply --check").isZero();
  }

  @Test
  void no_change_is_an_empty_patch_and_a_patch_for_other_files_does_not_apply() throws Exception {
    Path before = tree("same1", "a.txt", "one\n");
    Path same = tree("same2", "a.txt", "one\n");
    assertThat(ChangesPatch.between(before, same).isEmpty()).isTrue();

    Path other = tree("other", "a.txt", "something else\n");
    ChangesPatch patch = ChangesPatch.between(before, tree("changed", "a.txt", "two\n"));
    List<String> problems = patch.applyProblems(other, work.resolve("changed"), work.resolve("scratch"));
    assertThat(problems).singleElement().asString().startsWith("the patch does not apply");
  }

  /** Runs {@code git apply --check} of {@code patch} in a Git repository of {@code tree}'s files; skipped without git. */
  private int gitApplyCheck(Path tree, String patch) throws Exception {
    Assumptions.assumeTrue(run(tree, "git", "--version") == 0, "git is not installed");
    Path repository = work.resolve("git-check");
    org.apache.commons.io.file.PathUtils.copyDirectory(tree, repository, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    Files.writeString(work.resolve("changes.patch"), patch);
    run(repository, "git", "init", "-q");
    return run(repository, "git", "apply", "--check", work.resolve("changes.patch").toString());
  }

  private static int run(Path dir, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }
}
