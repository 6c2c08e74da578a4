package dev.gantry.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testing.GitFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local folders: what a snapshot of a work tree holds, and what it leaves out. */
class LocalCheckoutTest {
  @TempDir Path work;
  @TempDir Path extracted;

  @Test
  void a_git_work_tree_is_read_as_it_is_without_what_git_ignores_and_records_its_head() throws Exception {
    String head;
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(work.resolve(".gitignore"), ".env\ntarget/\n");
      Files.createDirectories(work.resolve("src"));
      Files.writeString(work.resolve("src/app.js"), "committed\n");
      head = GitFixtures.commitAll(git, "one").name();
    }
    Files.writeString(work.resolve("src/app.js"), "changed, not committed\n");
    Files.writeString(work.resolve("notes.md"), "untracked\n");
    Files.writeString(work.resolve(".env"), "DB_PASSWORD=hunter2\n");
    Files.createDirectories(work.resolve("target"));
    Files.writeString(work.resolve("target/app.jar"), "build output\n");
    Files.createSymbolicLink(work.resolve("outside"), Path.of("../../../etc"));

    RepositoryCheckout checkout = checkoutAndExtract();

    assertThat(checkout.commit()).isEqualTo(head);
    assertThat(checkout.ref()).isEqualTo("refs/heads/main");
    assertThat(checkout.fileCount()).isEqualTo(3);
    assertThat(checkout.droppedCount()).isEqualTo(1);
    assertThat(extracted.resolve("src/app.js")).hasContent("changed, not committed");
    assertThat(extracted.resolve("notes.md")).exists();
    assertThat(extracted.resolve(".gitignore")).exists();
    assertThat(extracted.resolve(".env")).doesNotExist();
    assertThat(extracted.resolve("target")).doesNotExist();
    assertThat(extracted.resolve(".git")).doesNotExist();
    assertThat(extracted.resolve("outside")).doesNotExist();
  }

  @Test
  void a_hard_link_in_the_folder_is_dropped_so_its_content_never_reaches_the_snapshot(@TempDir Path outside) throws Exception {
    Files.writeString(work.resolve("app.js"), "mine\n");
    Files.writeString(outside.resolve("other-session.yaml"), "someone else's template\n");
    Files.createLink(work.resolve("template.yaml"), outside.resolve("other-session.yaml"));

    RepositoryCheckout checkout = checkoutAndExtract();

    assertThat(checkout.fileCount()).isEqualTo(1);
    assertThat(checkout.droppedCount()).isEqualTo(1);
    assertThat(extracted.resolve("app.js")).exists();
    assertThat(extracted.resolve("template.yaml")).doesNotExist();
  }

  /** Snapshots {@code work} and extracts the snapshot into {@code extracted}. */
  private RepositoryCheckout checkoutAndExtract() throws java.io.IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RepositoryCheckout checkout;
    try (SnapshotArchive.Writer archive = new SnapshotArchive.Writer(bytes, SnapshotLimits.DEFAULT)) {
      checkout = LocalCheckout.checkout(work, archive);
    }
    SnapshotArchive.extract(new ByteArrayInputStream(bytes.toByteArray()), extracted, SnapshotLimits.DEFAULT);
    return checkout;
  }
}
