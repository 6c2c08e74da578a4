package dev.gantry.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.agent.AgentDefinition;
import dev.gantry.agent.DocumentSink;
import dev.gantry.agent.ToolMapping;
import dev.gantry.agent.Toolbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {
  @TempDir Path repository;
  @TempDir Path scratch;
  RepositorySnapshot snapshot;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(repository.resolve("src"));
    Files.writeString(repository.resolve("src/app.py"), "print('hi')\n");
    Files.writeString(repository.resolve("gantry"), "#!/bin/sh\n");
    Files.createSymbolicLink(repository.resolve("LINK.py"), Path.of("src/app.py"));
    snapshot = new RepositorySnapshot(repository, 65536, 100);
  }

  @Test
  void writes_land_in_the_copy_which_reads_see_and_the_snapshot_never_changes() throws IOException {
    try (Sandbox sandbox = Sandbox.copyOf(snapshot, scratch, 65536, 100, 1000, 10_000)) {
      assertThat(sandbox.write("src/app.py", "print('bye')\n")).isEqualTo("wrote src/app.py (13 bytes)");
      sandbox.write("src/new/handler.py", "def handle(): pass\n");

      assertThat(sandbox.view().read("src/app.py").text()).isEqualTo("print('bye')\n");
      assertThat(sandbox.view().read("src/new/handler.py").text()).isEqualTo("def handle(): pass\n");
      assertThat(Files.readString(repository.resolve("src/app.py"))).isEqualTo("print('hi')\n");
      assertThat(repository.resolve("src/new")).doesNotExist();
      assertThat(ChangesPatch.between(snapshot.root(), sandbox.root()).files())
          .containsExactly("src/app.py", "src/new/handler.py");
      assertThat(sandbox.writtenPaths()).containsExactly("src/app.py", "src/new/handler.py");
      assertThat(ChangesPatch.between(snapshot.root(), sandbox.root(), sandbox.writtenPaths()))
          .isEqualTo(ChangesPatch.between(snapshot.root(), sandbox.root()));
    }
  }

  @Test
  void paths_outside_the_copy_under_git_under_a_file_or_over_the_limits_are_refused_with_the_reason() {
    try (Sandbox sandbox = Sandbox.copyOf(snapshot, scratch, 65536, 100, 1000, 1500)) {
      assertThatThrownBy(() -> sandbox.write("../escape.txt", "x")).hasMessageContaining("'..' is not allowed");
      assertThatThrownBy(() -> sandbox.write("/etc/passwd", "x")).hasMessageContaining("absolute paths are not allowed");
      assertThatThrownBy(() -> sandbox.write(".git/hooks/pre-commit", "x")).hasMessageContaining("files under .git are not written");
      assertThatThrownBy(() -> sandbox.write("gantry/plan.md", "x"))
          .hasMessage("gantry is a file, so gantry/plan.md cannot be written under it");
      assertThatThrownBy(() -> sandbox.write("src", "x")).hasMessageContaining("src is a folder, not a file");
      assertThatThrownBy(() -> sandbox.write("LINK.py", "x"))
          .hasMessage("LINK.py is a symbolic link in the repository: change the file it points to instead");
      assertThatThrownBy(() -> sandbox.write("big.txt", "x".repeat(1001))).hasMessageContaining("keep big.txt under 1000 bytes");
      sandbox.write("a.txt", "x".repeat(1000));
      assertThatThrownBy(() -> sandbox.write("b.txt", "x".repeat(600))).hasMessageContaining("at most 1500 bytes in all");
    }
  }

  @Test
  void a_hard_link_of_the_snapshot_is_not_copied_written_or_part_of_the_patch(@TempDir Path outside) throws IOException {
    Files.writeString(outside.resolve("secret.txt"), "top secret\n");
    Files.createLink(repository.resolve("leak.txt"), outside.resolve("secret.txt"));

    try (Sandbox sandbox = Sandbox.copyOf(snapshot, scratch, 65536, 100, 1000, 10_000)) {
      assertThat(sandbox.root().resolve("leak.txt")).doesNotExist();
      assertThat(sandbox.root().resolve("src/app.py")).exists();
      assertThatThrownBy(() -> sandbox.write("leak.txt", "x")).hasMessageStartingWith("refused leak.txt: a hard link");
      assertThat(ChangesPatch.between(snapshot.root(), sandbox.root()).text()).doesNotContain("top secret");
    }
    assertThat(outside.resolve("secret.txt")).hasContent("top secret");
  }

  @Test
  void an_agent_whose_file_denies_write_is_offered_no_file_writing_and_is_told_why() {
    AgentDefinition readOnly = new dev.gantry.agent.AgentLoader().parse(
        "---\nname: careful\ndescription: reads only\ntools: Read, Write\ndisallowedTools: Write\n---\nbody\n", "careful.md");
    AgentDefinition writer = new dev.gantry.agent.AgentLoader().parse(
        "---\nname: writer\ndescription: writes\ntools: Read, Write\n---\nbody\n", "writer.md");
    DocumentSink documents = null;
    try (Sandbox sandbox = Sandbox.copyOf(snapshot, scratch, 65536, 100, 1000, 10_000)) {
      Toolbox denied = Toolbox.inSandbox(ToolMapping.select(readOnly), sandbox, documents);
      Toolbox allowed = Toolbox.inSandbox(ToolMapping.select(writer), sandbox, documents);

      assertThat(denied.find("write_file")).isEmpty();
      assertThat(denied.refusal("write_file")).contains("Write");
      assertThat(allowed.find("write_file")).isPresent();
      assertThat(allowed.specs()).extracting(s -> s.name()).contains("write_file", "write_document", "read_file");
    }
  }
}
