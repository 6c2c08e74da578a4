package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.agent.Transcript;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleOutputTest {
  static final StageDefinition ARCHITECT = Pipelines.standard().stages().stream().filter(s -> s.name().equals("architect"))
      .findFirst().orElseThrow();

  static Transcript.ModelCall call(int turn, long in, long out) {
    return new Transcript.ModelCall(Transcript.MODEL_CALL, turn, "m", StopReason.TOOL_USE, new TokenUsage(in, out), 10, 5, List.of(), null);
  }

  static Transcript.ToolCall tool(int turn) {
    return new Transcript.ToolCall(Transcript.TOOL_CALL, turn, "t" + turn, "read_file", null, 10, "0".repeat(64), 1, null);
  }

  static String run(boolean terminal) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleOutput console = new ConsoleOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal);
    console.stageStarted(null, ARCHITECT);
    console.agentCalled(null, ARCHITECT, call(1, 100, 20));
    console.agentCalled(null, ARCHITECT, tool(1));
    console.agentCalled(null, ARCHITECT, tool(1));
    console.agentCalled(null, ARCHITECT, call(2, 300, 40));
    console.stageEnded(null, ARCHITECT, new StageRecord("architect", StageStatus.SUCCEEDED, Instant.EPOCH, Instant.EPOCH.plusMillis(1500),
        1, TokenUsage.ZERO, "done", List.of()));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void off_a_terminal_each_model_call_prints_a_plain_progress_line_with_the_running_totals() {
    assertThat(run(false).lines()).containsExactly(
        "  architect  started",
        "  architect  turn 1, 0 tool calls, 120 tokens, $0.0000",
        "  architect  turn 2, 2 tool calls, 460 tokens, $0.0000",
        "  architect  SUCCEEDED 1.5 s  done");
  }

  @Test
  void on_a_terminal_the_progress_line_is_rewritten_in_place_and_erased_when_the_stage_ends() {
    String printed = run(true);
    assertThat(printed).contains("\r  architect  turn 2, 2 tool calls, 460 tokens, $0.0000\u001b[K");
    assertThat(printed).doesNotContain("turn 1, 0 tool calls, 120 tokens, $0.0000\n");
    assertThat(printed).endsWith("\r\u001b[K  architect  SUCCEEDED 1.5 s  done\n");
  }
}
