package dev.gantry.pipeline;

import dev.gantry.deploy.StackOperationException;
import java.util.function.Supplier;

/**
 * How the deploy stages turn a failed call to CloudFormation into the stage's answer: a retryable
 * one (throttling left after the SDK's retries, a 5xx, the network) is retried by the stage's
 * policy; any other ends the session FAILED with CloudFormation's reason.
 */
final class StackCalls {
  private StackCalls() {}

  /**
   * @return what {@code call} returns
   * @throws TransientStageException for a retryable failure
   * @throws StageFailedException for any other, with CloudFormation's reason
   */
  static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (StackOperationException e) {
      if (e.retryable()) {
        throw new TransientStageException(e.getMessage(), e);
      }
      throw new StageFailedException(e.getMessage());
    }
  }
}
