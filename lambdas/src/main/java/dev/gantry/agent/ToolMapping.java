package dev.gantry.agent;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps Claude Code tool names from an agent's frontmatter to Gantry's sandboxed tools.
 *
 * <p>{@code Read} → read_file; {@code Glob}, {@code LS} → list_files; {@code Grep} → search_text;
 * {@code Write}, {@code Edit}, {@code MultiEdit} → write_document. Tools that cannot run safely in
 * a Lambda function ({@code Bash}, {@code WebSearch}, {@code WebFetch}, MCP tools {@code mcp__*},
 * anything else) are dropped, each with a reason, and the stage's audit entry lists them. A
 * definition without a {@code tools} field inherits every Gantry tool, as in Claude Code.
 */
public final class ToolMapping {
  private static final Map<String, GantryTool> MAPPED =
      Map.of(
          "Read", GantryTool.READ_FILE,
          "Glob", GantryTool.LIST_FILES,
          "LS", GantryTool.LIST_FILES,
          "Grep", GantryTool.SEARCH_TEXT,
          "Write", GantryTool.WRITE_DOCUMENT,
          "Edit", GantryTool.WRITE_DOCUMENT,
          "MultiEdit", GantryTool.WRITE_DOCUMENT);
  private static final Map<String, String> UNSAFE =
      Map.of(
          "Bash", "runs shell commands",
          "BashOutput", "reads shell command output",
          "KillShell", "controls shell processes",
          "WebSearch", "reaches the internet",
          "WebFetch", "reaches the internet",
          "NotebookEdit", "edits notebooks in place",
          "Task", "starts other agents outside the pipeline");

  private ToolMapping() {}

  /** A tool named in the frontmatter that Gantry does not offer, and why. */
  public record DroppedTool(String name, String reason) {}

  /** The tools offered to the model and the ones dropped. */
  public record Selection(Set<GantryTool> offered, List<DroppedTool> dropped) {
    public Selection {
      offered = offered.isEmpty() ? EnumSet.noneOf(GantryTool.class) : EnumSet.copyOf(offered);
      dropped = List.copyOf(dropped);
    }
  }

  /**
   * Selects Gantry tools for a definition's {@code tools} field.
   *
   * @param declared the tool names as written, or empty when the field is absent (all tools)
   */
  public static Selection select(Optional<List<String>> declared) {
    if (declared.isEmpty()) {
      return new Selection(EnumSet.allOf(GantryTool.class), List.of());
    }
    Set<GantryTool> offered = EnumSet.noneOf(GantryTool.class);
    List<DroppedTool> dropped = new ArrayList<>();
    for (String name : declared.get()) {
      GantryTool tool = MAPPED.get(name);
      if (tool != null) {
        offered.add(tool);
      } else if (name.startsWith("mcp__")) {
        dropped.add(new DroppedTool(name, "MCP servers are not reachable from a Lambda function"));
      } else if (UNSAFE.containsKey(name)) {
        dropped.add(new DroppedTool(name, UNSAFE.get(name) + ", which is unsafe in a Lambda function"));
      } else {
        dropped.add(new DroppedTool(name, "unknown tool"));
      }
    }
    return new Selection(offered, dropped);
  }
}
