package dev.gantry.pipeline;

import java.time.Duration;
import java.util.List;

/**
 * How a stage is retried, in Step Functions retrier terms ({@code ErrorEquals}, {@code
 * IntervalSeconds}, {@code MaxAttempts}, {@code BackoffRate}, {@code MaxDelaySeconds}, {@code
 * JitterStrategy FULL}). The local executor applies the same numbers. Source: AWS Step Functions
 * Developer Guide, "Handling errors in Step Functions workflows".
 *
 * @param retryOn exception classes that may be retried; Step Functions matches them by class name
 * @param interval delay before the first retry
 * @param maxAttempts retries after the first attempt (Step Functions' MaxAttempts)
 * @param backoffRate multiplier of the delay per retry
 * @param maxDelay cap of any one delay
 */
public record RetryPolicy(
    List<Class<? extends Exception>> retryOn,
    Duration interval,
    int maxAttempts,
    double backoffRate,
    Duration maxDelay) {

  public RetryPolicy {
    retryOn = List.copyOf(retryOn);
  }

  /** No retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(List.of(), Duration.ofSeconds(1), 0, 1.0, Duration.ofSeconds(1));
  }

  /** Whether {@code error} is one of the retryable classes. */
  public boolean retries(Throwable error) {
    return retryOn.stream().anyMatch(type -> type.isInstance(error));
  }

  /** Upper bound of the delay before retry number {@code retry} (1-based), before jitter. */
  public Duration delayBefore(int retry) {
    double millis = interval.toMillis() * Math.pow(backoffRate, retry - 1);
    return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
  }
}
