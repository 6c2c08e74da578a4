package dev.gantry.session;

import java.util.List;
import java.util.Optional;

/**
 * One page of a session listing, newest first.
 *
 * @param sessions at most the requested number of sessions
 * @param nextCursor an opaque cursor for the next page; empty on the last page
 */
public record SessionPage(List<Session> sessions, Optional<String> nextCursor) {
  public SessionPage {
    sessions = List.copyOf(sessions);
  }
}
