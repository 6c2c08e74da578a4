package dev.gantry.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything one agent run did, call by call: each model call with the model's whole answer, and
 * each tool call with its input and a digest of its result. A stage stores it as the document
 * {@code transcript-<stage>.jsonl} ({@link #documentName}), whose SHA-256 lands on the session with
 * the stage's other documents; a later replay can feed the recorded answers back instead of a model.
 *
 * <p>Format: JSON Lines (one JSON object per line, UTF-8, each line ending in {@code \n}; see
 * jsonlines.org), in the order the calls happened. Each line is one {@link Entry}; its {@code kind}
 * says which record it is: {@value #MODEL_CALL} for {@link ModelCall}, {@value #TOOL_CALL} for
 * {@link ToolCall}. Written with Gantry's Jackson mapper ({@link Json}): fields in record order,
 * absent ({@code null}) fields left out.
 *
 * <p>Not thread-safe: one run appends to it from one thread.
 */
public final class Transcript {
  /** The {@code kind} of a {@link ModelCall} line. */
  public static final String MODEL_CALL = "model_call";
  /** The {@code kind} of a {@link ToolCall} line. */
  public static final String TOOL_CALL = "tool_call";

  private final List<Entry> entries = new ArrayList<>();
  private final java.util.function.Consumer<Entry> observer;

  /** An empty transcript. */
  public Transcript() {
    this(entry -> { });
  }

  /**
   * An empty transcript that tells {@code observer} of each entry as it is added (progress output);
   * the observer must not throw.
   */
  public Transcript(java.util.function.Consumer<Entry> observer) {
    this.observer = Objects.requireNonNull(observer);
  }

  /** The name of a stage's transcript document: {@code transcript-architect.jsonl} for {@code architect}. */
  public static String documentName(String stage) {
    return "transcript-" + stage + ".jsonl";
  }

  /** One line of a transcript. */
  public sealed interface Entry permits ModelCall, ToolCall {
    /** {@value #MODEL_CALL} or {@value #TOOL_CALL}. */
    String kind();

    /** The 1-based model call this entry belongs to (a tool call belongs to the call that asked for it). */
    int turn();
  }

  /**
   * One model call ({@code kind} {@value #MODEL_CALL}).
   *
   * @param kind always {@value #MODEL_CALL}
   * @param turn 1-based number of the call within the run
   * @param modelId the model or inference profile id called
   * @param stopReason why the model stopped (Converse's {@code stopReason}, e.g. {@code TOOL_USE});
   *     absent when the call failed
   * @param usage the call's tokens and cost (also {@code costUsd} and {@code cacheReadShare}, derived)
   * @param durationMs wall-clock milliseconds the runner waited for the answer, retries included
   * @param latencyMs the provider's own latency figure in milliseconds (0 when it gives none)
   * @param content the model's whole answer, in order: text and tool-use blocks; empty when the call failed
   * @param error why the call failed (the model port's message); absent when it succeeded
   */
  public record ModelCall(
      String kind, int turn, String modelId, StopReason stopReason, TokenUsage usage, long durationMs,
      long latencyMs, List<Block> content, String error) implements Entry {
    public ModelCall {
      requireKind(kind, MODEL_CALL);
      content = List.copyOf(content);
    }

    /** A call that answered. */
    static ModelCall answered(int turn, String modelId, ModelResponse response, long durationMs) {
      return new ModelCall(MODEL_CALL, turn, modelId, response.stopReason(), response.usage(), durationMs,
          response.latencyMillis(), response.output().content().stream().map(Block::of).toList(), null);
    }

    /** A call that failed after {@code durationMs}. */
    static ModelCall failed(int turn, String modelId, long durationMs, RuntimeException error) {
      return new ModelCall(MODEL_CALL, turn, modelId, null, TokenUsage.ZERO, durationMs, 0, List.of(),
          error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    /** The answer as a message, for a replay to return instead of calling a model. */
    public Message output() {
      return new Message(Message.Role.ASSISTANT, content.stream().map(Block::toContentBlock).toList());
    }
  }

  /**
   * One tool call ({@code kind} {@value #TOOL_CALL}).
   *
   * @param kind always {@value #TOOL_CALL}
   * @param turn the model call that asked for it
   * @param toolUseId the model's id pairing the request with its result
   * @param tool the tool name the model asked for ({@code read_file}), offered or not
   * @param input the model's arguments, a JSON object as sent
   * @param resultBytes length in bytes (UTF-8) of the result text sent back to the model, error text included
   * @param resultSha256 lowercase hex SHA-256 of those bytes
   * @param durationMs wall-clock milliseconds the tool took
   * @param error the error sent back to the model (a refused tool or input), or the storage failure
   *     that stopped the run; absent when the tool succeeded
   */
  public record ToolCall(
      String kind, int turn, String toolUseId, String tool, JsonNode input, long resultBytes, String resultSha256,
      long durationMs, String error) implements Entry {
    public ToolCall {
      requireKind(kind, TOOL_CALL);
    }

    /** A call whose result (or error text, when {@code failed}) went back to the model. */
    static ToolCall of(int turn, ContentBlock.ToolUse use, String result, boolean failed, long durationMs) {
      byte[] bytes = result.getBytes(StandardCharsets.UTF_8);
      return new ToolCall(TOOL_CALL, turn, use.toolUseId(), use.name(), use.input(), bytes.length, Sha256.hex(bytes),
          durationMs, failed ? result : null);
    }
  }

  /**
   * One block of a model's answer.
   *
   * @param type {@code text} or {@code tool_use}
   * @param text the text of a {@code text} block
   * @param toolUseId the id of a {@code tool_use} block
   * @param name the tool a {@code tool_use} block asks for
   * @param input the arguments of a {@code tool_use} block
   */
  public record Block(String type, String text, String toolUseId, String name, JsonNode input) {
    /** The {@code type} of a text block. */
    public static final String TEXT = "text";
    /** The {@code type} of a tool-use block. */
    public static final String TOOL_USE = "tool_use";

    static Block of(ContentBlock block) {
      if (block instanceof ContentBlock.Text t) {
        return new Block(TEXT, t.text(), null, null, null);
      }
      if (block instanceof ContentBlock.ToolUse u) {
        return new Block(TOOL_USE, null, u.toolUseId(), u.name(), u.input());
      }
      ContentBlock.ToolResult r = (ContentBlock.ToolResult) block;
      throw new IllegalArgumentException("a model's answer holds no tool results (" + r.toolUseId() + ")");
    }

    /** The block as the model port's content block. */
    public ContentBlock toContentBlock() {
      return TOOL_USE.equals(type) ? new ContentBlock.ToolUse(toolUseId, name, input) : new ContentBlock.Text(text);
    }
  }

  /** Appends one entry. */
  void add(Entry entry) {
    entries.add(Objects.requireNonNull(entry));
    observer.accept(entry);
  }

  /** The entries so far, in order. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The transcript as JSON Lines: one entry per line, each line ending in a line feed; empty when nothing ran. */
  public String jsonLines() {
    StringBuilder out = new StringBuilder();
    for (Entry entry : entries) {
      out.append(Json.write(entry)).append('\n');
    }
    return out.toString();
  }

  /**
   * Reads a transcript written by {@link #jsonLines}.
   *
   * @throws IllegalArgumentException naming the 1-based line that is not a transcript entry
   */
  public static List<Entry> parse(String jsonLines) {
    List<Entry> parsed = new ArrayList<>();
    String[] lines = jsonLines.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        JsonNode node = Json.MAPPER.readTree(lines[i]);
        String kind = node.path("kind").asText();
        parsed.add(switch (kind) {
          case MODEL_CALL -> Json.MAPPER.treeToValue(node, ModelCall.class);
          case TOOL_CALL -> Json.MAPPER.treeToValue(node, ToolCall.class);
          default -> throw new IllegalArgumentException("line " + (i + 1) + ": unknown kind '" + kind + "'");
        });
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": not a transcript entry: " + e.getOriginalMessage(), e);
      }
    }
    return parsed;
  }

  private static void requireKind(String kind, String expected) {
    if (!expected.equals(kind)) {
      throw new IllegalArgumentException("kind must be " + expected + ", not " + kind);
    }
  }
}
