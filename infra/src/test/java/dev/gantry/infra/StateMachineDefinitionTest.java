package dev.gantry.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.RetryPolicy;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StateMachineTasks;
import dev.gantry.pipeline.StepFunctionsWorkflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The synthesized state machine is the stage declaration: the same states in the same order, the
 * declared retries, timeouts and approval gate, and a definition the Amazon States Language
 * validator accepts.
 */
class StateMachineDefinitionTest {
  static final Path REPOSITORY = Path.of(System.getProperty("gantry.repositoryRoot", "..")).toAbsolutePath().normalize();
  /** Each pipeline's synthesized definition, by pipeline name (read from the state machine's comment). */
  static final Map<String, JsonNode> DEFINITIONS = new java.util.TreeMap<>();

  @BeforeAll
  static void extractDefinitions() {
    Map<String, Map<String, Object>> machines =
        Synthesized.defaults().template.findResources("AWS::StepFunctions::StateMachine");
    for (Map<String, Object> machine : machines.values()) {
      JsonNode definition = Json.tree(resolve(((Map<?, ?>) machine.get("Properties")).get("DefinitionString")));
      String pipeline = definition.path("Comment").asText().replaceFirst("^Gantry (\\S+) pipeline: .*$", "$1");
      DEFINITIONS.put(pipeline, definition);
    }
    assertThat(DEFINITIONS.keySet()).containsExactlyInAnyOrderElementsOf(Pipelines.standard().names());
  }

  static List<PipelineDefinition> pipelines() {
    return Pipelines.standard().pipelines();
  }

  /**
   * Joins an {@code Fn::Join} definition as CloudFormation would in account 123456789012 of
   * eu-west-1: pseudo parameters get those values, other references a sample function alias ARN.
   */
  static String resolve(Object definitionString) {
    if (definitionString instanceof String text) {
      return text;
    }
    List<?> join = (List<?>) ((Map<?, ?>) definitionString).get("Fn::Join");
    StringBuilder out = new StringBuilder();
    for (Object part : (List<?>) join.get(1)) {
      Object ref = part instanceof Map<?, ?> reference ? reference.get("Ref") : null;
      out.append(part instanceof String text ? text
          : "AWS::Partition".equals(ref) ? "aws"
          : "AWS::Region".equals(ref) ? "eu-west-1"
          : "AWS::AccountId".equals(ref) ? "123456789012"
          : "arn:aws:lambda:eu-west-1:123456789012:function:sample:live");
    }
    return out.toString();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("pipelines")
  void the_asl_validator_accepts_the_definition(PipelineDefinition declared) throws IOException, InterruptedException {
    JsonNode definition = DEFINITIONS.get(declared.name());
    JsonNode states = definition.get("States");
    Path validator = REPOSITORY.resolve("node_modules/.bin/asl-validator");
    assertThat(validator)
        .as("asl-validator is installed by `npm ci` at the repository root (README, .ci/run)")
        .isExecutable();
    Path file = Files.createTempFile("gantry-state-machine", ".json");
    Files.writeString(file, Json.write(definition));

    Process process = new ProcessBuilder(validator.toString(), "--json-path", file.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as("asl-validator said: %s", output).isZero();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("pipelines")
  void states_and_transitions_are_the_declared_stages_in_order_then_the_failure_states(PipelineDefinition declared) {
    JsonNode definition = DEFINITIONS.get(declared.name());
    JsonNode states = definition.get("States");
    List<StageDefinition> stages = declared.stages();
    assertThat(definition.get("StartAt").asText()).isEqualTo(stages.get(0).stateName());
    for (int i = 0; i < stages.size(); i++) {
      JsonNode state = states.get(stages.get(i).stateName());
      assertThat(state).as(stages.get(i).stateName()).isNotNull();
      assertThat(state.get("Type").asText()).isEqualTo("Task");
      String next = i + 1 < stages.size() ? stages.get(i + 1).stateName() : null;
      if (stages.get(i).polling().isPresent()) {
        // Task -> Check: waiting -> Wait -> Task; ended early -> Succeeded; otherwise -> the next stage
        String check = stages.get(i).stateName() + "Check";
        String wait = stages.get(i).stateName() + "Wait";
        assertThat(state.path("Next").asText()).isEqualTo(check);
        JsonNode choices = states.get(check).get("Choices");
        assertThat(list(choices)).extracting(c -> c.get("Variable").asText(), c -> c.get("Next").asText()).containsExactly(
            org.assertj.core.groups.Tuple.tuple(PipelineStateMachine.LOOK_PATH + ".waiting", wait),
            org.assertj.core.groups.Tuple.tuple(PipelineStateMachine.LOOK_PATH + ".status", PipelineStateMachine.SUCCEEDED));
        assertThat(choices.get(0).get("BooleanEquals").asBoolean()).isTrue();
        assertThat(choices.get(1).get("StringEquals").asText()).isEqualTo("SUCCEEDED");
        assertThat(states.get(check).get("Default").asText()).isEqualTo(next);
        assertThat(states.get(wait).get("Seconds").asLong()).isEqualTo(stages.get(i).polling().get().interval().toSeconds());
        assertThat(states.get(wait).get("Next").asText()).isEqualTo(stages.get(i).stateName());
      } else if (next != null) {
        assertThat(state.path("Next").asText()).isEqualTo(next);
      } else {
        assertThat(state.path("End").asBoolean()).isTrue();
      }
      List<String> lastCatch = errors(last(state.get("Catch")));
      assertThat(lastCatch).containsExactly("States.ALL");
      assertThat(last(state.get("Catch")).get("Next").asText()).isEqualTo(PipelineStateMachine.RECORD_FAILURE);
      assertThat(last(state.get("Catch")).get("ResultPath").asText()).isEqualTo("$.error");
    }
    Set<String> expected = new TreeSet<>(stages.stream().map(StageDefinition::stateName).toList());
    stages.stream().filter(stage -> stage.polling().isPresent())
        .forEach(stage -> expected.addAll(List.of(stage.stateName() + "Check", stage.stateName() + "Wait")));
    expected.addAll(List.of(PipelineStateMachine.RECORD_FAILURE, PipelineStateMachine.FAILED));
    if (declared.approvalGate().isPresent()) {
      expected.addAll(List.of(PipelineStateMachine.RECORD_TIMEOUT, PipelineStateMachine.TIMED_OUT, PipelineStateMachine.REJECTED));
    }
    if (stages.stream().anyMatch(stage -> stage.polling().isPresent())) {
      expected.add(PipelineStateMachine.SUCCEEDED);
    }
    assertThat(names(states)).isEqualTo(expected);
    assertThat(states.get(PipelineStateMachine.RECORD_FAILURE).get("Next").asText()).isEqualTo(PipelineStateMachine.FAILED);
    assertThat(states.get(PipelineStateMachine.FAILED).get("Type").asText()).isEqualTo("Fail");
    if (declared.approvalGate().isPresent()) {
      assertThat(states.get(PipelineStateMachine.RECORD_TIMEOUT).get("Next").asText()).isEqualTo(PipelineStateMachine.TIMED_OUT);
      assertThat(states.get(PipelineStateMachine.REJECTED).get("Error").asText()).isEqualTo(StepFunctionsWorkflow.REJECTED_ERROR);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("pipelines")
  void running_stages_retry_lambda_errors_and_their_declared_exceptions_with_full_jitter(PipelineDefinition declared) {
    JsonNode states = DEFINITIONS.get(declared.name()).get("States");
    for (StageDefinition stage : declared.stages()) {
      JsonNode retriers = states.get(stage.stateName()).get("Retry");
      JsonNode lambda = retriers.get(0);
      assertThat(errors(lambda)).containsExactlyElementsOf(PipelineStateMachine.LAMBDA_ERRORS);
      assertThat(lambda.get("JitterStrategy").asText()).isEqualTo("FULL");
      RetryPolicy policy = stage.retry();
      if (policy.maxAttempts() == 0) {
        assertThat(retriers).as(stage.name()).hasSize(1);
        continue;
      }
      JsonNode retrier = retriers.get(1);
      assertThat(errors(retrier)).containsExactlyElementsOf(policy.retryOn().stream().map(Class::getName).toList());
      assertThat(retrier.get("IntervalSeconds").asLong()).isEqualTo(policy.interval().toSeconds());
      assertThat(retrier.get("MaxAttempts").asInt()).isEqualTo(policy.maxAttempts());
      assertThat(retrier.get("BackoffRate").asDouble()).isEqualTo(policy.backoffRate());
      assertThat(retrier.get("MaxDelaySeconds").asLong()).isEqualTo(policy.maxDelay().toSeconds());
      assertThat(retrier.get("JitterStrategy").asText()).isEqualTo("FULL");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("pipelines")
  void running_stages_send_the_stage_task_the_stage_handler_reads_and_keep_only_the_session_id(PipelineDefinition declared) {
    JsonNode definition = DEFINITIONS.get(declared.name());
    JsonNode states = definition.get("States");
    List<String> fields = Arrays.stream(StateMachineTasks.StageTask.class.getRecordComponents()).map(c -> c.getName()).toList();
    for (StageDefinition stage : declared.stages()) {
      if (stage.approvalGate()) {
        continue;
      }
      JsonNode state = states.get(stage.stateName());
      JsonNode payload = state.get("Parameters").get("Payload");
      assertThat(names(payload)).containsExactlyInAnyOrder("sessionId.$", "stage", "attempt.$", "pipeline", "executionArn.$");
      assertThat(payload.get("executionArn.$").asText()).isEqualTo("$$.Execution.Id");
      assertThat(payload.get("pipeline").asText()).isEqualTo(declared.name());
      assertThat(names(payload).stream().map(n -> n.replace(".$", "")).toList()).containsExactlyInAnyOrderElementsOf(fields);
      assertThat(payload.get("stage").asText()).isEqualTo(stage.name());
      assertThat(payload.get("attempt.$").asText()).isEqualTo("States.MathAdd($$.State.RetryCount, 1)");
      if (stage.polling().isPresent()) {
        assertThat(state.get("ResultPath").asText()).as("a polling stage keeps what its Choice reads")
            .isEqualTo(PipelineStateMachine.LOOK_PATH);
        assertThat(names(state.get("ResultSelector"))).containsExactlyInAnyOrder("waiting.$", "status.$");
        List<String> result = Arrays.stream(StateMachineTasks.TaskResult.class.getRecordComponents()).map(c -> c.getName()).toList();
        assertThat(result).contains("waiting", "status");
      } else {
        assertThat(state.get("ResultPath").isNull()).as("results are discarded").isTrue();
      }
      assertThat(state.get("TimeoutSeconds").asLong())
          .isGreaterThan(PipelineDefinition.functionTimeout(stage).toSeconds());
    }
  }

  @Test
  void the_approval_waits_for_a_task_token_with_the_declared_heartbeat_and_timeout_and_times_out_into_timed_out() {
    PipelineDefinition declared = Pipelines.standard().pipeline(PipelineDefinition.DELIVER);
    JsonNode states = DEFINITIONS.get(declared.name()).get("States");
    StageDefinition gate = declared.approvalGate().orElseThrow();
    JsonNode state = states.get(gate.stateName());

    assertThat(state.get("Resource").asText()).endsWith("lambda:invoke.waitForTaskToken");
    assertThat(names(state.get("Parameters").get("Payload"))).containsExactlyInAnyOrder("sessionId.$", "taskToken.$");
    assertThat(state.get("Parameters").get("Payload").get("taskToken.$").asText()).isEqualTo("$$.Task.Token");
    assertThat(state.get("TimeoutSeconds").asLong()).isEqualTo(gate.timeout().toSeconds());
    assertThat(state.get("HeartbeatSeconds").asLong()).isEqualTo(gate.heartbeat().orElseThrow().toSeconds());
    List<JsonNode> catches = list(state.get("Catch"));
    assertThat(catches).extracting(c -> errors(c), c -> c.get("Next").asText()).containsExactly(
        org.assertj.core.groups.Tuple.tuple(List.of(StepFunctionsWorkflow.REJECTED_ERROR), PipelineStateMachine.REJECTED),
        org.assertj.core.groups.Tuple.tuple(List.of("States.Timeout", "States.HeartbeatTimeout"), PipelineStateMachine.RECORD_TIMEOUT),
        org.assertj.core.groups.Tuple.tuple(List.of("States.ALL"), PipelineStateMachine.RECORD_FAILURE));
    assertThat(states.get(PipelineStateMachine.RECORD_TIMEOUT).get("Parameters").get("Payload").get("outcome").asText())
        .isEqualTo("TIMED_OUT");
    assertThat(states.get(PipelineStateMachine.RECORD_FAILURE).get("Parameters").get("Payload").get("error.$").asText())
        .isEqualTo("$.error");
  }

  static List<String> errors(JsonNode retrierOrCatcher) {
    return list(retrierOrCatcher.get("ErrorEquals")).stream().map(JsonNode::asText).toList();
  }

  static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }

  static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
