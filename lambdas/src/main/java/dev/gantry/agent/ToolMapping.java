package dev.gantry.agent;

import dev.gantry.deploy.spec.DidYouMean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
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
 * definition without a {@code tools} field inherits every Gantry tool, as in Claude Code. A name
 * with a specifier ({@code Bash(git diff:*)}, {@code Task(worker)}) is looked up by the part before
 * the parenthesis; an allowed write narrowed by a pattern ({@code Write(docs/**)}) is not offered at
 * all, since Gantry cannot narrow a tool and must not widen what the file allows.
 *
 * <p>For a whole definition ({@link #select(AgentDefinition)}), as Claude Code's "Subagents" page
 * says of {@code disallowedTools} and {@code permissionMode}: deny first, then allow. A Gantry tool
 * that a denied name maps to is withheld even when another allowed name maps to it too (denying
 * {@code Write} withholds write_document from an agent that also lists {@code Edit}), and a denied
 * name with a specifier ({@code Write(docs/**)}) withholds the whole tool, since Gantry cannot
 * narrow a tool by pattern. {@code permissionMode: plan} withholds write_document.
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
          "Task", "starts other agents outside the pipeline",
          "Agent", "starts other agents outside the pipeline");

  private ToolMapping() {}

  /** A tool named in the frontmatter that Gantry does not offer, and why. */
  public record DroppedTool(String name, String reason) {}

  /**
   * The tools offered to the model and the ones dropped.
   *
   * @param offered the Gantry tools the toolbox builds
   * @param dropped frontmatter names not offered, each with its reason, in frontmatter order
   * @param withheld Gantry tools the definition denies (by {@code disallowedTools} or a read-only
   *     permission mode), with the reason a model asking for one anyway is told
   */
  public record Selection(Set<GantryTool> offered, List<DroppedTool> dropped, Map<GantryTool, String> withheld) {
    public Selection {
      offered = offered.isEmpty() ? EnumSet.noneOf(GantryTool.class) : EnumSet.copyOf(offered);
      dropped = List.copyOf(dropped);
      withheld = Collections.unmodifiableMap(withheld.isEmpty() ? new EnumMap<>(GantryTool.class) : new EnumMap<>(withheld));
    }

    /** A selection that withholds nothing by denial. */
    public Selection(Set<GantryTool> offered, List<DroppedTool> dropped) {
      this(offered, dropped, Map.of());
    }
  }

  /**
   * Selects Gantry tools for a definition's {@code tools} field.
   *
   * @param declared the tool names as written, or empty when the field is absent (all tools)
   */
  public static Selection select(Optional<List<String>> declared) {
    if (declared.isEmpty()) {
      return new Selection(GantryTool.selectable(), List.of());
    }
    Set<GantryTool> offered = EnumSet.noneOf(GantryTool.class);
    List<DroppedTool> dropped = new ArrayList<>();
    for (String name : declared.get()) {
      String tool = baseName(name);
      GantryTool mapped = MAPPED.get(tool);
      if (mapped != null && !tool.equals(name.strip()) && mapped == GantryTool.WRITE_DOCUMENT) {
        // an allow narrowed by a pattern must not become a write anywhere: Gantry cannot narrow a tool
        dropped.add(new DroppedTool(name, "Gantry cannot limit writes to a pattern, so the write tools are not offered; "
            + "list " + tool + " without a pattern to allow them"));
      } else if (mapped != null) {
        offered.add(mapped);
      } else if (tool.startsWith("mcp__")) {
        dropped.add(new DroppedTool(name, "MCP servers are not reachable from a Lambda function"));
      } else if (UNSAFE.containsKey(tool)) {
        dropped.add(new DroppedTool(name, UNSAFE.get(tool) + ", which is unsafe in a Lambda function"));
      } else {
        dropped.add(new DroppedTool(name, "unknown tool"
            + DidYouMean.closest(tool, MAPPED.keySet().stream().sorted().toList()).map(m -> "; did you mean '" + m + "'?").orElse("")));
      }
    }
    return new Selection(offered, dropped);
  }

  /**
   * Selects Gantry tools for a whole definition: its {@code disallowedTools} first, then its {@code
   * tools}, then its permission mode ({@code plan} is read-only). Never offers more than {@link
   * #select(Optional)} does for the same {@code tools}.
   */
  public static Selection select(AgentDefinition agent) {
    Map<GantryTool, String> withheld = new EnumMap<>(GantryTool.class);
    List<DroppedTool> dropped = new ArrayList<>();
    for (String name : agent.disallowedTools().orElse(List.of())) {
      GantryTool mapped = MAPPED.get(baseName(name));
      if (mapped != null) {
        withheld.putIfAbsent(mapped, "denied by the agent's disallowedTools ('" + name + "')");
      }
      dropped.add(new DroppedTool(name, "denied by disallowedTools"));
    }
    boolean planWithholds = agent.permissionMode().readOnly() && !withheld.containsKey(GantryTool.WRITE_DOCUMENT);
    if (planWithholds) {
      withheld.put(GantryTool.WRITE_DOCUMENT, "the agent's permissionMode '" + agent.permissionMode().fieldValue() + "' is read-only");
    }
    Selection allowed = select(agent.tools());
    for (DroppedTool d : allowed.dropped()) {
      if (!listed(dropped, d.name())) {
        dropped.add(d);
      }
    }
    for (String name : agent.tools().orElse(List.of())) {
      GantryTool mapped = MAPPED.get(baseName(name));
      if (mapped != null && withheld.containsKey(mapped) && !listed(dropped, name)) {
        dropped.add(new DroppedTool(name, mapped.toolName() + " is withheld: " + withheld.get(mapped)));
      }
    }
    if (planWithholds && agent.tools().isEmpty()) {
      dropped.add(new DroppedTool(GantryTool.WRITE_DOCUMENT.toolName(), withheld.get(GantryTool.WRITE_DOCUMENT)));
    }
    Set<GantryTool> offered = EnumSet.noneOf(GantryTool.class);
    offered.addAll(allowed.offered());
    offered.removeAll(withheld.keySet());
    return new Selection(offered, dropped, withheld);
  }

  private static boolean listed(List<DroppedTool> dropped, String name) {
    return dropped.stream().anyMatch(d -> d.name().equals(name));
  }

  /** The tool name without a specifier: {@code Bash} for {@code Bash(git diff:*)}. */
  private static String baseName(String name) {
    int open = name.indexOf('(');
    return (open > 0 ? name.substring(0, open) : name).strip();
  }
}
