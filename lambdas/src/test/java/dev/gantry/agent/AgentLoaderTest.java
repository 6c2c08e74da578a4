package dev.gantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Agent files as teams write them for Claude Code. The fixtures under {@link #FIXTURES} are written
 * for these tests and reproduce the quirks real {@code .claude/agents/*.md} files have.
 */
class AgentLoaderTest {
  /** Claude Code agent files with every quirk the loader must accept, in subfolders too. */
  static final Path FIXTURES = Path.of("src/test/resources/agents/claude-code");

  private final AgentLoader loader = new AgentLoader();

  private AgentDefinition fixture(String relativePath) {
    return loader.load(FIXTURES.resolve(relativePath));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "serverless-cost-architect.md", "api-contract-designer.md", "release-shipper.md", "python-service-mentor.md",
      "autonomous-builder.md", "dotnet-framework-4.8-expert.md", "deploy/cdk-deployer.md",
      "review/security/iam-policy-reviewer.md", "archive/api-contract-designer.md"})
  void every_fixture_parses_with_a_name_a_description_and_a_body(String file) {
    AgentDefinition agent = fixture(file);

    assertThat(agent.name()).matches(AgentDefinition.NAME);
    assertThat(agent.description()).isNotBlank();
    assertThat(agent.body()).isNotBlank().doesNotStartWith("---");
    assertThat(agent.source()).endsWith(file);
  }

  @Test
  void a_long_plain_description_with_an_alias_model_a_colour_and_no_tools_means_every_tool() {
    AgentDefinition agent = fixture("serverless-cost-architect.md");

    assertThat(agent.model()).isEqualTo("sonnet");
    assertThat(agent.frontmatter()).containsEntry("color", "orange");
    assertThat(agent.tools()).isEmpty();
    assertThat(ToolMapping.select(agent.tools()).offered()).containsExactlyInAnyOrderElementsOf(GantryTool.selectable());
  }

  @Test
  void comma_separated_tools_are_split_and_the_unsafe_ones_dropped_with_a_reason() {
    AgentDefinition agent = fixture("api-contract-designer.md");

    assertThat(agent.tools()).contains(List.of("Read", "Write", "Bash", "MultiEdit"));
    assertThat(agent.model()).isEqualTo("opus");
    ToolMapping.Selection tools = ToolMapping.select(agent.tools());
    assertThat(tools.offered()).containsExactlyInAnyOrder(GantryTool.READ_FILE, GantryTool.WRITE_DOCUMENT);
    assertThat(tools.dropped()).extracting(ToolMapping.DroppedTool::name).containsExactly("Bash");
  }

  @Test
  void a_description_that_is_not_strict_yaml_with_inline_example_blocks_is_read_whole() {
    AgentDefinition agent = fixture("release-shipper.md");

    assertThat(agent.name()).isEqualTo("release-shipper");
    assertThat(agent.description())
        .startsWith("Use this agent when a backend change must reach AWS, for instance: after a feature branch")
        .contains("user: 'The webhook endpoint is done, ship it to staging.'")
        .contains("<example>Context: the orders table gained an index")
        .endsWith("</commentary></example>");
    assertThat(agent.model()).isEqualTo("us.anthropic.claude-sonnet-4-20250514-v1:0");
  }

  @Test
  void literal_backslash_n_escapes_become_line_breaks_and_extra_fields_are_kept() {
    AgentDefinition agent = fixture("python-service-mentor.md");

    assertThat(agent.description())
        .contains("critical feedback.\n\nExamples of when to use this agent:\n\n<example>\nContext: A developer")
        .doesNotContain("\\n");
    assertThat(agent.model()).isEqualTo("inherit");
    assertThat(agent.frontmatter()).containsEntry("color", "blue").containsEntry("permissionMode", "plan");
  }

  @Test
  void a_yaml_list_of_tools_and_an_absent_model_which_means_inherit() {
    AgentDefinition agent = fixture("autonomous-builder.md");

    assertThat(agent.tools()).contains(List.of("Read", "Grep", "Glob", "Edit", "WebFetch"));
    assertThat(agent.model()).isEqualTo("inherit");
    assertThat(agent.frontmatter()).doesNotContainKey("model").containsEntry("permissionMode", "acceptEdits");
    assertThat(ToolMapping.select(agent.tools()).dropped()).extracting(ToolMapping.DroppedTool::name)
        .containsExactly("WebFetch");
  }

  @Test
  void a_name_with_a_dot_is_accepted() {
    AgentDefinition agent = fixture("dotnet-framework-4.8-expert.md");

    assertThat(agent.name()).isEqualTo("dotnet-framework-4.8-expert");
    assertThat(agent.model()).isEqualTo("haiku");
  }

  @Test
  void an_mcp_tool_is_dropped_as_unreachable() {
    AgentDefinition agent = fixture("deploy/cdk-deployer.md");

    assertThat(ToolMapping.select(agent.tools()).dropped())
        .extracting(ToolMapping.DroppedTool::name).containsExactly("Bash", "mcp__aws__cloudformation");
  }

  @ParameterizedTest
  @ValueSource(strings = {"release-shipper.md", "python-service-mentor.md"})
  void the_fixtures_with_colons_in_their_descriptions_are_not_strict_yaml_as_real_files_are_not(String file)
      throws IOException {
    String text = Files.readString(FIXTURES.resolve(file));
    String frontmatter = text.substring(4, text.indexOf("\n---\n", 4));

    assertThatThrownBy(() -> new org.yaml.snakeyaml.Yaml().load(frontmatter))
        .isInstanceOf(org.yaml.snakeyaml.error.YAMLException.class).hasMessageContaining("mapping values are not allowed");
  }

  @Test
  void a_folder_lists_agents_in_subfolders_and_refuses_the_second_file_of_a_name_naming_both() {
    AgentCatalog catalog = AgentCatalog.load(FIXTURES);

    assertThat(catalog.agents()).extracting(AgentDefinition::name).containsExactly(
        "api-contract-designer", "autonomous-builder", "dotnet-framework-4.8-expert", "python-service-mentor",
        "release-shipper", "serverless-cost-architect", "cdk-deployer", "iam-policy-reviewer");
    assertThat(catalog.find("iam-policy-reviewer").map(a -> catalog.displayName(a.source())))
        .contains("review/security/iam-policy-reviewer.md");
    assertThat(catalog.find("iam-policy-reviewer")).map(AgentDefinition::source)
        .contains(FIXTURES.resolve("review/security/iam-policy-reviewer.md").toString());
    assertThat(catalog.find("api-contract-designer")).map(AgentDefinition::source)
        .contains(FIXTURES.resolve("api-contract-designer.md").toString());
    assertThat(catalog.problems()).extracting(Throwable::getMessage).containsExactly(
        FIXTURES.resolve("archive/api-contract-designer.md") + ":2: duplicate name 'api-contract-designer': also defined in "
            + FIXTURES.resolve("api-contract-designer.md") + "; rename one of them");
  }

  @Test
  void a_top_level_file_keeps_its_name_against_a_copy_in_a_subfolder_whatever_the_folder_is_called(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("aaa"));
    Files.copy(FIXTURES.resolve("archive/api-contract-designer.md"), dir.resolve("aaa/old.md"));
    Files.copy(FIXTURES.resolve("api-contract-designer.md"), dir.resolve("zz-designer.md"));

    AgentCatalog catalog = AgentCatalog.load(dir);

    assertThat(catalog.find("api-contract-designer")).map(AgentDefinition::source).contains(dir.resolve("zz-designer.md").toString());
    assertThat(catalog.problems()).extracting(AgentDefinitionException::source).containsExactly(dir.resolve("aaa/old.md").toString());
  }

  @Test
  void a_linked_folder_is_read_as_the_folder_it_names_but_links_to_folders_inside_are_not_followed(@TempDir Path dir)
      throws IOException {
    Path real = Files.createDirectories(dir.resolve("dotfiles/agents"));
    Files.copy(FIXTURES.resolve("release-shipper.md"), real.resolve("shipper.md"));
    Files.createSymbolicLink(real.resolve("loop"), real);
    Path linked = Files.createSymbolicLink(dir.resolve("agents"), real);

    AgentCatalog catalog = AgentCatalog.load(linked);

    assertThat(catalog.agents()).extracting(AgentDefinition::name).containsExactly("release-shipper");
    assertThat(catalog.agents().get(0).source()).isEqualTo(linked.resolve("shipper.md").toString());
    assertThat(catalog.problems()).isEmpty();
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
        .hasMessageStartingWith("big.md:3: name 'Big Name' must be lowercase letters, digits, hyphens and dots");
  }

  @Test
  void a_name_starting_with_a_dot_is_refused() {
    assertThatThrownBy(() -> loader.parse("---\nname: .hidden\ndescription: d\n---\nbody", "dot.md"))
        .hasMessage("dot.md:2: name '.hidden' must be lowercase letters, digits, hyphens and dots, starting with a letter "
            + "or digit (at most 64), e.g. 'my-agent'");
  }

  @Test
  void tools_of_the_wrong_type_are_refused() {
    assertThatThrownBy(() -> loader.parse("---\nname: a\ndescription: b\ntools: 42\n---\nbody", "num.md"))
        .hasMessageStartingWith("num.md:4: 'tools' must be a comma-separated string or a YAML list");
  }

  @Test
  void a_directory_keeps_good_agents_and_reports_each_bad_file_and_skips_other_files(@TempDir Path dir)
      throws IOException {
    Files.copy(FIXTURES.resolve("release-shipper.md"), dir.resolve("a-shipper.md"));
    Files.createDirectories(dir.resolve("team"));
    Files.copy(FIXTURES.resolve("autonomous-builder.md"), dir.resolve("team/builder.md"));
    Files.writeString(dir.resolve("broken.md"), "no frontmatter here\n");
    Files.writeString(dir.resolve("team/notes.txt"), "not an agent\n");

    AgentCatalog catalog = AgentCatalog.load(dir);

    assertThat(catalog.agents()).extracting(AgentDefinition::name).containsExactly("release-shipper", "autonomous-builder");
    assertThat(catalog.problems()).extracting(Throwable::getMessage).containsExactly(
        dir.resolve("broken.md") + ":1: no frontmatter: the file must start with a line '---', YAML, then '---'");
  }

  @Test
  void gantrys_own_agents_load_with_the_roles_the_pipeline_needs() {
    AgentCatalog catalog = AgentCatalog.load(Path.of("../agents"));

    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.agents()).extracting(AgentDefinition::name)
        .contains("architect", "planner", "deployer", "reviewer");
    assertThat(catalog.find("architect").map(AgentDefinition::tools)).contains(Optional.of(List.of("Read", "Glob", "Grep", "Write")));
  }
}
