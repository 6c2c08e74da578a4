package dev.gantry.agent;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An agent's {@code permissionMode} frontmatter field and what it means in Gantry.
 *
 * <p>Source: Claude Code documentation, "Subagents" ({@code permissionMode}: {@code default},
 * {@code acceptEdits}, {@code auto}, {@code dontAsk}, {@code bypassPermissions} or {@code plan})
 * and "Permission modes". In Claude Code a mode decides when a person is asked before a tool runs.
 * Gantry asks no one during a stage: its tools are sandboxed already (the repository is read-only,
 * writes go only to session documents), so a mode can only narrow what is offered, never widen it:
 * {@link #PLAN} withholds the write tool, {@link #BYPASS_PERMISSIONS} is refused, and the others
 * are accepted and change nothing.
 */
public enum PermissionMode {
  /** Claude Code asks before edits and commands. Gantry: changes nothing. */
  DEFAULT("default", "accepted; changes nothing: Gantry's tools are already sandboxed (read-only repository, documents-only writes)"),
  /** Claude Code accepts file edits without asking. Gantry: changes nothing. */
  ACCEPT_EDITS("acceptEdits", "accepted; changes nothing: Gantry asks no one, and write_document only writes session documents"),
  /** Claude Code lets a classifier decide. Gantry: changes nothing. */
  AUTO("auto", "accepted; changes nothing: Gantry asks no one, and its tools are already sandboxed"),
  /** Claude Code refuses what would need asking. Gantry: changes nothing. */
  DONT_ASK("dontAsk", "accepted; changes nothing: Gantry asks no one, and its tools are already sandboxed"),
  /** Claude Code's read-only planning mode. Gantry: the write tool is not offered. */
  PLAN("plan", "read-only: write_document is not offered"),
  /** Claude Code skips every permission check. Gantry refuses the agent. */
  BYPASS_PERMISSIONS("bypassPermissions", "refused: Gantry never widens what an agent may do, so an agent that asks to "
      + "bypass permissions does not load; remove the field or use 'default' or 'plan'");

  private final String fieldValue;
  private final String effect;

  PermissionMode(String fieldValue, String effect) {
    this.fieldValue = fieldValue;
    this.effect = effect;
  }

  /** The value as written in frontmatter, e.g. {@code acceptEdits}. */
  public String fieldValue() {
    return fieldValue;
  }

  /** What the mode does in Gantry, one phrase for listings and messages. */
  public String effect() {
    return effect;
  }

  /** Whether the mode withholds the write tool. */
  public boolean readOnly() {
    return this == PLAN;
  }

  /** The mode written {@code value} (exact case), if Claude Code defines it. */
  public static Optional<PermissionMode> of(String value) {
    return Arrays.stream(values()).filter(m -> m.fieldValue.equals(value)).findFirst();
  }

  /** Every value Claude Code defines, as written in frontmatter. */
  public static List<String> fieldValues() {
    return Arrays.stream(values()).map(PermissionMode::fieldValue).toList();
  }
}
