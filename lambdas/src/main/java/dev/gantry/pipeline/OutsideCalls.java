package dev.gantry.pipeline;

import dev.gantry.deploy.StackOperationException;
import dev.gantry.repo.RepositoryFetchException;
import java.util.function.Supplier;

/**
 * How a stage turns a failed call to a service outside Gantry (CloudFormation, a Git server) into
 * the stage's answer: a retryable one (throttling left after the SDK's retries, a 5xx, the
 * network) is retried by the stage's policy; any other ends the session FAILED with the service's
 * reason.
 */
final class OutsideCalls {
  private OutsideCalls() {}

  /**
   * @return what {@code call} returns
   * @throws TransientStageException for a retryable failure
   * @throws StageFailedException for any other, with the service's reason
   */
  static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (StackOperationException e) {
      throw answer(e, e.retryable());
    } catch (RepositoryFetchException e) {
      throw answer(e, e.retryable());
    }
  }

  /** The stage's answer to {@code failure}: to retry, or to end the session FAILED with its message. */
  static RuntimeException answer(RuntimeException failure, boolean retryable) {
    return retryable ? new TransientStageException(failure.getMessage(), failure) : new StageFailedException(failure.getMessage());
  }
}
