package dev.gantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import dev.gantry.repo.RepositorySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRunnerTest {
  @TempDir Path root;
  final Map<String, String> documents = new LinkedHashMap<>();
  Toolbox toolbox;
  final AgentDefinition agent =
      new AgentDefinition("tester", "tests", Optional.empty(), "inherit", "You test.", Map.of(), "tester.md");
  final AgentRunner.Limits limits = new AgentRunner.Limits(5, 10_000, 1000);

  /** A model that answers from a script and records what it was sent. */
  static class ScriptedModel implements ModelClient {
    final Deque<ModelResponse> script = new ArrayDeque<>();
    final List<ModelRequest> requests = new ArrayList<>();

    @Override
    public ModelResponse converse(ModelRequest request) {
      requests.add(request);
      return script.isEmpty() ? toolCall("again", "list_files", "{}", 10) : script.removeFirst();
    }

    @Override
    public String describe() {
      return "scripted";
    }
  }

  static ModelResponse toolCall(String id, String tool, String input, long tokens) {
    return new ModelResponse(
        new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.ToolUse(id, tool, Json.tree(input)))),
        StopReason.TOOL_USE, new TokenUsage(tokens, tokens));
  }

  static ModelResponse answer(String text) {
    return new ModelResponse(
        new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.Text(text))), StopReason.END_TURN, new TokenUsage(5, 5));
  }

  @BeforeEach
  void createRepository() throws IOException {
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    toolbox = new Toolbox(EnumSet.allOf(GantryTool.class), new RepositorySnapshot(root, 1000, 100),
        (name, content) -> {
          documents.put(name, content);
          return new DocumentRef(name, "k/" + name, content.length(), Sha256.hex(content), "text/plain");
        });
  }

  @Test
  void runs_requested_tools_feeds_results_back_and_stops_on_end_turn() {
    ScriptedModel model = new ScriptedModel();
    model.script.add(toolCall("t1", "read_file", "{\"path\":\"pom.xml\"}", 100));
    model.script.add(toolCall("t2", "write_document", "{\"name\":\"notes.md\",\"content\":\"# Notes\"}", 100));
    model.script.add(answer("done"));

    AgentRunner.Result result = new AgentRunner(model).run(agent, "model-x", "Stage rules.", "Do it.", toolbox, limits);

    assertThat(result.outcome()).isEqualTo(AgentRunner.Outcome.END_TURN);
    assertThat(result.turns()).isEqualTo(3);
    assertThat(result.finalText()).isEqualTo("done");
    assertThat(result.usage()).isEqualTo(new TokenUsage(205, 205));
    assertThat(result.toolCalls()).containsExactly(
        new AgentRunner.ToolCall("read_file", true), new AgentRunner.ToolCall("write_document", true));
    assertThat(documents).containsEntry("notes.md", "# Notes");
    ModelRequest second = model.requests.get(1);
    assertThat(second.modelId()).isEqualTo("model-x");
    assertThat(second.system()).isEqualTo("You test.\n\nStage rules.\n\n" + dev.gantry.model.UntrustedData.NOTICE);
    assertThat(second.messages().get(2).content()).singleElement()
        .isEqualTo(new ContentBlock.ToolResult("t1", "<repository-data source=\"pom.xml\">\n<project/>\n</repository-data>",
            ContentBlock.ToolResult.Status.SUCCESS));
    assertThat(second.tools()).extracting(t -> t.name())
        .containsExactlyInAnyOrder("read_file", "list_files", "search_text", "write_document");
  }

  @Test
  void refused_tool_input_and_unknown_tools_come_back_as_error_results() {
    ScriptedModel model = new ScriptedModel();
    model.script.add(toolCall("t1", "read_file", "{\"path\":\"../etc/passwd\"}", 1));
    model.script.add(toolCall("t2", "run_shell", "{\"cmd\":\"rm -rf /\"}", 1));
    model.script.add(answer("ok"));

    AgentRunner.Result result = new AgentRunner(model).run(agent, "m", "", "go", toolbox, limits);

    assertThat(result.toolCalls()).containsExactly(
        new AgentRunner.ToolCall("read_file", false), new AgentRunner.ToolCall("run_shell", false));
    assertThat(model.requests.get(1).messages().get(2).content()).singleElement()
        .isEqualTo(new ContentBlock.ToolResult("t1", "'..' is not allowed in paths: ../etc/passwd", ContentBlock.ToolResult.Status.ERROR));
    assertThat(model.requests.get(2).messages().get(4).content()).singleElement()
        .isEqualTo(new ContentBlock.ToolResult("t2", "tool 'run_shell' is not offered to this agent", ContentBlock.ToolResult.Status.ERROR));
  }

  @Test
  void stops_at_the_turn_limit() {
    ScriptedModel model = new ScriptedModel();

    AgentRunner.Result result = new AgentRunner(model).run(agent, "m", "", "go", toolbox, limits);

    assertThat(result.outcome()).isEqualTo(AgentRunner.Outcome.TURN_LIMIT);
    assertThat(model.requests).hasSize(5);
  }

  @Test
  void stops_when_the_token_budget_is_spent() {
    ScriptedModel model = new ScriptedModel();
    model.script.add(toolCall("t1", "list_files", "{}", 3000));
    model.script.add(toolCall("t2", "list_files", "{}", 3000));

    AgentRunner.Result result = new AgentRunner(model).run(agent, "m", "", "go", toolbox, limits);

    assertThat(result.outcome()).isEqualTo(AgentRunner.Outcome.TOKEN_BUDGET);
    assertThat(result.turns()).isEqualTo(2);
    assertThat(result.usage().totalTokens()).isEqualTo(12_000);
  }

  static ModelResponse pricedToolCall(String id, long outputTokens, long costMicrodollars) {
    return new ModelResponse(
        new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.ToolUse(id, "list_files", Json.tree("{}")))),
        StopReason.TOOL_USE, new TokenUsage(100, outputTokens, 0, 0, costMicrodollars), 250);
  }

  @Test
  void stops_after_the_call_that_reaches_the_cost_budget_and_reports_each_call() {
    ScriptedModel model = new ScriptedModel();
    model.script.add(pricedToolCall("t1", 10, 400_000));
    model.script.add(pricedToolCall("t2", 10, 700_000));
    model.script.add(pricedToolCall("t3", 10, 100_000));

    AgentRunner.Result result = new AgentRunner(model).run(agent, "m", "", "go", toolbox,
        new AgentRunner.Limits(20, 1_000_000, 1000, 1_000_000, 1_000_000));

    assertThat(result.outcome()).isEqualTo(AgentRunner.Outcome.COST_BUDGET);
    assertThat(result.outcome().budget()).isTrue();
    assertThat(model.requests).hasSize(2);
    assertThat(result.usage().costMicrodollars()).isEqualTo(1_100_000);
    assertThat(result.modelCalls()).extracting(c -> c.usage().costMicrodollars(), AgentRunner.ModelCall::latencyMillis)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(400_000L, 250L), org.assertj.core.groups.Tuple.tuple(700_000L, 250L));
  }

  @Test
  void stops_when_the_output_token_budget_is_spent() {
    ScriptedModel model = new ScriptedModel();
    model.script.add(pricedToolCall("t1", 600, 0));
    model.script.add(pricedToolCall("t2", 600, 0));

    AgentRunner.Result result = new AgentRunner(model).run(agent, "m", "", "go", toolbox,
        new AgentRunner.Limits(20, 1_000_000, 1000, 1000, Long.MAX_VALUE));

    assertThat(result.outcome()).isEqualTo(AgentRunner.Outcome.OUTPUT_BUDGET);
    assertThat(result.usage().outputTokens()).isEqualTo(1200);
  }

  @Test
  void a_cost_budget_on_a_model_without_a_price_fails_closed_before_any_call() {
    ScriptedModel unpriced = new ScriptedModel() {
      @Override
      public boolean knowsCost(String modelId) {
        return false;
      }
    };

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AgentRunner(unpriced).run(agent, "vendor.unknown-model", "", "go",
            toolbox, limits.withCostBudget(5_000_000)))
        .isInstanceOf(dev.gantry.model.ModelException.class)
        .hasMessageContaining("no price is known for vendor.unknown-model");
    assertThat(unpriced.requests).isEmpty();
  }
}
