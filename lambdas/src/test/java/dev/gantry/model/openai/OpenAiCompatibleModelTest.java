package dev.gantry.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.ModelThrottledException;
import dev.gantry.model.StopReason;
import dev.gantry.model.ToolSpec;
import dev.gantry.testing.AwsWireStub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a loopback stub of the chat completions wire format (as Ollama and vLLM answer). */
class OpenAiCompatibleModelTest {
  static final ToolSpec READ_FILE = new ToolSpec("read_file", "Reads a repository file",
      Json.tree("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"));
  static final String TOOL_CALL = """
      {"id":"chatcmpl-1","object":"chat.completion","model":"qwen2.5-coder:14b",
       "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"",
         "tool_calls":[{"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"pom.xml\\"}"}}]}}],
       "usage":{"prompt_tokens":900,"completion_tokens":31,"total_tokens":931,"prompt_tokens_details":{"cached_tokens":512}}}
      """;
  static final String ANSWER = """
      {"id":"chatcmpl-2","object":"chat.completion","model":"qwen2.5-coder:14b",
       "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"A Maven build."}}],
       "usage":{"prompt_tokens":980,"completion_tokens":5,"total_tokens":985}}
      """;

  final ConcurrentLinkedQueue<AwsWireStub.Reply> replies = new ConcurrentLinkedQueue<>();
  AwsWireStub stub;

  OpenAiCompatibleModel model(Function<AwsWireStub.Received, AwsWireStub.Reply> answer, Duration readTimeout) {
    stub = AwsWireStub.start(answer);
    return new OpenAiCompatibleModel(stub.endpoint().resolve("/v1"), Optional.of("local-key"), readTimeout, Duration.ofMillis(20));
  }

  OpenAiCompatibleModel model() {
    return model(r -> replies.remove(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  static AwsWireStub.Reply json(int status, String body) {
    return AwsWireStub.Reply.json(status, "application/json", body);
  }

  static ModelRequest request(List<Message> messages) {
    return new ModelRequest("qwen2.5-coder:14b", "You are the architect.", messages, List.of(READ_FILE), 2048);
  }

  JsonNode body(int index) {
    return Json.tree(new String(stub.received().get(index).body(), StandardCharsets.UTF_8));
  }

  @Test
  void a_two_turn_tool_use_conversation_in_the_chat_completions_format() {
    replies.add(json(200, TOOL_CALL));
    replies.add(json(200, ANSWER));
    OpenAiCompatibleModel model = model();
    List<Message> messages = new ArrayList<>(List.of(Message.userText("Design the backend.")));

    ModelResponse first = model.converse(request(messages));
    messages.add(first.output());
    messages.add(new Message(Message.Role.USER, List.of(new ContentBlock.ToolResult("call_1", "<project/>",
        ContentBlock.ToolResult.Status.SUCCESS))));
    ModelResponse second = model.converse(request(messages));

    assertThat(stub.received()).extracting(AwsWireStub.Received::path).containsOnly("/v1/chat/completions");
    assertThat(stub.received().get(0).header("Authorization")).isEqualTo("Bearer local-key");
    JsonNode call = body(0);
    assertThat(call.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(call.path("tools").get(0).path("function").path("parameters").path("required").get(0).asText()).isEqualTo("path");
    assertThat(call.path("max_tokens").asInt()).isEqualTo(2048);
    assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
    assertThat(first.output().toolUses()).singleElement().satisfies(u -> {
      assertThat(u.name()).isEqualTo("read_file");
      assertThat(u.input().path("path").asText()).isEqualTo("pom.xml");
    });
    assertThat(first.usage().inputTokens()).isEqualTo(388);
    assertThat(first.usage().cacheReadTokens()).isEqualTo(512);
    assertThat(first.usage().costMicrodollars()).isZero();

    JsonNode turns = body(1).path("messages");
    assertThat(turns.get(2).path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"path\":\"pom.xml\"}");
    assertThat(turns.get(3).path("role").asText()).isEqualTo("tool");
    assertThat(turns.get(3).path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(second.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(second.output().text()).isEqualTo("A Maven build.");
  }

  @Test
  void a_busy_server_is_retried_then_answers() {
    replies.add(json(429, "{\"error\":{\"message\":\"busy\"}}"));
    replies.add(json(503, "{\"error\":{\"message\":\"loading model\"}}"));
    replies.add(json(200, ANSWER));

    assertThat(model().converse(request(List.of(Message.userText("x")))).output().text()).isEqualTo("A Maven build.");
    assertThat(stub.received()).hasSize(3);
  }

  @Test
  void a_server_busy_for_every_attempt_surfaces_as_retryable_after_bounded_attempts() {
    OpenAiCompatibleModel model = model(r -> json(429, "{}"), Duration.ofSeconds(10));

    assertThatThrownBy(() -> model.converse(request(List.of(Message.userText("x"))))).isInstanceOf(ModelThrottledException.class);
    assertThat(stub.received()).hasSize(OpenAiCompatibleModel.MAX_ATTEMPTS);
  }

  @Test
  void a_response_slower_than_the_read_timeout_gets_exactly_one_attempt() {
    OpenAiCompatibleModel model = model(r -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return json(200, ANSWER);
    }, Duration.ofMillis(300));

    assertThatThrownBy(() -> model.converse(request(List.of(Message.userText("x")))))
        .isInstanceOf(ModelException.class).hasMessageContaining("outlived the read timeout")
        .satisfies(e -> assertThat(((ModelException) e).retryable()).isFalse());
    assertThat(stub.received()).hasSize(1);
  }

  @Test
  void a_refused_request_fails_at_once_with_the_servers_reason() {
    replies.add(json(404, "{\"error\":{\"message\":\"model 'qwen2.5-coder:14b' not found\"}}"));

    assertThatThrownBy(() -> model().converse(request(List.of(Message.userText("x")))))
        .isInstanceOf(ModelException.class).isNotInstanceOf(ModelThrottledException.class)
        .hasMessageContaining("HTTP 404").hasMessageContaining("not found");
    assertThat(stub.received()).hasSize(1);
  }
}
