package dev.gantry.agent;

/**
 * An agent definition file cannot be used. The message names the file, the line (1-based) and
 * the problem, in the form {@code FILE:LINE: PROBLEM}.
 */
public class AgentDefinitionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final int line;
  private final String problem;

  /**
   * @param source the file (or label) that failed
   * @param line 1-based line of the problem
   * @param problem what is wrong and how to fix it
   */
  public AgentDefinitionException(String source, int line, String problem) {
    super(source + ":" + line + ": " + problem);
    this.source = source;
    this.line = line;
    this.problem = problem;
  }

  /** The file (or label) that failed. */
  public String source() {
    return source;
  }

  /** 1-based line of the problem. */
  public int line() {
    return line;
  }

  /** What is wrong, without the file and line. */
  public String problem() {
    return problem;
  }
}
