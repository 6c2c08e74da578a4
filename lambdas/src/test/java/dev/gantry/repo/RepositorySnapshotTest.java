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
}
