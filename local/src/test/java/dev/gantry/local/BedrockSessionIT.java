package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.json.Json;
import dev.gantry.testing.AwsWireStub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole session through {@code gantry run --model bedrock} against a loopback stub answering in
 * the Converse wire format as a model would: each agent writes its documents with write_document,
 * then ends its turn. Usage carries prompt-cache writes on the first call of a stage and reads on
 * the second, as Bedrock reports them with cache points.
 */
class BedrockSessionIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final String TEMPLATE = """
      AWSTemplateFormatVersion: "2010-09-09"
      Description: Orders service storage
      Resources:
        OrdersTable:
          Type: AWS::DynamoDB::Table
          Properties:
            BillingMode: PAY_PER_REQUEST
            AttributeDefinitions:
              - AttributeName: id
                AttributeType: S
            KeySchema:
              - AttributeName: id
                KeyType: HASH
      """;

  @TempDir Path home;
  AwsWireStub bedrock;
  final Map<String, String> previous = new HashMap<>();

  @BeforeEach
  void start() {
    bedrock = AwsWireStub.start(BedrockSessionIT::answer);
    for (String[] property : List.of(new String[] {"aws.accessKeyId", "akid"}, new String[] {"aws.secretAccessKey", "secret"},
        new String[] {"gantry.agents", REPOSITORY.resolve("agents").toString()})) {
      previous.put(property[0], System.getProperty(property[0]));
      System.setProperty(property[0], property[1]);
    }
  }

  @AfterEach
  void stop() {
    bedrock.close();
    previous.forEach((key, value) -> {
      if (value == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, value);
      }
    });
  }

  /** First call of a stage: write its documents; second (after the tool results): end the turn. */
  static AwsWireStub.Reply answer(AwsWireStub.Received request) {
    JsonNode body = Json.tree(new String(request.body(), StandardCharsets.UTF_8));
    String system = body.path("system").path(0).path("text").asText();
    JsonNode messages = body.path("messages");
    boolean afterTools = messages.get(messages.size() - 1).path("content").path(0).has("toolResult");
    ObjectNode reply = Json.MAPPER.createObjectNode();
    ObjectNode message = reply.putObject("output").putObject("message").put("role", "assistant");
    ArrayNode content = message.putArray("content");
    ObjectNode usage = reply.putObject("usage");
    if (afterTools) {
      content.addObject().put("text", "Done: the documents are written.");
      reply.put("stopReason", "end_turn");
      usage.put("inputTokens", 150).put("outputTokens", 20).put("cacheReadInputTokens", 1500).put("cacheWriteInputTokens", 0);
    } else {
      Map<String, String> documents = system.contains("architect stage")
          ? Map.of("architecture.md", "# Architecture\n\nOne DynamoDB table behind the orders API.\n")
          : system.contains("plan stage")
              ? Map.of("plan.md", "# Plan\n\n1. Create the table.\n2. Deploy the API.\n", "template.yaml", TEMPLATE)
              : Map.of("rollout.md", "# Rollout\n\nVerify the table exists; back out with a new session.\n");
      int n = 0;
      for (Map.Entry<String, String> document : documents.entrySet()) {
        ObjectNode use = content.addObject().putObject("toolUse").put("toolUseId", "tooluse_" + (++n)).put("name", "write_document");
        use.putObject("input").put("name", document.getKey()).put("content", document.getValue());
      }
      reply.put("stopReason", "tool_use");
      usage.put("inputTokens", 400).put("outputTokens", 600).put("cacheReadInputTokens", 0).put("cacheWriteInputTokens", 1500);
    }
    usage.put("totalTokens", usage.path("inputTokens").asInt() + usage.path("outputTokens").asInt()
        + usage.path("cacheReadInputTokens").asInt() + usage.path("cacheWriteInputTokens").asInt());
    reply.putObject("metrics").put("latencyMs", 900);
    return AwsWireStub.Reply.json(200, "application/json", Json.write(reply));
  }

  String gantry(int expectedExit, String... args) {
    return gantry(Map.of(), expectedExit, args);
  }

  String gantry(Map<String, String> settings, int expectedExit, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> environment = new HashMap<>(settings);
    environment.put("GANTRY_HOME", home.toString());
    environment.put("AWS_REGION", "us-east-1");
    int code = GantryCommand.execute(args, environment,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void a_session_runs_end_to_end_on_bedrock_with_tokens_cache_and_cost_per_stage() {
    String run = gantry(0, "run", "--repo", REPOSITORY.toString(), "--goal", "Serve the orders API",
        "--model", "bedrock", "--endpoint", bedrock.endpoint().toString(), "--approve");
    Matcher id = Pattern.compile("session ([0-9a-f-]{36}): SUCCEEDED").matcher(run);
    assertThat(id.find()).as(run).isTrue();

    assertThat(bedrock.received()).hasSize(6).allSatisfy(r ->
        assertThat(r.path()).isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1:0/converse"));
    String show = gantry(0, "show", id.group(1));
    // per stage: 550 in, 1500 cache-write, 1500 cache-read, 620 out; Sonnet 4 prices: $0.017025
    assertThat(show).contains("usage       1650 in + 4500 cache-write + 4500 cache-read / 1860 out tokens, $0.0511");
    assertThat(show.lines().filter(l -> l.contains("550 in + 1500 cache-write + 1500 cache-read / 620 out tokens, $0.0170")))
        .hasSize(3);
    assertThat(show).contains("modelCalls");
  }

  @Test
  void a_stage_that_reaches_its_cost_budget_stops_keeps_its_documents_and_the_session_names_the_budget() {
    // the architect's first call costs $0.015825, above a one-cent stage budget
    String run = gantry(Map.of("GANTRY_STAGE_BUDGET_USD", "0.01"), 1, "run", "--repo", REPOSITORY.toString(),
        "--goal", "Serve the orders API", "--model", "bedrock", "--endpoint", bedrock.endpoint().toString());
    Matcher id = Pattern.compile("session ([0-9a-f-]{36}): FAILED").matcher(run);
    assertThat(id.find()).as(run).isTrue();

    assertThat(bedrock.received()).hasSize(1);
    String show = gantry(0, "show", id.group(1));
    assertThat(show).contains("architect: agent 'architect' stopped at the stage cost budget of $0.0100 "
        + "(GANTRY_STAGE_BUDGET_USD; spent $0.0158) after 1 turns; the documents it wrote are kept");
    assertThat(show).contains("architecture.md").contains("$0.0158");
  }
}
