package dev.gantry.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The keys every log line of a task carries, kept in SLF4J's MDC: the session's ({@value
 * #SESSION_ID}, {@value #STAGE}, {@value #ATTEMPT}, {@value #PIPELINE}, {@value #EXECUTION_ARN}),
 * and, through Powertools' {@link PowertoolsLogging#withLogging}, the Lambda context's ({@code
 * function_request_id}, {@code function_name}, {@code cold_start}, {@code xray_trace_id}). The
 * functions' log4j2 layout (Powertools' {@code LambdaJsonLayout.json}) writes each key as a
 * top-level JSON field. Values are identifiers only: never document content, prompts, task tokens
 * or secrets.
 */
public final class TaskLog {
  private TaskLog() {}

  /** The session's id. */
  public static final String SESSION_ID = "sessionId";
  /** The stage's name. */
  public static final String STAGE = "stage";
  /** The attempt, 1-based. */
  public static final String ATTEMPT = "attempt";
  /** The pipeline's name. */
  public static final String PIPELINE = "pipeline";
  /** The Step Functions execution's ARN. */
  public static final String EXECUTION_ARN = "executionArn";

  /** Work a handler does, which may fail with an I/O error. */
  @FunctionalInterface
  public interface Work<T> {
    T call() throws IOException;
  }

  /** Keys set for a while; {@link #close} puts back what they replaced (or removes them). */
  public static final class Scope implements AutoCloseable {
    private final Map<String, String> replaced = new LinkedHashMap<>();

    private Scope(Map<String, String> keys) {
      keys.forEach((key, value) -> {
        replaced.put(key, MDC.get(key));
        MDC.put(key, value);
      });
    }

    @Override
    public void close() {
      replaced.forEach((key, before) -> {
        if (before == null) {
          MDC.remove(key);
        } else {
          MDC.put(key, before);
        }
      });
    }
  }

  /**
   * Sets {@code keys} (null values left out) until the scope closes.
   *
   * @param keys e.g. {@code sessionId} → the id
   */
  public static Scope with(Map<String, ?> keys) {
    Map<String, String> present = new LinkedHashMap<>();
    keys.forEach((key, value) -> {
      if (value != null) {
        present.put(key, String.valueOf(value));
      }
    });
    return new Scope(present);
  }

  /**
   * Runs a handler's work with the Lambda context's keys and {@code keys} on every line it logs,
   * on this thread; both are removed afterwards, so the next invocation starts clean.
   *
   * @param context the invocation's context
   * @param keys the task's keys, null values left out
   */
  public static <T> T run(Context context, Map<String, ?> keys, Work<T> work) throws IOException {
    try {
      return PowertoolsLogging.withLogging(context, () -> {
        try (Scope ignored = with(keys)) {
          return work.call();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * {@code work} with this thread's keys, for another thread (a stage runs on a worker thread so its
   * timeout can interrupt it): the worker's lines carry the same keys.
   */
  public static <T> Callable<T> propagating(Callable<T> work) {
    Map<String, String> keys = MDC.getCopyOfContextMap();
    if (keys == null || keys.isEmpty()) {
      return work;
    }
    return () -> {
      Map<String, String> before = MDC.getCopyOfContextMap();
      MDC.setContextMap(keys);
      try {
        return work.call();
      } finally {
        if (before == null) {
          MDC.clear();
        } else {
          MDC.setContextMap(before);
        }
      }
    };
  }
}
