package dev.gantry.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.io.IOException;

/**
 * The payloads the state machine's tasks send to the Gantry functions: identifiers only, never
 * documents (Step Functions caps state at 256 KiB). The CDK stack builds these payloads with the
 * same field names; the execution input is {@code {"sessionId": "..."}}.
 */
public final class StateMachineTasks {
  private StateMachineTasks() {}

  /**
   * A running stage's task: {@code {"sessionId", "stage", "attempt", "pipeline", "executionArn"}}.
   *
   * @param sessionId the session (also the execution name)
   * @param stage the stage name of the declaration ({@code architect})
   * @param attempt 1-based: {@code States.MathAdd($$.State.RetryCount, 1)}
   * @param pipeline the pipeline the state machine runs ({@code deliver}); null from older state machines
   * @param executionArn {@code $$.Execution.Id}, for the log lines; null from older state machines
   */
  public record StageTask(String sessionId, String stage, int attempt, String pipeline, String executionArn) {

    /** A task without pipeline and execution (as older state machines send it). */
    public StageTask(String sessionId, String stage, int attempt) {
      this(sessionId, stage, attempt, null, null);
    }
  }

  /**
   * The approval state's task ({@code .waitForTaskToken}): {@code {"sessionId", "taskToken"}}.
   *
   * @param taskToken {@code $$.Task.Token}
   */
  public record ApprovalTask(String sessionId, String taskToken) {}

  /**
   * The failure-recording task: {@code {"sessionId", "outcome", "error": {"Error", "Cause"}}}, where
   * {@code error} is what a {@code Catch} with {@code ResultPath: $.error} put there.
   *
   * @param outcome {@code FAILED} or {@code TIMED_OUT}
   */
  public record ExecutionEnd(String sessionId, String outcome, CaughtError error) {}

  /**
   * A caught error as Step Functions writes it (Amazon States Language, "Catch": error output).
   *
   * @param error the error name, e.g. {@code States.Timeout} or an exception class name
   * @param cause the error message; for a Lambda error, the function's JSON error document
   */
  public record CaughtError(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {

    /**
     * The cause as one line: a Lambda function's error document ({@code {"errorMessage",
     * "errorType", "stackTrace"}}) gives its {@code errorMessage}, never the stack trace; other
     * causes are returned as they are.
     */
    public String message() {
      if (cause == null || !cause.strip().startsWith("{")) {
        return cause;
      }
      try {
        JsonNode document = Json.MAPPER.readTree(cause);
        JsonNode message = document.get("errorMessage");
        return message != null && message.isTextual() ? message.asText() : null;
      } catch (IOException notJson) {
        return cause;
      }
    }
  }

  /**
   * What the Gantry functions return to a task, shown in the console's event history. The state
   * machine discards it, except after a polling stage, whose Choice state reads {@code waiting}
   * (look again after a Wait state) and {@code status} ({@code SUCCEEDED}: the session ended early).
   *
   * @param status the session's status after the task
   * @param waiting whether the stage is a polling stage still waiting on outside work
   */
  public record TaskResult(String sessionId, String status, boolean waiting) {}

  /**
   * What the failure-recording function returns.
   *
   * @param outcome the end it was asked to record
   * @param recorded false when the session had already ended (the stage recorded it, or a person did)
   */
  public record ExecutionEndResult(String sessionId, String outcome, boolean recorded) {}
}
