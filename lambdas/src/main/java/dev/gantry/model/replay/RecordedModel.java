package dev.gantry.model.replay;

import dev.gantry.agent.Transcript;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.TokenUsage;
import java.util.List;

/**
 * A model client that answers from one stage's recorded model calls ({@link Transcript.ModelCall},
 * the {@code model_call} lines of {@code transcript-<stage>.jsonl}) in the order they were made,
 * instead of calling a model. It never opens a connection, so a replay of a session works the same
 * whichever provider (offline, Bedrock, an OpenAI-compatible server) answered it first.
 *
 * <p>Call {@code n} gets the {@code n}th recorded answer as it was: the same content blocks (text
 * and tool-use, with their ids and inputs) and stop reason, whatever the request says; the request
 * is not compared (the replay compares what the tools answered, from the replay's own transcript).
 * Usage is {@link TokenUsage#ZERO} and latency 0: nothing was generated or billed, so a replay
 * session's usage and cost stay zero and no token or cost budget is spent.
 *
 * <p>Thread-safe: one agent run calls it from one thread; the counter is guarded anyway.
 */
public final class RecordedModel implements ModelClient {
  private final String source;
  private final List<Transcript.ModelCall> calls;
  private int answered;

  /**
   * @param source what was recorded, for messages: {@code stage plan of session 5f0c…}
   * @param calls the recorded model calls, in order
   */
  public RecordedModel(String source, List<Transcript.ModelCall> calls) {
    this.source = source;
    this.calls = List.copyOf(calls);
  }

  /** A model answering from the {@code model_call} entries of a parsed transcript ({@link Transcript#parse}). */
  public static RecordedModel of(String source, List<Transcript.Entry> transcript) {
    return new RecordedModel(source, transcript.stream()
        .filter(Transcript.ModelCall.class::isInstance).map(Transcript.ModelCall.class::cast).toList());
  }

  /**
   * The next recorded answer.
   *
   * @throws RecordingExhaustedException (not retryable) when every recorded answer was given: the
   *     replay asked for more calls than the original made
   * @throws ModelException (not retryable) when the recorded call itself failed; its message holds
   *     the recorded error
   */
  @Override
  public synchronized ModelResponse converse(ModelRequest request) {
    if (answered >= calls.size()) {
      int asked = answered + 1;
      throw new RecordingExhaustedException("replay: call " + asked + " was asked for, but " + source + " recorded "
          + calls.size() + (calls.size() == 1 ? " model call" : " model calls") + "; the replay went on where the original stopped");
    }
    Transcript.ModelCall recorded = calls.get(answered++);
    if (recorded.error() != null || recorded.stopReason() == null) {
      throw new ModelException("replay: call " + recorded.turn() + " of " + source + " failed when it was recorded: "
          + recorded.error(), false, null);
    }
    return new ModelResponse(recorded.output(), recorded.stopReason(), TokenUsage.ZERO, 0);
  }

  /** {@code recorded answers of stage plan of session …}. */
  @Override
  public String describe() {
    return "recorded answers of " + source + " (no model called)";
  }

  /** Recorded answers cost nothing, so any cost budget can be enforced. */
  @Override
  public boolean knowsCost(String modelId) {
    return true;
  }

  /** How many recorded answers were given so far. */
  public synchronized int answered() {
    return answered;
  }

  /** How many answers were recorded. */
  public int recorded() {
    return calls.size();
  }

  /** A replay asked a {@link RecordedModel} for more calls than were recorded: a divergence, never retried. */
  public static final class RecordingExhaustedException extends ModelException {
    private static final long serialVersionUID = 1L;

    /** @param message which call was asked for and how many were recorded */
    public RecordingExhaustedException(String message) {
      super(message, false, null);
    }
  }
}
