package dev.gantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AgentLoaderTest {
  /** The real agent files in ../shared/seeds, next to the repository. */
  static final Path SEEDS = Path.of("../../shared/seeds");

  private final AgentLoader loader = new AgentLoader();

  static Stream<Path> seedFiles() throws IOException {
    try (Stream<Path> files = Files.list(SEEDS)) {
      return files.sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("seedFiles")
  void every_seed_file_parses_with_a_name_a_description_and_a_body(Path seed) {
    AgentDefinition agent = loader.load(seed);

    assertThat(agent.name()).matches("[a-z0-9-]+");
    assertThat(agent.description()).isNotBlank();
    assertThat(agent.body()).isNotBlank().doesNotStartWith("---");
    assertThat(agent.model()).isIn("sonnet", "inherit");
  }

  @Test
  void an_absent_model_field_means_inherit() {
    assertThat(loader.load(SEEDS.resolve("002_63d2144bd07b97c7.txt")).model()).isEqualTo("inherit");
  }

  @Test
  void seeds_include_five_files() throws IOException {
    assertThat(seedFiles()).hasSize(5);
  }

  @Test
  void comma_separated_tools_are_split_and_other_fields_are_kept() {
    AgentDefinition agent = loader.load(SEEDS.resolve("001_75a5c479e44b6c6c.txt"));

    assertThat(agent.name()).isEqualTo("backend-architect");
    assertThat(agent.tools()).contains(List.of("Read", "Write", "Bash", "MultiEdit"));
  }

  @Test
  void color_and_unknown_fields_are_preserved_and_absent_tools_mean_all_tools() {
    AgentDefinition agent = loader.load(SEEDS.resolve("000_6b603ea78bb5d864.txt"));

    assertThat(agent.frontmatter()).containsEntry("color", "pink");
    assertThat(agent.tools()).isEmpty();
  }

  @Test
  void a_description_with_colons_and_example_blocks_is_read_whole() {
    AgentDefinition agent = loader.load(SEEDS.resolve("003_33f27ce2f1bf4a70.txt"));

    assertThat(agent.name()).isEqualTo("backend-deployment-agent");
    assertThat(agent.description())
        .contains("such as: after completing")
        .contains("<example>")
        .contains("</commentary></example>");
  }

  @Test
  void literal_backslash_n_escapes_in_a_description_become_line_breaks() {
    AgentDefinition agent = loader.load(SEEDS.resolve("004_3c982e38d38c718a.txt"));

    assertThat(agent.description()).contains("\n\nExamples of when to use this agent:").doesNotContain("\\n");
  }

  @Test
  void a_yaml_list_of_tools_is_accepted() {
    AgentDefinition agent =
        loader.parse("---\nname: lister\ndescription: d\ntools:\n  - Read\n  - Grep\n---\nbody\n", "lister.md");

    assertThat(agent.tools()).contains(List.of("Read", "Grep"));
    assertThat(agent.model()).isEqualTo("inherit");
  }

  @Test
  void a_file_without_frontmatter_is_refused_at_line_1() {
    assertThatThrownBy(() -> loader.parse("# Just markdown\n", "plain.md"))
        .isInstanceOf(AgentDefinitionException.class)
        .hasMessage("plain.md:1: no frontmatter: the file must start with a line '---', YAML, then '---'");
  }

  @Test
  void an_unclosed_frontmatter_is_refused() {
    assertThatThrownBy(() -> loader.parse("---\nname: a\ndescription: b\n", "open.md"))
        .hasMessageContaining("open.md:1: frontmatter is not closed");
  }

  @Test
  void bad_yaml_is_refused_with_its_file_line() {
    assertThatThrownBy(() -> loader.parse("---\nname: a\ndescription: b\ntools: [Read, Grep\n---\nbody", "bad.md"))
        .isInstanceOf(AgentDefinitionException.class)
        .satisfies(e -> {
          AgentDefinitionException problem = (AgentDefinitionException) e;
          assertThat(problem.source()).isEqualTo("bad.md");
          assertThat(problem.line()).isBetween(4, 5);
          assertThat(problem.problem()).startsWith("bad YAML in frontmatter");
        });
  }

  @Test
  void a_missing_name_is_refused() {
    assertThatThrownBy(() -> loader.parse("---\ndescription: does things\n---\nbody", "nameless.md"))
        .hasMessage("nameless.md:1: missing required field 'name'");
  }

  @Test
  void a_missing_description_is_refused() {
    assertThatThrownBy(() -> loader.parse("---\nname: quiet\n---\nbody", "quiet.md"))
        .hasMessage("quiet.md:1: missing required field 'description'");
  }

  @Test
  void a_name_with_capitals_is_refused_on_its_line() {
    assertThatThrownBy(() -> loader.parse("---\ndescription: d\nname: Big Name\n---\nbody", "big.md"))
        .hasMessageStartingWith("big.md:3: name 'Big Name' must use lowercase letters");
  }

  @Test
  void tools_of_the_wrong_type_are_refused() {
    assertThatThrownBy(() -> loader.parse("---\nname: a\ndescription: b\ntools: 42\n---\nbody", "num.md"))
        .hasMessageStartingWith("num.md:4: 'tools' must be a comma-separated string or a YAML list");
  }

  @Test
  void a_directory_keeps_good_agents_and_reports_each_bad_file_and_both_files_of_a_duplicate(@TempDir Path dir)
      throws IOException {
    Files.copy(SEEDS.resolve("001_75a5c479e44b6c6c.txt"), dir.resolve("a-backend.md"));
    Files.copy(SEEDS.resolve("002_63d2144bd07b97c7.txt"), dir.resolve("b-backend.md"));
    Files.copy(SEEDS.resolve("003_33f27ce2f1bf4a70.txt"), dir.resolve("deploy.md"));
    Files.writeString(dir.resolve("broken.md"), "no frontmatter here\n");
    Files.writeString(dir.resolve("notes.txt"), "not an agent\n");

    AgentCatalog catalog = AgentCatalog.load(dir);

    assertThat(catalog.agents()).extracting(AgentDefinition::name)
        .containsExactly("backend-architect", "backend-deployment-agent");
    assertThat(catalog.problems()).extracting(Throwable::getMessage)
        .containsExactlyInAnyOrder(
            dir.resolve("broken.md") + ":1: no frontmatter: the file must start with a line '---', YAML, then '---'",
            dir.resolve("b-backend.md") + ":2: duplicate name 'backend-architect': also defined in "
                + dir.resolve("a-backend.md") + "; rename one of them");
  }

  @Test
  void gantrys_own_agents_load_with_the_roles_the_pipeline_needs() {
    AgentCatalog catalog = AgentCatalog.load(Path.of("../agents"));

    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.agents()).extracting(AgentDefinition::name)
        .contains("architect", "planner", "deployer", "reviewer");
  }
}
