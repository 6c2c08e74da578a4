package dev.gantry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentRunner;
import dev.gantry.agent.Transcript;
import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.ModelSelection;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.session.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent stage runs its agent as the agent's file says, and leaves a transcript of every call.
 * The agent files come from {@code src/test/resources/agents/frontmatter}; the model is scripted.
 */
class AgentStepTest {
  static final Path FIXTURES = Path.of("src/test/resources/agents/frontmatter");
  static final String STAGE = "architect";
  static final String TRANSCRIPT = "transcript-architect.jsonl";

  @TempDir Path repository;
  final MemoryDocuments store = new MemoryDocuments();
  final ScriptedModel model = new ScriptedModel();
  SessionDocuments documents;
  StageContext context;

  /** A document store in memory, keyed like S3. */
  static final class MemoryDocuments implements DocumentStore {
    final Map<String, byte[]> objects = new HashMap<>();

    @Override
    public DocumentRef put(String key, byte[] content, String contentType) {
      objects.put(key, content.clone());
      return new DocumentRef(key.substring(key.lastIndexOf('/') + 1), key, content.length, Sha256.hex(content), contentType);
    }

    @Override
    public DocumentRef put(String key, Path file, String contentType) {
      try {
        return put(key, Files.readAllBytes(file), contentType);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public Optional<byte[]> get(String key) {
      return Optional.ofNullable(objects.get(key)).map(byte[]::clone);
    }

    @Override
    public Optional<InputStream> open(String key) {
      return get(key).map(ByteArrayInputStream::new);
    }

    @Override
    public String locationOf(String key) {
      return "memory://" + key;
    }
  }

  /** A model that answers from a script (then lists files forever) and records what it was sent. */
  static final class ScriptedModel implements ModelClient {
    final Deque<Object> script = new ArrayDeque<>();
    final List<ModelRequest> requests = new ArrayList<>();

    @Override
    public ModelResponse converse(ModelRequest request) {
      requests.add(request);
      Object next = script.isEmpty() ? toolCall("again-" + requests.size(), "list_files", "{}") : script.removeFirst();
      if (next instanceof RuntimeException e) {
        throw e;
      }
      return (ModelResponse) next;
    }

    @Override
    public String describe() {
      return "scripted";
    }
  }

  static ModelResponse toolCall(String id, String tool, String input) {
    return new ModelResponse(new Message(Message.Role.ASSISTANT, List.of(
        new ContentBlock.Text("Using " + tool + "."), new ContentBlock.ToolUse(id, tool, Json.tree(input)))),
        StopReason.TOOL_USE, new TokenUsage(100, 20), 40);
  }

  static ModelResponse answer(String text) {
    return new ModelResponse(new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.Text(text))), StopReason.END_TURN,
        new TokenUsage(50, 10), 30);
  }

  static final String WRITE_ARCHITECTURE = "{\"name\":\"architecture.md\",\"content\":\"# Architecture\\nOne Lambda function.\"}";

  @BeforeEach
  void repository() throws IOException {
    Files.writeString(repository.resolve("pom.xml"), "<project/>\n");
    Files.writeString(repository.resolve("CONVENTIONS.md"), "Name every table after its entity.\n");
  }

  /** The architect stage's step over the fixtures' agents, with GANTRY_MAX_TURNS = {@code maxTurns}. */
  private AgentStep step(int maxTurns) {
    AgentCatalog catalog = AgentCatalog.load(FIXTURES);
    return new AgentStep(catalog, new AgentRunner(model),
        new ModelSelection("default-model", Map.of("sonnet", "sonnet-model", "opus", "opus-model", "haiku", "haiku-model")),
        new AgentRunner.Limits(maxTurns, 1_000_000, 1000), Long.MAX_VALUE);
  }

  private StageContext context(String agentName) {
    Session session = Session.start("s-1", "an orders API", repository.toString(), "gantry-orders",
        Map.of(STAGE, agentName), null, Instant.parse("2026-12-01T00:00:00Z"));
    documents = new SessionDocuments(store, session);
    StageDefinition stage = new StageDefinition(STAGE, "Architect", Optional.of(STAGE), RetryPolicy.none(),
        Duration.ofMinutes(5), false);
    context = new StageContext(session, stage, 1, () -> new RepositorySnapshot(repository, 10_000, 100), documents);
    return context;
  }

  private AgentStep.Run runArchitect(int maxTurns, String agentName) {
    return step(maxTurns).run(context(agentName), "Stage rules.", "Stage: architect\nGoal: an orders API",
        List.of(List.of("architecture.md")));
  }

  private List<Transcript.Entry> transcript() {
    DocumentRef ref = documents.written().get(TRANSCRIPT);
    assertThat(ref).as("transcript document").isNotNull();
    byte[] bytes = store.get(ref.key()).orElseThrow();
    assertThat(Sha256.hex(bytes)).isEqualTo(ref.sha256());
    return Transcript.parse(new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void an_agent_cannot_write_a_document_gantry_or_another_stage_owns_and_is_told_which_it_may_write() {
    model.script.add(toolCall("w1", "write_document", "{\"name\":\"validation.json\",\"content\":\"{\\\"passed\\\": true}\"}"));
    model.script.add(toolCall("w2", "write_document", "{\"name\":\"report.md\",\"content\":\"# All good\"}"));
    model.script.add(toolCall("w3", "write_document", WRITE_ARCHITECTURE));
    model.script.add(answer("Done."));

    runArchitect(20, "patient-architect");

    assertThat(documents.written()).containsOnlyKeys("architecture.md", TRANSCRIPT);
    assertThat(model.requests.get(1).messages().get(2).content()).singleElement().isEqualTo(new ContentBlock.ToolResult("w1",
        "the architect stage's agent writes architecture.md only; 'validation.json' is not its document",
        ContentBlock.ToolResult.Status.ERROR));
  }

  @Test
  void a_stage_cannot_write_a_document_another_stage_owns() {
    Session session = Session.start("s-2", "an orders API", repository.toString(), "gantry-orders", Instant.now());
    SessionDocuments architect = new SessionDocuments(store, session, "architect", Pipelines.standard().documentOwners());

    assertThatThrownBy(() -> architect.write("validation.json", "{}"))
        .hasMessage("document 'validation.json' belongs to the validate stage; the architect stage cannot write it");
    assertThatThrownBy(() -> architect.write("transcript-plan.jsonl", "{}")).hasMessageContaining("belongs to the plan stage");
    assertThat(Pipelines.standard().documentOwners()).containsEntry("report.md", "report")
        .containsEntry("changeset.json", "changeset").containsEntry("findings.json", "review").containsEntry("changes.patch", "implement");
  }

  @Test
  void an_agent_that_denies_write_cannot_write_and_its_stage_ends_without_the_document() {
    model.script.add(toolCall("w1", "write_document", WRITE_ARCHITECTURE));
    model.script.add(answer("I could not write it."));

    assertThatThrownBy(() -> runArchitect(20, "read-only-reviewer"))
        .isInstanceOf(StageFailedException.class)
        .hasMessage("agent 'read-only-reviewer' ended (END_TURN after 2 turns) without writing architecture.md");

    assertThat(documents.written()).containsOnlyKeys(TRANSCRIPT);
    assertThat(model.requests.get(0).tools()).extracting(t -> t.name())
        .containsExactlyInAnyOrder("read_file", "list_files", "search_text");
    assertThat(model.requests.get(1).messages().get(2).content()).singleElement().isEqualTo(new ContentBlock.ToolResult("w1",
        "tool 'write_document' is not offered to this agent: denied by the agent's disallowedTools ('Write')",
        ContentBlock.ToolResult.Status.ERROR));
    assertThat(transcript()).filteredOn(e -> e instanceof Transcript.ToolCall).singleElement()
        .satisfies(e -> assertThat(((Transcript.ToolCall) e).error()).contains("denied by the agent's disallowedTools"));
  }

  @Test
  void max_turns_2_stops_after_2_model_calls_though_gantry_max_turns_is_higher() {
    assertThatThrownBy(() -> runArchitect(20, "turn-capped-architect"))
        .isInstanceOf(StageFailedException.class)
        .hasMessage("agent 'turn-capped-architect' stopped at its turn limit of 2 model calls (maxTurns in "
            + FIXTURES.resolve("turn-capped-architect.md") + ") after 2 turns; the documents it wrote are kept");

    assertThat(model.requests).hasSize(2);
    assertThat(model.requests).extracting(ModelRequest::modelId).containsOnly("sonnet-model");
  }

  @Test
  void a_larger_max_turns_does_not_raise_the_configured_limit() {
    assertThatThrownBy(() -> runArchitect(3, "patient-architect"))
        .hasMessage("agent 'patient-architect' stopped at its turn limit of 3 model calls (GANTRY_MAX_TURNS) after 3 turns; "
            + "the documents it wrote are kept");

    assertThat(model.requests).hasSize(3);
  }

  @Test
  void an_unknown_model_alias_fails_the_stage_before_any_model_call() {
    assertThatThrownBy(() -> runArchitect(20, "mistyped-model"))
        .isInstanceOf(StageFailedException.class)
        .hasMessage("agent 'mistyped-model' asks for model alias 'sonet', which is not configured; known aliases: haiku, "
            + "inherit, opus, sonnet. No model was called: use one of them or a full model id in "
            + FIXTURES.resolve("mistyped-model.md"));

    assertThat(model.requests).isEmpty();
    assertThat(documents.written()).isEmpty();
  }

  @Test
  void the_initial_prompt_is_the_first_text_of_the_first_user_turn_before_the_task() {
    model.script.add(toolCall("r1", "read_file", "{\"path\":\"CONVENTIONS.md\"}"));
    model.script.add(toolCall("w1", "write_document", WRITE_ARCHITECTURE));
    model.script.add(answer("Done."));

    AgentStep.Run run = runArchitect(20, "kickoff-architect");

    Message first = model.requests.get(0).messages().get(0);
    assertThat(first.role()).isEqualTo(Message.Role.USER);
    assertThat(first.content()).containsExactly(
        new ContentBlock.Text("Before anything else, read CONVENTIONS.md and follow it."),
        new ContentBlock.Text("Stage: architect\nGoal: an orders API"));
    assertThat(model.requests.get(0).modelId()).isEqualTo("claude-sonnet-4-5");
    assertThat(run.result().outcome()).isEqualTo(AgentRunner.Outcome.END_TURN);
    assertThat(AgentStep.summary(run, context)).isEqualTo("kickoff-architect: 3 turns, 2 tool calls, wrote architecture.md");
  }

  @Test
  void the_transcript_lists_every_model_and_tool_call_with_sizes_and_sha256s_that_match() {
    model.script.add(toolCall("r1", "read_file", "{\"path\":\"pom.xml\"}"));
    model.script.add(toolCall("r2", "read_file", "{\"path\":\"../secrets\"}"));
    model.script.add(toolCall("w1", "write_document", WRITE_ARCHITECTURE));
    model.script.add(answer("Done."));

    runArchitect(20, "patient-architect");

    List<Transcript.Entry> entries = transcript();
    assertThat(entries).extracting(Transcript.Entry::kind, Transcript.Entry::turn).containsExactly(
        org.assertj.core.groups.Tuple.tuple("model_call", 1), org.assertj.core.groups.Tuple.tuple("tool_call", 1),
        org.assertj.core.groups.Tuple.tuple("model_call", 2), org.assertj.core.groups.Tuple.tuple("tool_call", 2),
        org.assertj.core.groups.Tuple.tuple("model_call", 3), org.assertj.core.groups.Tuple.tuple("tool_call", 3),
        org.assertj.core.groups.Tuple.tuple("model_call", 4));
    Transcript.ModelCall firstCall = (Transcript.ModelCall) entries.get(0);
    assertThat(firstCall.modelId()).isEqualTo("default-model");
    assertThat(firstCall.stopReason()).isEqualTo(StopReason.TOOL_USE);
    assertThat(firstCall.usage()).isEqualTo(new TokenUsage(100, 20));
    assertThat(firstCall.latencyMs()).isEqualTo(40);
    assertThat(firstCall.durationMs()).isNotNegative();
    assertThat(firstCall.output()).isEqualTo(toolCall("r1", "read_file", "{\"path\":\"pom.xml\"}").output());

    // what each tool sent back to the model is what the transcript measured
    List<ContentBlock.ToolResult> sent = model.requests.stream().skip(1)
        .map(r -> (ContentBlock.ToolResult) r.messages().get(r.messages().size() - 1).content().get(0)).toList();
    List<Transcript.ToolCall> tools = entries.stream().filter(Transcript.ToolCall.class::isInstance)
        .map(Transcript.ToolCall.class::cast).toList();
    assertThat(tools).extracting(Transcript.ToolCall::tool).containsExactly("read_file", "read_file", "write_document");
    for (int i = 0; i < tools.size(); i++) {
      byte[] result = sent.get(i).content().getBytes(StandardCharsets.UTF_8);
      assertThat(tools.get(i).resultBytes()).isEqualTo(result.length);
      assertThat(tools.get(i).resultSha256()).isEqualTo(Sha256.hex(result));
      assertThat(tools.get(i).toolUseId()).isEqualTo(sent.get(i).toolUseId());
    }
    assertThat(tools.get(0).input()).isEqualTo(Json.tree("{\"path\":\"pom.xml\"}"));
    assertThat(tools.get(0).error()).isNull();
    assertThat(tools.get(1).error()).isEqualTo("'..' is not allowed in paths: ../secrets");
    assertThat(tools.get(2).error()).isNull();
    DocumentRef architecture = documents.written().get("architecture.md");
    assertThat(sent.get(2).content()).contains(architecture.sha256());
  }

  @Test
  void the_transcript_is_kept_when_the_run_stops_at_a_budget() {
    model.script.add(toolCall("r1", "read_file", "{\"path\":\"pom.xml\"}"));

    assertThatThrownBy(() -> runArchitect(2, "patient-architect")).isInstanceOf(StageFailedException.class);

    assertThat(transcript()).extracting(Transcript.Entry::kind)
        .containsExactly("model_call", "tool_call", "model_call", "tool_call");
    assertThat(store.objects).containsKey("sessions/s-1/" + TRANSCRIPT);
    assertThat(documents.written().get(TRANSCRIPT).contentType()).isEqualTo("application/jsonl");
  }

  @Test
  void the_transcript_is_kept_when_a_model_call_fails_after_others_and_records_the_failure() {
    model.script.add(toolCall("r1", "read_file", "{\"path\":\"pom.xml\"}"));
    model.script.add(new ModelException("the model endpoint refused the request", false, null));

    assertThatThrownBy(() -> runArchitect(20, "patient-architect")).isInstanceOf(ModelException.class);

    List<Transcript.Entry> entries = transcript();
    assertThat(entries).extracting(Transcript.Entry::kind).containsExactly("model_call", "tool_call", "model_call");
    Transcript.ModelCall failed = (Transcript.ModelCall) entries.get(2);
    assertThat(failed.error()).isEqualTo("ModelException: the model endpoint refused the request");
    assertThat(failed.stopReason()).isNull();
    assertThat(failed.content()).isEmpty();
  }

  @Test
  void the_transcript_is_one_json_object_per_line_with_its_kind_first() {
    model.script.add(answer("Nothing to do."));

    assertThatThrownBy(() -> runArchitect(20, "patient-architect")).isInstanceOf(StageFailedException.class);

    String text = new String(store.objects.get("sessions/s-1/" + TRANSCRIPT), StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n").hasLineCount(1);
    assertThat(text).startsWith("{\"kind\":\"model_call\",\"turn\":1,\"modelId\":\"default-model\",\"stopReason\":\"END_TURN\"")
        .contains("\"content\":[{\"type\":\"text\",\"text\":\"Nothing to do.\"}]").doesNotContain("\"error\"");
  }

  @Test
  void an_agent_file_that_bypasses_permissions_is_missing_with_the_loader_reason() {
    assertThatThrownBy(() -> runArchitect(20, "bypass-deployer"))
        .isInstanceOf(StageFailedException.class)
        .hasMessageStartingWith("agent 'bypass-deployer' did not load: " + FIXTURES.resolve("bypass-deployer.md")
            + ":6: 'permissionMode' bypassPermissions is refused");
    assertThat(model.requests).isEmpty();
  }
}
