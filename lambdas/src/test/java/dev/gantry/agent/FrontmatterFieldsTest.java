package dev.gantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.agent.Frontmatter.Note;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The frontmatter fields a server-side runner honours (Claude Code documentation, "Subagents"):
 * {@code tools}, {@code disallowedTools}, {@code maxTurns}, {@code model}, {@code permissionMode},
 * {@code initialPrompt}, and what a listing says about the others. Fixtures under {@link #FIXTURES}
 * are written for these tests.
 */
class FrontmatterFieldsTest {
  static final Path FIXTURES = Path.of("src/test/resources/agents/frontmatter");

  private final AgentLoader loader = new AgentLoader();

  private AgentDefinition fixture(String file) {
    return loader.load(FIXTURES.resolve(file));
  }

  private static AgentDefinition parse(String frontmatter) {
    return new AgentLoader().parse("---\nname: probe\ndescription: probes\n" + frontmatter + "\n---\nYou probe.\n", "probe.md");
  }

  @Test
  void denying_write_withholds_write_document_even_when_tools_lists_it() {
    AgentDefinition agent = fixture("read-only-reviewer.md");

    assertThat(agent.disallowedTools()).contains(List.of("Write", "Edit", "MultiEdit"));
    ToolMapping.Selection tools = ToolMapping.select(agent);
    assertThat(tools.offered()).containsExactlyInAnyOrder(GantryTool.READ_FILE, GantryTool.SEARCH_TEXT, GantryTool.LIST_FILES);
    assertThat(tools.withheld()).containsOnlyKeys(GantryTool.WRITE_DOCUMENT);
    assertThat(tools.dropped()).extracting(ToolMapping.DroppedTool::name).containsExactly("Write", "Edit", "MultiEdit");
    assertThat(agent.description()).contains("never writes.\n\nExamples:\n\n<example>");
  }

  @Test
  void denying_one_name_of_a_gantry_tool_withholds_it_for_the_other_names_too_and_without_a_tools_field() {
    AgentDefinition listed = parse("tools: Read, Edit\ndisallowedTools: [Write]");
    AgentDefinition inherited = parse("disallowedTools: Write(docs/**), Bash");

    assertThat(ToolMapping.select(listed).offered()).containsExactly(GantryTool.READ_FILE);
    assertThat(ToolMapping.select(listed).dropped()).extracting(ToolMapping.DroppedTool::reason)
        .containsExactly("denied by disallowedTools", "write_document is withheld: denied by the agent's disallowedTools ('Write')");
    assertThat(ToolMapping.select(inherited).offered())
        .containsExactlyInAnyOrder(GantryTool.READ_FILE, GantryTool.LIST_FILES, GantryTool.SEARCH_TEXT);
  }

  @Test
  void a_model_asking_for_a_denied_tool_gets_a_tool_error_naming_the_denial() {
    Toolbox toolbox = new Toolbox(ToolMapping.select(fixture("read-only-reviewer.md")), null, (name, content) -> {
      throw new AssertionError("nothing may be written");
    });

    assertThat(toolbox.find("write_document")).isEmpty();
    assertThat(toolbox.refusal("write_document"))
        .isEqualTo("tool 'write_document' is not offered to this agent: denied by the agent's disallowedTools ('Write')");
  }

  @Test
  void plan_mode_is_read_only_and_other_modes_change_nothing_and_say_so() {
    AgentDefinition plan = fixture("plan-mode-mentor.md");
    AgentDefinition acceptEdits = fixture("kickoff-architect.md");

    assertThat(plan.permissionMode()).isEqualTo(PermissionMode.PLAN);
    assertThat(ToolMapping.select(plan).offered()).containsExactlyInAnyOrder(GantryTool.READ_FILE, GantryTool.SEARCH_TEXT);
    assertThat(ToolMapping.select(plan).dropped()).singleElement()
        .isEqualTo(new ToolMapping.DroppedTool("Write", "write_document is withheld: the agent's permissionMode 'plan' is read-only"));
    assertThat(ToolMapping.select(parse("permissionMode: plan")).offered()).doesNotContain(GantryTool.WRITE_DOCUMENT);
    assertThat(acceptEdits.permissionMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);
    assertThat(ToolMapping.select(acceptEdits).offered()).contains(GantryTool.WRITE_DOCUMENT);
    assertThat(acceptEdits.notes()).contains(new Note("permissionMode", Note.Kind.ACCEPTED,
        "acceptEdits: accepted; changes nothing: Gantry asks no one, and write_document only writes session documents"));
  }

  @Test
  void bypass_permissions_does_not_load_and_says_why() {
    assertThatThrownBy(() -> fixture("bypass-deployer.md"))
        .isInstanceOf(AgentDefinitionException.class)
        .hasMessage(FIXTURES.resolve("bypass-deployer.md") + ":6: 'permissionMode' bypassPermissions is refused: Gantry "
            + "never widens what an agent may do, so an agent that asks to bypass permissions does not load; remove the "
            + "field or use 'default' or 'plan'");
  }

  @Test
  void an_unknown_permission_mode_does_not_load_and_suggests_the_closest() {
    assertThatThrownBy(() -> parse("permissionMode: acceptedits"))
        .hasMessageContaining("probe.md:4: 'permissionMode' 'acceptedits' is not a Claude Code permission mode")
        .hasMessageEndingWith("did you mean 'acceptEdits'?");
  }

  @Test
  void max_turns_is_read_as_a_positive_whole_number() {
    assertThat(fixture("turn-capped-architect.md").maxTurns()).contains(2);
    assertThat(parse("maxTurns: \"7\"").maxTurns()).contains(7);
    assertThat(parse("tools: Read").maxTurns()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "maxTurns: 0    | 'maxTurns' must be at least 1 (found 0)",
      "maxTurns: -3   | 'maxTurns' must be at least 1 (found -3)",
      "maxTurns: 2.5  | 'maxTurns' must be a whole number of model calls, at least 1 (found '2.5')",
      "maxTurns: ten  | 'maxTurns' must be a whole number of model calls, at least 1 (found 'ten')",
      "maxTurns: [3]  | 'maxTurns' must be a whole number of model calls, at least 1 (found '[3]')"})
  void a_max_turns_that_is_not_a_positive_integer_is_a_load_problem_naming_file_and_field(String line, String problem) {
    assertThatThrownBy(() -> parse(line))
        .isInstanceOf(AgentDefinitionException.class)
        .hasMessageStartingWith("probe.md:4: " + problem);
  }

  @Test
  void max_turns_lowers_the_configured_turn_limit_and_never_raises_it() {
    AgentRunner.Limits limits = new AgentRunner.Limits(20, 1_000_000, 1000);

    assertThat(AgentRunner.turnLimit(fixture("turn-capped-architect.md"), limits)).isEqualTo(2);
    assertThat(AgentRunner.turnLimit(fixture("patient-architect.md"), limits)).isEqualTo(20);
    assertThat(AgentRunner.turnLimit(fixture("read-only-reviewer.md"), limits)).isEqualTo(20);
  }

  @Test
  void an_unknown_model_alias_loads_with_a_warning_naming_the_known_aliases() {
    AgentDefinition agent = fixture("mistyped-model.md");

    assertThat(agent.model()).isEqualTo("sonet");
    assertThat(agent.notes()).containsExactly(new Note("model", Note.Kind.WARNING,
        "'sonet' is not a model alias Gantry knows (sonnet, opus, haiku, inherit; did you mean 'sonnet'?): a stage that "
            + "runs this agent fails before calling a model; use an alias, 'inherit' or a full model id"));
    assertThat(fixture("kickoff-architect.md").notes()).extracting(Note::field).doesNotContain("model");
  }

  @Test
  void initial_prompt_is_read_and_the_fields_gantry_does_not_use_are_kept_and_explained() {
    AgentDefinition agent = fixture("kickoff-architect.md");

    assertThat(agent.initialPrompt()).contains("Before anything else, read CONVENTIONS.md and follow it.");
    assertThat(agent.frontmatter()).containsKeys("skills", "mcpServers", "hooks", "memory", "effort", "background", "isolation", "color");
    assertThat(agent.notes()).filteredOn(n -> n.kind() == Note.Kind.IGNORED).extracting(Note::field, Note::message).containsExactly(
        org.assertj.core.groups.Tuple.tuple("skills", "not supported server-side: Gantry has no skill store; put what the agent needs in its body"),
        org.assertj.core.groups.Tuple.tuple("mcpServers", "not supported server-side: MCP servers are not reachable from a Lambda function"),
        org.assertj.core.groups.Tuple.tuple("hooks", "not supported server-side: hooks run commands on the machine, which a stage never does"),
        org.assertj.core.groups.Tuple.tuple("memory",
            "not supported server-side: a stage starts without memory; documents carry what one stage tells the next"),
        org.assertj.core.groups.Tuple.tuple("effort", "not passed to the model: Gantry sets no reasoning effort"),
        org.assertj.core.groups.Tuple.tuple("background", "does not apply: each stage runs its agent as one step of the session"),
        org.assertj.core.groups.Tuple.tuple("isolation", "does not apply: every stage already reads its own read-only snapshot of one commit"),
        org.assertj.core.groups.Tuple.tuple("color", "display only"));
  }

  @Test
  void misspelt_keys_warn_with_a_did_you_mean_and_change_nothing() {
    AgentDefinition agent = fixture("misspelt-keys.md");

    assertThat(agent.notes()).extracting(Note::toString).containsExactly(
        "warning: tool: not a Claude Code field: did you mean 'tools'? It is ignored as written",
        "warning: disallowed-tools: not a Claude Code field: did you mean 'disallowedTools'? It is ignored as written",
        "warning: maxturns: not a Claude Code field: did you mean 'maxTurns'? It is ignored as written",
        "warning: modle: not a Claude Code field: did you mean 'model'? It is ignored as written",
        "ignored: owner: not a Claude Code field; kept, unused");
    assertThat(agent.tools()).isEmpty();
    assertThat(agent.maxTurns()).isEmpty();
    assertThat(agent.model()).isEqualTo("inherit");
    assertThat(agent.frontmatter()).containsEntry("owner", "platform-team").containsEntry("tool", "Read, Grep");
  }

  @Test
  void disallowed_tools_of_the_wrong_type_are_refused_on_their_line() {
    assertThatThrownBy(() -> parse("disallowedTools: 7"))
        .hasMessage("probe.md:4: 'disallowedTools' must be a comma-separated string or a YAML list of tool names");
  }

  @Test
  void an_initial_prompt_that_is_not_text_is_refused() {
    assertThatThrownBy(() -> parse("initialPrompt: [read, it]"))
        .hasMessage("probe.md:4: 'initialPrompt' must be text: the first message the agent receives");
  }

  @Test
  void an_unknown_tool_name_suggests_the_closest_claude_code_tool_and_a_specifier_is_looked_up_by_its_tool() {
    ToolMapping.Selection tools = ToolMapping.select(parse("tools: Reed, Grep(pattern), Bash(git diff:*)"));

    assertThat(tools.offered()).containsExactly(GantryTool.SEARCH_TEXT);
    assertThat(tools.dropped()).containsExactly(
        new ToolMapping.DroppedTool("Reed", "unknown tool; did you mean 'Read'?"),
        new ToolMapping.DroppedTool("Bash(git diff:*)", "runs shell commands, which is unsafe in a Lambda function"));
  }
}
