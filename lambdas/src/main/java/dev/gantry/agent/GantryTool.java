package dev.gantry.agent;

/** Gantry's sandboxed tools, by the name the model sees. */
public enum GantryTool {
  /** Read one repository file (capped in bytes). */
  READ_FILE("read_file"),
  /** List repository files, optionally under a folder and matching a glob. */
  LIST_FILES("list_files"),
  /** Search repository text with a regular expression. */
  SEARCH_TEXT("search_text"),
  /** Write a session document (stored in S3, its SHA-256 recorded on the session). */
  WRITE_DOCUMENT("write_document"),
  /**
   * Write a file in the stage's sandbox, a copy of the snapshot (implementing stages only); offered
   * exactly when write_document is, so denying {@code Write} denies both.
   */
  WRITE_FILE("write_file");

  private final String toolName;

  GantryTool(String toolName) {
    this.toolName = toolName;
  }

  /**
   * The tools a definition's {@code tools} field selects: every one but write_file, which comes with
   * write_document in a stage that has a sandbox.
   */
  public static java.util.Set<GantryTool> selectable() {
    return java.util.EnumSet.complementOf(java.util.EnumSet.of(WRITE_FILE));
  }

  /** The name offered to the model. */
  public String toolName() {
    return toolName;
  }
}
