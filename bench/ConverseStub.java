import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.ToolSpec;
import dev.gantry.model.offline.OfflineModel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Bedrock Runtime Converse stub on loopback for measuring Gantry's orchestration overhead: it
 * answers {@code POST /model/{modelId}/converse} in Converse's wire format (Amazon Bedrock API
 * reference, "Converse": request {@code messages}, {@code system}, {@code toolConfig.tools[].toolSpec},
 * {@code inferenceConfig.maxTokens}; response {@code output.message}, {@code stopReason}, {@code usage},
 * {@code metrics.latencyMs}) with the answers of Gantry's deterministic {@link OfflineModel}, so a
 * session with {@code GANTRY_MODEL_PROVIDER=bedrock} succeeds end to end. Each answer is sent
 * DELAY_SECONDS after the request arrived (the offline model's own work included), calls are served
 * concurrently, and signatures are not checked.
 *
 * <p>Every call appends one tab-separated line to CALLS_LOG: arrival and answer time in epoch
 * milliseconds (answer = response body written and closed), the stage (the task's {@code Stage:}
 * line), the model id and the stop reason. The bound port is written to PORT_FILE once listening.
 *
 * <pre>java -cp "local/target/gantry-local-*.jar:local/target/lib/*" bench/ConverseStub.java DELAY_SECONDS PORT_FILE CALLS_LOG</pre>
 */
public class ConverseStub {
  private static final Pattern CONVERSE = Pattern.compile("^/model/([^/]+)/converse$");
  private static final Pattern STAGE = Pattern.compile("(?m)^Stage: *(\\S*)");

  public static void main(String[] args) throws Exception {
    long delayMillis = Math.round(Double.parseDouble(args[0]) * 1000);
    Path portFile = Path.of(args[1]);
    PrintWriter log = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8), true);
    OfflineModel model = new OfflineModel();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      long arrived = System.currentTimeMillis();
      try {
        Matcher path = CONVERSE.matcher(exchange.getRequestURI().getRawPath());
        if (!exchange.getRequestMethod().equals("POST") || !path.matches()) {
          error(exchange, 404, "UnknownOperationException", "the stub answers POST /model/{modelId}/converse only");
          return;
        }
        String modelId = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
        ModelRequest request = request(modelId, Json.MAPPER.readTree(exchange.getRequestBody()));
        ModelResponse response = model.converse(request);
        long wait = arrived + delayMillis - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(
            response(response, System.currentTimeMillis() - arrived));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
        Matcher stage = STAGE.matcher(request.messages().get(0).text());
        log.printf("%d\t%d\t%s\t%s\t%s%n", arrived, System.currentTimeMillis(), stage.find() ? stage.group(1) : "-",
            modelId, stopReason(response));
      } catch (Exception e) {
        System.err.println("converse stub: " + e);
        error(exchange, 400, "ValidationException", "converse stub: " + e);
      } finally {
        exchange.close();
      }
    });
    server.start();
    Path tmp = Files.writeString(Path.of(portFile + ".tmp"), Integer.toString(server.getAddress().getPort()));
    Files.move(tmp, portFile);
  }

  /** A Converse request body as Gantry's {@link ModelRequest}: system text, messages, tool specs, maxTokens. */
  static ModelRequest request(String modelId, JsonNode body) {
    StringBuilder system = new StringBuilder();
    for (JsonNode block : body.path("system")) {
      if (block.has("text")) {
        system.append(system.length() > 0 ? "\n" : "").append(block.get("text").asText());
      }
    }
    List<Message> messages = new ArrayList<>();
    for (JsonNode message : body.path("messages")) {
      List<ContentBlock> blocks = new ArrayList<>();
      for (JsonNode block : message.path("content")) {
        if (block.has("text")) {
          blocks.add(new ContentBlock.Text(block.get("text").asText()));
        } else if (block.has("toolUse")) {
          JsonNode use = block.get("toolUse");
          blocks.add(new ContentBlock.ToolUse(use.get("toolUseId").asText(), use.get("name").asText(), use.get("input")));
        } else if (block.has("toolResult")) {
          JsonNode result = block.get("toolResult");
          StringBuilder text = new StringBuilder();
          for (JsonNode part : result.path("content")) {
            if (part.has("text")) {
              text.append(part.get("text").asText());
            } else if (part.has("json")) {
              text.append(part.get("json").toString());
            }
          }
          blocks.add(new ContentBlock.ToolResult(result.get("toolUseId").asText(), text.toString(),
              result.path("status").asText("success").equals("error")
                  ? ContentBlock.ToolResult.Status.ERROR : ContentBlock.ToolResult.Status.SUCCESS));
        } else {
          throw new IllegalArgumentException("unsupported content block " + block.fieldNames().next());
        }
      }
      messages.add(new Message(message.path("role").asText().equals("assistant") ? Message.Role.ASSISTANT : Message.Role.USER,
          blocks));
    }
    List<ToolSpec> tools = new ArrayList<>();
    for (JsonNode tool : body.path("toolConfig").path("tools")) {
      if (tool.has("toolSpec")) {
        JsonNode spec = tool.get("toolSpec");
        tools.add(new ToolSpec(spec.get("name").asText(), spec.path("description").asText(), spec.path("inputSchema").path("json")));
      }
    }
    return new ModelRequest(modelId, system.toString(), messages, tools, body.path("inferenceConfig").path("maxTokens").asInt());
  }

  /** Gantry's {@link ModelResponse} as a Converse response body; all input tokens are uncached, as the offline model counts them. */
  static ObjectNode response(ModelResponse response, long latencyMillis) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode message = body.putObject("output").putObject("message");
    message.put("role", "assistant");
    ArrayNode content = message.putArray("content");
    for (ContentBlock block : response.output().content()) {
      if (block instanceof ContentBlock.Text text) {
        content.addObject().put("text", text.text());
      } else if (block instanceof ContentBlock.ToolUse use) {
        content.addObject().putObject("toolUse").put("toolUseId", use.toolUseId()).put("name", use.name()).set("input", use.input());
      }
    }
    body.put("stopReason", stopReason(response));
    long in = response.usage().inputTokens();
    long out = response.usage().outputTokens();
    body.putObject("usage").put("inputTokens", in).put("outputTokens", out).put("totalTokens", in + out)
        .put("cacheReadInputTokens", 0).put("cacheWriteInputTokens", 0);
    body.putObject("metrics").put("latencyMs", latencyMillis);
    return body;
  }

  /** Converse's {@code stopReason} value for Gantry's: tool_use, end_turn, max_tokens, stop_sequence, content_filtered. */
  static String stopReason(ModelResponse response) {
    return response.stopReason().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
    byte[] body = Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().put("message", message));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
