package dev.gantry.session;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Where a session's local repository ({@code repository.path}) may lie: under one of {@code roots}
 * ({@code GANTRY_REPOSITORY_ROOTS}), and neither inside nor around a folder of Gantry's own ({@code
 * reserved}: {@code GANTRY_HOME}, where the embedded stores keep every session's documents, and the
 * scratch folder of extracted snapshots), so an agent never reads another session's documents. Paths
 * are compared as real paths (symbolic links resolved, {@link Path#toRealPath}), so a link from a
 * root to a folder elsewhere is refused.
 *
 * @param roots the folders repositories may lie under; none refuses every {@code repository.path}
 * @param reserved Gantry's own folders by the variable that names them, e.g. {@code GANTRY_HOME ->
 *     ~/.gantry}; a repository may be neither inside one nor hold one (a refusal names the first the
 *     repository lies inside, else the first it holds, in this map's order)
 */
public record RepositoryRoots(List<Path> roots, Map<String, Path> reserved) {
  /** The variable that lists the roots. Declared in {@code EnvironmentVariables}, repeated here for messages. */
  static final String VARIABLE = "GANTRY_REPOSITORY_ROOTS";

  public RepositoryRoots {
    roots = List.copyOf(roots);
    reserved = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reserved)); // in order, for messages
  }

  /**
   * Every folder of the file system, nothing reserved: what the constructors of {@link
   * SessionService} without roots accept (tests, and callers that check paths themselves).
   */
  public static RepositoryRoots anywhere() {
    return new RepositoryRoots(
        StreamSupport.stream(FileSystems.getDefault().getRootDirectories().spliterator(), false).toList(), Map.of());
  }

  /** The same reserved folders with {@code root} as the only root: {@code gantry run} reads the folder its user named. */
  public RepositoryRoots onlyUnder(Path root) {
    return new RepositoryRoots(List.of(root), reserved);
  }

  /**
   * Checks that {@code folder} may be a session's repository.
   *
   * @param folder an existing directory
   * @return its real path, which the session records
   * @throws InvalidRequestException on {@code repository.path}, with the fix naming {@code
   *     GANTRY_REPOSITORY_ROOTS} or the reserved folder's variable, when the folder cannot be resolved,
   *     lies inside or holds a reserved folder, or lies under no root
   */
  public Path check(Path folder) {
    Path real;
    try {
      real = folder.toRealPath();
    } catch (IOException e) {
      throw new InvalidRequestException("repository.path", "repository not found: " + folder + " is not a directory");
    }
    for (boolean inside : new boolean[] {true, false}) {
      for (Map.Entry<String, Path> own : reserved.entrySet()) {
        Path gantry = real(own.getValue());
        if (inside ? real.startsWith(gantry) : gantry.startsWith(real)) {
          throw new InvalidRequestException("repository.path", folder + " " + (inside ? "lies inside" : "holds")
              + " Gantry's own data (" + own.getKey() + "), where every session's documents are kept: name a repository "
              + "folder outside " + own.getValue());
        }
      }
    }
    if (roots.isEmpty()) {
      throw new InvalidRequestException("repository.path", "no local folders may be read here: set " + VARIABLE
          + " to the folders repositories lie under (separated by '" + java.io.File.pathSeparator + "' or ','), "
          + "or name the repository by repository.url");
    }
    if (roots.stream().map(RepositoryRoots::real).noneMatch(real::startsWith)) {
      throw new InvalidRequestException("repository.path", folder + " is not under a folder " + VARIABLE
          + " names (symbolic links resolved): add its folder to " + VARIABLE + " or name a repository under one");
    }
    return real;
  }

  /** The real path of {@code path}, or its absolute normal form when it does not exist. */
  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
