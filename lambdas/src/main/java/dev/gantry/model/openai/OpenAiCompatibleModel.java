package dev.gantry.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.ModelThrottledException;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import dev.gantry.model.ToolSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * The model port on a server speaking OpenAI's chat completions API with tools ({@code POST
 * {base}/chat/completions}: Ollama, vLLM, LM Studio), for a real model on a laptop. The system
 * prompt is the first message; tool specs are {@code function} tools; tool results are {@code
 * tool} messages. {@code usage.prompt_tokens} counts cached tokens too, so {@code
 * prompt_tokens_details.cached_tokens} is moved to cache reads. Local servers are free: the cost is
 * 0. Source: OpenAI API reference, "Create chat completion".
 *
 * <p>Errors: 429 and 5xx are retried by the AWS SDK's standard retry strategy (used on its own:
 * exponential backoff, full jitter, {@value #MAX_ATTEMPTS} attempts), then surface as {@link
 * ModelThrottledException}; a timed-out or dropped call is never retried; other 4xx fail at once.
 */
public final class OpenAiCompatibleModel implements ModelClient {
  /** Attempts per call, the first included. */
  public static final int MAX_ATTEMPTS = 4;

  private final HttpClient http;
  private final URI completions;
  private final Optional<String> apiKey;
  private final Duration readTimeout;
  private final RetryStrategy retries;

  /** A 429 or 5xx answer, the only failure retried. */
  private static final class ServerBusy extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ServerBusy(int status) {
      super("HTTP " + status);
    }
  }

  /**
   * @param baseUrl the API base, e.g. {@code http://localhost:11434/v1}
   * @param apiKey a bearer token, if the server needs one
   * @param readTimeout how long one call may take; longer than the longest generation {@code
   *     maxTokens} allows
   * @param backoff the first retry's backoff ceiling
   */
  public OpenAiCompatibleModel(URI baseUrl, Optional<String> apiKey, Duration readTimeout, Duration backoff) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    String base = baseUrl.toString().endsWith("/") ? baseUrl.toString() : baseUrl + "/";
    this.completions = URI.create(base + "chat/completions");
    this.apiKey = apiKey;
    this.readTimeout = readTimeout;
    this.retries = StandardRetryStrategy.builder()
        .useClientDefaults(false)
        .maxAttempts(MAX_ATTEMPTS)
        .retryOnException(ServerBusy.class)
        .backoffStrategy(BackoffStrategy.exponentialDelay(backoff, Duration.ofSeconds(20)))
        .circuitBreakerEnabled(false)
        .build();
  }

  @Override
  public ModelResponse converse(ModelRequest request) {
    byte[] body = Json.write(requestBody(request)).getBytes(StandardCharsets.UTF_8);
    RetryToken token = retries.acquireInitialToken(
        software.amazon.awssdk.retries.api.AcquireInitialTokenRequest.create(completions.getHost())).token();
    while (true) {
      long started = System.nanoTime();
      try {
        HttpResponse<String> response = send(body);
        retries.recordSuccess(software.amazon.awssdk.retries.api.RecordSuccessRequest.create(token));
        return responseOf(Json.tree(response.body()), request.modelId(), (System.nanoTime() - started) / 1_000_000);
      } catch (ServerBusy busy) {
        try {
          var next = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(busy).build());
          token = next.token();
          sleep(next.delay());
        } catch (TokenAcquisitionFailedException exhausted) {
          throw new ModelThrottledException("the model server at " + completions + " was still busy after " + MAX_ATTEMPTS
              + " attempts (" + busy.getMessage() + ")", busy);
        }
      }
    }
  }

  private HttpResponse<String> send(byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(completions)
        .timeout(readTimeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new ModelException("the call to " + completions + " outlived the read timeout of " + readTimeout
          + "; not retried", false, e);
    } catch (IOException e) {
      throw new ModelException("the call to " + completions + " failed (" + e.getMessage() + "); not retried", false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while calling " + completions, false, e);
    }
    int status = response.statusCode();
    if (status == 429 || status >= 500) {
      throw new ServerBusy(status);
    }
    if (status != 200) {
      throw new ModelException("the model server refused the request (HTTP " + status + "): " + abbreviate(response.body())
          + "; check GANTRY_MODEL_ENDPOINT and the model name", false, null);
    }
    return response;
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while waiting to retry", false, e);
    }
  }

  static ObjectNode requestBody(ModelRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", request.modelId());
    body.put("max_tokens", request.maxTokens());
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", request.system());
    for (Message message : request.messages()) {
      List<ContentBlock.ToolResult> results = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      ArrayNode toolCalls = Json.MAPPER.createArrayNode();
      for (ContentBlock block : message.content()) {
        if (block instanceof ContentBlock.Text t) {
          text.append(text.length() > 0 ? "\n" : "").append(t.text());
        } else if (block instanceof ContentBlock.ToolUse use) {
          ObjectNode call = toolCalls.addObject().put("id", use.toolUseId()).put("type", "function");
          call.putObject("function").put("name", use.name()).put("arguments", Json.write(use.input()));
        } else if (block instanceof ContentBlock.ToolResult result) {
          results.add(result);
        }
      }
      for (ContentBlock.ToolResult result : results) {
        messages.addObject().put("role", "tool").put("tool_call_id", result.toolUseId())
            .put("content", (result.status() == ContentBlock.ToolResult.Status.ERROR ? "ERROR: " : "") + result.content());
      }
      if (text.length() > 0 || !toolCalls.isEmpty()) {
        ObjectNode out = messages.addObject().put("role", message.role() == Message.Role.USER ? "user" : "assistant");
        out.put("content", text.toString());
        if (!toolCalls.isEmpty()) {
          out.set("tool_calls", toolCalls);
        }
      }
    }
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec spec : request.tools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", spec.name()).put("description", spec.description()).set("parameters", spec.inputSchema());
      }
    }
    return body;
  }

  static ModelResponse responseOf(JsonNode body, String modelId, long latencyMillis) {
    JsonNode choice = body.path("choices").path(0);
    JsonNode message = choice.path("message");
    List<ContentBlock> blocks = new ArrayList<>();
    if (message.path("content").isTextual() && !message.path("content").asText().isEmpty()) {
      blocks.add(new ContentBlock.Text(message.path("content").asText()));
    }
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode arguments = call.path("function").path("arguments");
      JsonNode input = arguments.isTextual() ? parseArguments(arguments.asText()) : arguments;
      blocks.add(new ContentBlock.ToolUse(call.path("id").asText(), call.path("function").path("name").asText(), input));
    }
    StopReason stop = switch (choice.path("finish_reason").asText("stop")) {
      case "tool_calls", "function_call" -> StopReason.TOOL_USE;
      case "length" -> StopReason.MAX_TOKENS;
      case "content_filter" -> StopReason.CONTENT_FILTERED;
      default -> blocks.stream().anyMatch(ContentBlock.ToolUse.class::isInstance) ? StopReason.TOOL_USE : StopReason.END_TURN;
    };
    JsonNode usage = body.path("usage");
    long prompt = usage.path("prompt_tokens").asLong();
    long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong();
    TokenUsage tokens = new TokenUsage(Math.max(0, prompt - cached), usage.path("completion_tokens").asLong(), cached, 0, 0);
    return new ModelResponse(new Message(Message.Role.ASSISTANT, blocks), stop, tokens, latencyMillis);
  }

  private static JsonNode parseArguments(String text) {
    try {
      return Json.MAPPER.readTree(text.isBlank() ? "{}" : text);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode().put("_unparsed", text);
    }
  }

  private static String abbreviate(String text) {
    String one = text == null ? "" : text.replaceAll("\\s+", " ");
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }

  @Override
  public String describe() {
    return "OpenAI-compatible endpoint " + completions;
  }
}
