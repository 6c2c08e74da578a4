package dev.gantry.model;

import java.util.List;

/**
 * One turn of a conversation: a role and its content blocks, as in Converse's {@code Message}.
 *
 * @param role who wrote it
 * @param content one or more blocks, in order
 */
public record Message(Role role, List<ContentBlock> content) {

  /** Converse's {@code ConversationRole}. */
  public enum Role {
    USER,
    ASSISTANT
  }

  public Message {
    content = List.copyOf(content);
  }

  /** A user message holding one text block. */
  public static Message userText(String text) {
    return new Message(Role.USER, List.of(new ContentBlock.Text(text)));
  }

  /** The concatenated text blocks of this message, separated by newlines. */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (ContentBlock block : content) {
      if (block instanceof ContentBlock.Text t) {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append(t.text());
      }
    }
    return out.toString();
  }

  /** The tool requests in this message, in order. */
  public List<ContentBlock.ToolUse> toolUses() {
    return content.stream()
        .filter(ContentBlock.ToolUse.class::isInstance)
        .map(ContentBlock.ToolUse.class::cast)
        .toList();
  }
}
