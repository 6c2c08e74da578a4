package dev.gantry.model;

/**
 * The model port: one request, one answer, shaped like Amazon Bedrock's Converse API.
 *
 * <p>Implementations: the deterministic {@link OfflineModel} (one machine, no LLM); Bedrock
 * Converse and OpenAI-compatible endpoints come with the real-model issue.
 */
public interface ModelClient {

  /**
   * Sends the conversation and returns the model's next message.
   *
   * @throws ModelException when the call fails; {@link ModelException#retryable()} tells whether
   *     the same call may be sent again (throttling) or not (a timed-out generation, a bad request)
   */
  ModelResponse converse(ModelRequest request);

  /** A short label for documents and audit entries, such as {@code offline} or a model id. */
  String describe();

  /**
   * Whether the cost of calls to {@code modelId} is known (a price, or free), so a cost budget can
   * be enforced. A runner with a cost budget refuses a model whose cost is unknown (fails closed).
   */
  default boolean knowsCost(String modelId) {
    return true;
  }
}
