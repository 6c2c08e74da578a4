package dev.gantry.model.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelPrices;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.ModelThrottledException;
import dev.gantry.model.StopReason;
import dev.gantry.model.ToolSpec;
import dev.gantry.testing.AwsWireStub;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The real BedrockRuntimeClient against a loopback stub answering in Converse's wire format (REST
 * JSON bodies as the API reference shows them; errors with {@code x-amzn-ErrorType}).
 */
class BedrockConverseModelTest {
  static final String PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  static final ToolSpec READ_FILE = new ToolSpec("read_file", "Reads a repository file",
      Json.tree("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"));

  final ConcurrentLinkedQueue<AwsWireStub.Reply> replies = new ConcurrentLinkedQueue<>();
  AwsWireStub stub;
  BedrockRuntimeClient client;

  BedrockConverseModel model(Function<AwsWireStub.Received, AwsWireStub.Reply> answer, Duration readTimeout) {
    stub = AwsWireStub.start(answer);
    client = BedrockConverseModel.client("us-east-1", AwsWireStub.CREDENTIALS, Optional.of(stub.endpoint()), readTimeout,
        Duration.ofMillis(20));
    return new BedrockConverseModel(client);
  }

  BedrockConverseModel model() {
    return model(request -> replies.remove(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  static AwsWireStub.Reply ok(String resource) {
    try (InputStream in = BedrockConverseModelTest.class.getResourceAsStream("/bedrock/" + resource)) {
      return AwsWireStub.Reply.json(200, "application/json", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AwsWireStub.Reply error(int status, String type, String message) {
    return new AwsWireStub.Reply(status, Map.of("Content-Type", "application/json",
        "x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/"), "{\"message\":\"" + message + "\"}");
  }

  static ModelRequest request(List<Message> messages) {
    return new ModelRequest(PROFILE, "You are the architect.", messages, List.of(READ_FILE), 4096);
  }

  JsonNode body(int index) {
    return Json.tree(new String(stub.received().get(index).body(), StandardCharsets.UTF_8));
  }

  @Test
  void a_two_turn_tool_use_conversation_caches_the_prompt_and_tools_and_prices_the_usage() {
    replies.add(ok("converse-tool-use.json"));
    replies.add(ok("converse-end-turn.json"));
    BedrockConverseModel model = model();
    List<Message> messages = new ArrayList<>(List.of(Message.userText("Design the backend.")));

    ModelResponse first = model.converse(request(messages));
    messages.add(first.output());
    ContentBlock.ToolUse use = first.output().toolUses().get(0);
    messages.add(new Message(Message.Role.USER, List.of(
        new ContentBlock.ToolResult(use.toolUseId(), "<project>...</project>", ContentBlock.ToolResult.Status.SUCCESS))));
    ModelResponse second = model.converse(request(messages));

    assertThat(stub.received()).extracting(AwsWireStub.Received::path)
        .containsOnly("/model/" + PROFILE + "/converse");
    JsonNode call = body(0);
    assertThat(call.path("system").get(0).path("text").asText()).isEqualTo("You are the architect.");
    assertThat(call.path("system").get(1).path("cachePoint").path("type").asText()).isEqualTo("default");
    assertThat(call.path("toolConfig").path("tools").get(0).path("toolSpec").path("name").asText()).isEqualTo("read_file");
    assertThat(call.path("toolConfig").path("tools").get(0).path("toolSpec").path("inputSchema").path("json")
        .path("required").get(0).asText()).isEqualTo("path");
    assertThat(call.path("toolConfig").path("tools").get(1).path("cachePoint").path("type").asText()).isEqualTo("default");
    assertThat(call.path("inferenceConfig").path("maxTokens").asInt()).isEqualTo(4096);

    assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
    assertThat(use.name()).isEqualTo("read_file");
    assertThat(use.input().path("path").asText()).isEqualTo("pom.xml");
    assertThat(use.input().path("limit").asInt()).isEqualTo(4096);
    assertThat(first.usage().cacheWriteTokens()).isEqualTo(1800);
    assertThat(first.latencyMillis()).isEqualTo(1312);

    JsonNode resultTurn = body(1).path("messages").get(2);
    assertThat(resultTurn.path("role").asText()).isEqualTo("user");
    assertThat(resultTurn.path("content").get(0).path("toolResult").path("toolUseId").asText()).isEqualTo(use.toolUseId());
    assertThat(resultTurn.path("content").get(0).path("toolResult").path("status").asText()).isEqualTo("success");
    assertThat(body(1).path("messages").get(1).path("content").get(1).path("toolUse").path("input").path("path").asText())
        .isEqualTo("pom.xml");

    assertThat(second.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(second.output().text()).isEqualTo("The service is a Maven multi-module build.");
    assertThat(second.usage().cacheReadTokens()).isEqualTo(1800);
    assertThat(second.usage().cacheReadShare()).isEqualTo(1800.0 / (180 + 1800));
    // Sonnet 4: $3 input, $15 output, $0.30 cache read per million tokens
    assertThat(second.usage().costMicrodollars()).isEqualTo(ModelPrices.of(PROFILE).orElseThrow().costMicrodollars(second.usage()))
        .isEqualTo((long) Math.ceil(180 * 3.0 + 23 * 15.0 + 1800 * 0.30));
  }

  @Test
  void throttling_is_retried_with_backoff_and_then_succeeds() {
    replies.add(error(429, "ThrottlingException", "Too many requests, please wait before trying again."));
    replies.add(error(503, "ServiceUnavailableException", "Service unavailable"));
    replies.add(ok("converse-end-turn.json"));

    ModelResponse response = model().converse(request(List.of(Message.userText("Design the backend."))));

    assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(stub.received()).hasSize(3);
  }

  @Test
  void throttling_that_does_not_pass_surfaces_as_retryable_for_the_stage_policy_after_bounded_attempts() {
    BedrockConverseModel model = model(request -> error(429, "ThrottlingException", "Too many requests"), Duration.ofSeconds(10));

    assertThatThrownBy(() -> model.converse(request(List.of(Message.userText("Design the backend.")))))
        .isInstanceOf(ModelThrottledException.class)
        .satisfies(e -> assertThat(((ModelException) e).retryable()).isTrue());
    assertThat(stub.received()).hasSize(BedrockConverseModel.MAX_ATTEMPTS);
  }

  @Test
  void a_response_slower_than_the_read_timeout_gets_exactly_one_attempt() {
    BedrockConverseModel model = model(request -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return ok("converse-end-turn.json");
    }, Duration.ofMillis(300));

    assertThatThrownBy(() -> model.converse(request(List.of(Message.userText("Design the backend.")))))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("outlived the read timeout")
        .satisfies(e -> assertThat(((ModelException) e).retryable()).isFalse());
    assertThat(stub.received()).hasSize(1);
  }

  @Test
  void a_validation_or_access_error_fails_at_once_with_what_to_check() {
    replies.add(error(400, "ValidationException", "The provided model identifier is invalid."));
    replies.add(error(403, "AccessDeniedException", "You don't have access to the model with the specified model ID."));
    BedrockConverseModel model = model();

    assertThatThrownBy(() -> model.converse(request(List.of(Message.userText("x")))))
        .isInstanceOf(ModelException.class).isNotInstanceOf(ModelThrottledException.class)
        .hasMessageContaining("check the model id");
    assertThatThrownBy(() -> model.converse(request(List.of(Message.userText("x")))))
        .isInstanceOf(ModelException.class).hasMessageContaining("Model access");
    assertThat(stub.received()).hasSize(2);
  }
}
