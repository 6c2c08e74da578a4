package dev.gantry.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agents of one folder tree: every {@code *.md} file that loads, in the folder or any folder
 * below it (Claude Code reads {@code .claude/agents/} the same way, so teams that group their agents
 * in subfolders keep them), plus one problem per file or folder that cannot be read. A bad file
 * never stops the others from loading.
 *
 * <p>Files are read shallowest first, then in path order, so a top-level {@code x.md} keeps its
 * name against a copy in a subfolder such as {@code archive/x.md}: when two files declare the same
 * {@code name}, the first keeps it and the second is refused with a problem naming both files.
 * The folder itself may be a symbolic link (a {@code ~/.claude/agents} kept with dotfiles); links
 * to files are read; links to folders below it are not followed, so the walk cannot loop.
 */
public final class AgentCatalog {
  /** How deep below the folder agent files are looked for. */
  private static final int MAX_DEPTH = 8;

  private final Path directory;
  private final Map<String, AgentDefinition> agents;
  private final List<AgentDefinitionException> problems;

  private AgentCatalog(
      Path directory, Map<String, AgentDefinition> agents, List<AgentDefinitionException> problems) {
    this.directory = directory;
    this.agents = agents;
    this.problems = List.copyOf(problems);
  }

  /**
   * Loads every {@code *.md} file in {@code directory} and its subfolders (at most {@value
   * #MAX_DEPTH} levels down). Sources are named as {@code directory} plus the path below it.
   *
   * @throws IllegalArgumentException when {@code directory} is not a directory
   * @throws UncheckedIOException when {@code directory} itself cannot be read
   */
  public static AgentCatalog load(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("agent directory not found: " + directory);
    }
    List<Path> files = new ArrayList<>();
    List<AgentDefinitionException> problems = new ArrayList<>();
    try {
      Path root = directory.toRealPath();
      Files.walkFileTree(root, Set.of(), MAX_DEPTH, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (file.getFileName().toString().endsWith(".md") && Files.isRegularFile(file)) {
            files.add(directory.resolve(root.relativize(file)));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          problems.add(new AgentDefinitionException(directory.resolve(root.relativize(file)).toString(), 1,
              "cannot be read (" + e.getClass().getSimpleName() + "): check its permissions"));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list agent directory " + directory, e);
    }
    files.sort(Comparator.comparingInt(Path::getNameCount).thenComparing(Comparator.naturalOrder()));
    AgentLoader loader = new AgentLoader();
    List<AgentDefinition> loaded = new ArrayList<>();
    for (Path file : files) {
      try {
        loaded.add(loader.load(file));
      } catch (AgentDefinitionException e) {
        problems.add(e);
      }
    }
    return of(directory, loaded, problems);
  }

  /** A catalog of already parsed definitions; duplicates become problems as in {@link #load}. */
  public static AgentCatalog of(
      Collection<AgentDefinition> definitions, List<AgentDefinitionException> earlierProblems) {
    return of(null, definitions, earlierProblems);
  }

  private static AgentCatalog of(
      Path directory, Collection<AgentDefinition> definitions, List<AgentDefinitionException> earlierProblems) {
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
    return new AgentCatalog(directory, byName, problems);
  }

  /**
   * How a source reads in listings: its path below the catalog's folder ({@code
   * archive/x.md}), or the file name for a catalog that was not loaded from a folder.
   */
  public String displayName(String source) {
    Path path = Path.of(source);
    if (directory != null && path.startsWith(directory)) {
      return directory.relativize(path).toString();
    }
    Path name = path.getFileName();
    return name == null ? source : name.toString();
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
