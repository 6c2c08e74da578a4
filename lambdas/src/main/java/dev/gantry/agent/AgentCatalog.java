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
 * The agents of one directory: every {@code *.md} file that loads, plus one problem per file that
 * does not. A bad file never stops the others from loading.
 *
 * <p>Files are read in name order. When two files declare the same {@code name}, the first keeps
 * it and the second is refused with a problem naming both files.
 */
public final class AgentCatalog {
  private final Map<String, AgentDefinition> agents;
  private final List<AgentDefinitionException> problems;

  private AgentCatalog(
      Map<String, AgentDefinition> agents, List<AgentDefinitionException> problems) {
    this.agents = agents;
    this.problems = List.copyOf(problems);
  }

  /**
   * Loads every {@code *.md} file directly inside {@code directory}.
   *
   * @throws IllegalArgumentException when {@code directory} is not a readable directory
   */
  public static AgentCatalog load(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("agent directory not found: " + directory);
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(p -> p.getFileName().toString().endsWith(".md"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list agent directory " + directory, e);
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
