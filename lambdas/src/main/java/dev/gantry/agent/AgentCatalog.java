package dev.gantry.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The agents of one directory tree: every {@code *.md} file that loads, in the directory or any
 * folder below it (Claude Code reads {@code .claude/agents/} the same way, so teams that group their
 * agents in subfolders keep them), plus one problem per file that does not. A bad file never stops
 * the others from loading.
 *
 * <p>Files are read in path order. When two files declare the same {@code name}, the first keeps
 * it and the second is refused with a problem naming both files. Symbolic links to folders are not
 * followed, so a link cannot make the walk leave the tree or loop.
 */
public final class AgentCatalog {
  private final Map<String, AgentDefinition> agents;
  private final List<AgentDefinitionException> problems;

  private AgentCatalog(
      Map<String, AgentDefinition> agents, List<AgentDefinitionException> problems) {
    this.agents = agents;
    this.problems = List.copyOf(problems);
  }

  /** How deep below the directory agent files are looked for. */
  private static final int MAX_DEPTH = 8;

  /**
   * Loads every {@code *.md} file in {@code directory} and its subfolders (at most {@value
   * #MAX_DEPTH} levels down).
   *
   * @throws IllegalArgumentException when {@code directory} is not a readable directory
   */
  public static AgentCatalog load(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("agent directory not found: " + directory);
    }
    List<Path> files;
    try (Stream<Path> listing = Files.walk(directory, MAX_DEPTH)) {
      files =
          listing
              .filter(p -> p.getFileName().toString().endsWith(".md"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list agent directory " + directory, e);
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot list agent directory " + directory, e.getCause());
    }
    AgentLoader loader = new AgentLoader();
    List<AgentDefinition> loaded = new ArrayList<>();
    List<AgentDefinitionException> problems = new ArrayList<>();
    for (Path file : files) {
      try {
        loaded.add(loader.load(file));
      } catch (AgentDefinitionException e) {
        problems.add(e);
      }
    }
    return of(loaded, problems);
  }

  /** A catalog of already parsed definitions; duplicates become problems as in {@link #load}. */
  public static AgentCatalog of(
      Collection<AgentDefinition> definitions, List<AgentDefinitionException> earlierProblems) {
    Map<String, AgentDefinition> byName = new LinkedHashMap<>();
    List<AgentDefinitionException> problems = new ArrayList<>(earlierProblems);
    for (AgentDefinition definition : definitions) {
      AgentDefinition first = byName.putIfAbsent(definition.name(), definition);
      if (first != null) {
        problems.add(
            new AgentDefinitionException(
                definition.source(),
                2,
                "duplicate name '"
                    + definition.name()
                    + "': also defined in "
                    + first.source()
                    + "; rename one of them"));
      }
    }
    return new AgentCatalog(byName, problems);
  }

  /** The agent called {@code name}, if it loaded. */
  public Optional<AgentDefinition> find(String name) {
    return Optional.ofNullable(agents.get(name));
  }

  /** Every agent that loaded, in file order. */
  public List<AgentDefinition> agents() {
    return List.copyOf(agents.values());
  }

  /** One entry per file that failed to load, in file order. */
  public List<AgentDefinitionException> problems() {
    return problems;
  }
}
