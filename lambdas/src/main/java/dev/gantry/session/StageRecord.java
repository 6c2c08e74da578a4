package dev.gantry.session;

import dev.gantry.model.TokenUsage;
import java.time.Instant;
import java.util.List;

/**
 * What happened in one stage of a session.
 *
 * @param name the stage name from the pipeline declaration
 * @param status where the stage is
 * @param startedAt when it started
 * @param endedAt when it ended, null while running or waiting
 * @param attempts attempts made (retries included)
 * @param usage model tokens the stage consumed
 * @param summary one line on the outcome
 * @param droppedTools frontmatter tools not offered to the agent, with the reason
 */
public record StageRecord(
    String name,
    StageStatus status,
    Instant startedAt,
    Instant endedAt,
    int attempts,
    TokenUsage usage,
    String summary,
    List<String> droppedTools) {

  /** Duration in milliseconds, or -1 while the stage has not ended. */
  public long durationMillis() {
    return endedAt == null ? -1 : endedAt.toEpochMilli() - startedAt.toEpochMilli();
  }
}
