package dev.gantry.model.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.agent.AgentDefinition;
import dev.gantry.agent.AgentRunner;
import dev.gantry.agent.GantryTool;
import dev.gantry.agent.Toolbox;
import dev.gantry.agent.Transcript;
import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import dev.gantry.repo.RepositorySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recorded model replays an agent run from its transcript: same tool calls and results, no model called. */
class RecordedModelTest {
  @TempDir Path root;
  final AgentDefinition agent =
      new AgentDefinition("tester", "tests", Optional.empty(), "inherit", "You test.", Map.of(), "tester.md");
  final AgentRunner.Limits limits = new AgentRunner.Limits(5, 10_000, 1000);

  /** A model answering from a script, as a real provider would: with usage. */
  static final class ScriptedModel implements ModelClient {
    final Deque<ModelResponse> script = new ArrayDeque<>();

    @Override
    public ModelResponse converse(ModelRequest request) {
      return script.removeFirst();
    }

    @Override
    public String describe() {
      return "scripted";
    }
  }

  @BeforeEach
  void createRepository() throws IOException {
    Files.writeString(root.resolve("pom.xml"), "<project/>");
  }

  Toolbox toolbox() {
    return new Toolbox(EnumSet.allOf(GantryTool.class), new RepositorySnapshot(root, 1000, 100),
        (name, content) -> new DocumentRef(name, "k/" + name, content.length(), Sha256.hex(content), "text/plain"));
  }

  static ModelResponse toolCall(String id, String tool, String input) {
    return new ModelResponse(new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.Text("looking"),
        new ContentBlock.ToolUse(id, tool, Json.tree(input)))), StopReason.TOOL_USE, new TokenUsage(100, 20));
  }

  /** Runs the scripted conversation once and returns its transcript as stored. */
  String recordedRun() {
    ScriptedModel model = new ScriptedModel();
    model.script.add(toolCall("t1", "read_file", "{\"path\":\"pom.xml\"}"));
    model.script.add(toolCall("t2", "write_document", "{\"name\":\"notes.md\",\"content\":\"# Notes\"}"));
    model.script.add(new ModelResponse(new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.Text("done"))),
        StopReason.END_TURN, new TokenUsage(50, 5)));
    Transcript transcript = new Transcript();
    new AgentRunner(model).run(agent, "m", "stage", "task", toolbox(), limits, transcript);
    return transcript.jsonLines();
  }

  @Test
  void replaying_a_transcript_makes_the_same_tool_calls_with_the_same_results_and_uses_no_tokens() {
    List<Transcript.Entry> recorded = Transcript.parse(recordedRun());
    RecordedModel model = RecordedModel.of("stage test of session s1", recorded);

    Transcript replayed = new Transcript();
    AgentRunner.Result result = new AgentRunner(model).run(agent, "m", "stage", "task", toolbox(), limits, replayed);

    assertThat(result.outcome()).isEqualTo(AgentRunner.Outcome.END_TURN);
    assertThat(result.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(model.answered()).isEqualTo(model.recorded()).isEqualTo(3);
    assertThat(toolCalls(replayed.entries())).extracting(Transcript.ToolCall::tool, Transcript.ToolCall::resultSha256)
        .containsExactlyElementsOf(toolCalls(recorded).stream()
            .map(c -> org.assertj.core.groups.Tuple.tuple(c.tool(), c.resultSha256())).toList());
    assertThat(models(replayed.entries())).extracting(Transcript.ModelCall::content)
        .containsExactlyElementsOf(models(recorded).stream().map(Transcript.ModelCall::content).toList());
    assertThat(model.describe()).isEqualTo("recorded answers of stage test of session s1 (no model called)");
  }

  @Test
  void asking_for_more_calls_than_were_recorded_is_a_divergence_that_is_never_retried() {
    List<Transcript.Entry> recorded = Transcript.parse(recordedRun());
    RecordedModel model = RecordedModel.of("stage test of session s1", recorded.subList(0, 2)); // the first call and its tool

    Transcript replayed = new Transcript();
    assertThatThrownBy(() -> new AgentRunner(model).run(agent, "m", "stage", "task", toolbox(), limits, replayed))
        .isInstanceOf(RecordedModel.RecordingExhaustedException.class)
        .hasMessage("replay: call 2 was asked for, but stage test of session s1 recorded 1 model call; "
            + "the replay went on where the original stopped")
        .satisfies(e -> assertThat(((ModelException) e).retryable()).isFalse());
    assertThat(models(replayed.entries())).last().extracting(Transcript.ModelCall::error).asString()
        .startsWith("RecordingExhaustedException: replay: call 2 was asked for");
  }

  @Test
  void a_model_that_must_not_be_called_refuses_every_call() {
    NoModel none = new NoModel("gantry replay calls no model");

    assertThatThrownBy(() -> none.converse(null)).isInstanceOf(ModelException.class)
        .hasMessage("no model may be called here (gantry replay calls no model)");
    assertThat(none.describe()).isEqualTo("gantry replay calls no model");
  }

  static List<Transcript.ToolCall> toolCalls(List<Transcript.Entry> entries) {
    return entries.stream().filter(Transcript.ToolCall.class::isInstance).map(Transcript.ToolCall.class::cast).toList();
  }

  static List<Transcript.ModelCall> models(List<Transcript.Entry> entries) {
    return entries.stream().filter(Transcript.ModelCall.class::isInstance).map(Transcript.ModelCall.class::cast).toList();
  }
}
