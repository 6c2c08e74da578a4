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
  WRITE_DOCUMENT("write_document");

  private final String toolName;

  GantryTool(String toolName) {
    this.toolName = toolName;
  }

  /** The name offered to the model. */
  public String toolName() {
    return toolName;
  }
}
