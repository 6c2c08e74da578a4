package dev.gantry.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositorySnapshotTest {
  @TempDir Path root;
  @TempDir Path outside;
  RepositorySnapshot repository;

  @BeforeEach
  void createRepository() throws IOException {
    Files.createDirectories(root.resolve("src/main"));
    Files.writeString(root.resolve("src/main/App.java"), "class App {\n  // GET /orders\n}\n");
    Files.writeString(root.resolve("README.md"), "x".repeat(100));
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), "[core]\n");
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/App.class"), "compiled");
    Files.write(root.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1});
    Files.writeString(outside.resolve("secret.txt"), "top secret");
    repository = new RepositorySnapshot(root, 40, 100);
  }

  @Test
  void listing_skips_vcs_and_build_output_folders() {
    assertThat(repository.list("", null).files()).extracting(RepositorySnapshot.FileEntry::path)
        .containsExactly("README.md", "logo.png", "src/main/App.java");
  }

  @Test
  void listing_filters_by_glob_and_is_cut_at_the_entry_limit() {
    assertThat(repository.list("", "**/*.java").files()).extracting(RepositorySnapshot.FileEntry::path)
        .containsExactly("src/main/App.java");
    RepositorySnapshot small = new RepositorySnapshot(root, 40, 1);
    assertThat(small.list("", null).truncated()).isTrue();
    assertThat(small.list("", null).files()).hasSize(1);
  }

  @Test
  void reads_are_capped_in_bytes_and_say_so() {
    RepositorySnapshot.FileContent content = repository.read("README.md");

    assertThat(content.text()).hasSize(40);
    assertThat(content.truncated()).isTrue();
    assertThat(content.sizeBytes()).isEqualTo(100);
  }

  @Test
  void parent_segments_and_absolute_paths_are_refused() {
    assertThatThrownBy(() -> repository.read("../secret.txt"))
        .isInstanceOf(RepositoryAccessException.class).hasMessageContaining("'..' is not allowed");
    assertThatThrownBy(() -> repository.read("src/../../secret.txt"))
        .isInstanceOf(RepositoryAccessException.class);
    assertThatThrownBy(() -> repository.read(outside.resolve("secret.txt").toString()))
        .isInstanceOf(RepositoryAccessException.class).hasMessageContaining("absolute paths are not allowed");
  }

  @Test
  void a_symbolic_link_out_of_the_repository_is_refused_and_not_listed() throws IOException {
    Files.createSymbolicLink(root.resolve("escape.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("escape-dir"), outside);

    assertThatThrownBy(() -> repository.read("escape.txt")).hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> repository.read("escape-dir/secret.txt")).hasMessageContaining("symbolic link");
    assertThat(repository.list("", null).files()).extracting(RepositorySnapshot.FileEntry::path)
        .doesNotContain("escape.txt", "escape-dir/secret.txt");
  }

  @Test
  void binary_files_are_not_read() {
    assertThatThrownBy(() -> repository.read("logo.png")).hasMessage("binary file, not read: logo.png");
  }

  @Test
  void search_finds_lines_with_their_numbers() {
    assertThat(repository.search("GET /\\w+", null).matches())
        .containsExactly(new RepositorySnapshot.SearchMatch("src/main/App.java", 2, "// GET /orders"));
    assertThatThrownBy(() -> repository.search("(unclosed", null)).hasMessageStartingWith("invalid regular expression");
  }

  @Test
  void a_hard_link_to_a_file_outside_the_repository_is_refused_not_listed_and_not_searched() throws IOException {
    // GIVEN a hard link inside the tree to a file outside it (a checkout never makes one)
    Files.createLink(root.resolve("leak.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("to-leak.txt"), Path.of("leak.txt"));
    RepositorySnapshot snapshot = new RepositorySnapshot(root, 4096, 100);

    // THEN reading it, directly or through an in-tree symbolic link, is refused naming the path
    assertThatThrownBy(() -> snapshot.read("leak.txt")).isInstanceOf(RepositoryAccessException.class)
        .hasMessageStartingWith("refused leak.txt: a hard link (2 links)");
    assertThatThrownBy(() -> snapshot.read("to-leak.txt")).hasMessageStartingWith("refused to-leak.txt: a hard link");
    assertThatThrownBy(() -> snapshot.lineCount("leak.txt")).hasMessageStartingWith("refused leak.txt");
    // AND a search or a listing never shows it
    assertThat(snapshot.search("secret", null).matches()).isEmpty();
    assertThat(snapshot.list("", null).files()).extracting(RepositorySnapshot.FileEntry::path).doesNotContain("leak.txt");
    assertThat(RepositorySnapshot.refusal(root.resolve("README.md"))).isEmpty();
  }

  @Test
  void a_fifo_is_refused_as_a_special_file() throws Exception {
    Path fifo = root.resolve("pipe");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");

    assertThat(RepositorySnapshot.refusal(fifo)).contains("a device, FIFO or socket, not a repository file");
    assertThatThrownBy(() -> repository.read("pipe")).hasMessage("refused pipe: a device, FIFO or socket, not a repository file");
    assertThat(repository.list("", null).files()).extracting(RepositorySnapshot.FileEntry::path).doesNotContain("pipe");
  }
}
