package dev.gantry.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Read-only, sandboxed access to a repository checkout on disk: the only way agents see a
 * repository.
 *
 * <p>Rules: paths are relative to the root, use {@code /}, and may not contain {@code ..} or be
 * absolute; a path whose real location (after following symlinks) lies outside the root is refused;
 * listings do not follow symlinks; reads return at most {@code maxReadBytes} bytes of a text file.
 * Build output and VCS folders ({@code .git}, {@code target}, {@code node_modules}, ...) are skipped.
 * A file whose link count is above 1 (a hard link: the same file may be reachable from outside the
 * tree, and a checkout snapshot never contains one) and a device, FIFO or socket are never read,
 * listed or searched ({@link #refusal}).
 */
public final class RepositorySnapshot {
  /** Folder names never listed or searched. */
  public static final Set<String> SKIPPED_DIRECTORIES =
      Set.of(
          ".git", ".hg", ".svn", "target", "node_modules", "cdk.out", "build", "dist", ".gradle",
          ".idea", ".vscode", "__pycache__", ".venv", "venv", ".terraform", ".aws-sam", ".gantry");

  private static final long MAX_SEARCH_FILE_BYTES = 1_000_000;
  private static final int MAX_WALKED_FILES = 200_000;
  /** One search reads at most this much text, so a huge tree cannot stall a stage. */
  private static final long MAX_SEARCH_TOTAL_BYTES = 64L * 1024 * 1024;

  private final Path root;
  private final long maxReadBytes;
  private final int maxEntries;

  /**
   * @param root the repository's top folder; must exist
   * @param maxReadBytes the most bytes one read returns (larger files are cut, and say so)
   * @param maxEntries the most paths a listing, or matches a search, returns
   * @throws RepositoryAccessException when {@code root} is not a directory
   */
  public RepositorySnapshot(Path root, long maxReadBytes, int maxEntries) {
    if (!Files.isDirectory(root)) {
      throw new RepositoryAccessException("repository not found or not a directory: " + root);
    }
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new RepositoryAccessException("repository cannot be opened: " + root);
    }
    this.maxReadBytes = maxReadBytes;
    this.maxEntries = maxEntries;
  }

  /** The repository's real root path. */
  public Path root() {
    return root;
  }

  /** One file of a listing: its repository-relative path ({@code /}-separated) and size. */
  public record FileEntry(String path, long sizeBytes) {}

  /** A listing, cut at {@code maxEntries} when {@code truncated}. */
  public record Listing(List<FileEntry> files, boolean truncated) {}

  /** One line that matched a search. */
  public record SearchMatch(String path, int lineNumber, String line) {}

  /** A search result, cut at {@code maxEntries} when {@code truncated}. */
  public record SearchResult(List<SearchMatch> matches, boolean truncated) {}

  /** The text of a read, and whether it was cut at the byte cap. */
  public record FileContent(String path, String text, long sizeBytes, boolean truncated) {}

  /**
   * Lists regular files under {@code directory} (empty or {@code .} for the root) whose relative
   * path matches {@code glob} (null for all), in path order.
   */
  public Listing list(String directory, String glob) {
    Path start = resolve(directory == null ? "" : directory);
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      throw new RepositoryAccessException("not a directory: " + display(directory));
    }
    PathMatcher matcher = glob == null || glob.isBlank() ? null : matcher(glob);
    List<FileEntry> files = new ArrayList<>();
    walk(
        start,
        (file, attrs) -> {
          String rel = relative(file);
          if (matcher == null || matcher.matches(Path.of(rel))) {
            files.add(new FileEntry(rel, attrs.size()));
          }
          return files.size() < MAX_WALKED_FILES;
        });
    files.sort(java.util.Comparator.comparing(FileEntry::path));
    boolean truncated = files.size() > maxEntries;
    return new Listing(truncated ? List.copyOf(files.subList(0, maxEntries)) : files, truncated);
  }

  /**
   * Reads a text file, at most {@code maxReadBytes} bytes of it.
   *
   * @throws RepositoryAccessException for a path outside the root, a missing or binary file, a hard
   *     link or a special file ({@link #refusal})
   */
  public FileContent read(String path) {
    Path file = resolve(path);
    refuseShared(file, path);
    if (!Files.isRegularFile(file)) {
      throw new RepositoryAccessException("no such file: " + display(path));
    }
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      byte[] bytes = in.readNBytes((int) Math.min(size, maxReadBytes));
      if (isBinary(bytes)) {
        throw new RepositoryAccessException("binary file, not read: " + display(path));
      }
      return new FileContent(
          relative(file), new String(bytes, StandardCharsets.UTF_8), size, size > maxReadBytes);
    } catch (IOException e) {
      throw new RepositoryAccessException("cannot read: " + display(path));
    }
  }

  /**
   * How many lines a text file has (a last line without a line break counts), however large.
   *
   * @throws RepositoryAccessException for a path outside the root, a missing or binary file, a hard
   *     link or a special file
   */
  public int lineCount(String path) {
    Path file = resolve(path);
    refuseShared(file, path);
    if (!Files.isRegularFile(file)) {
      throw new RepositoryAccessException("no such file: " + display(path));
    }
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      int lines = 0;
      boolean pending = false;
      for (int b = in.read(); b >= 0; b = in.read()) {
        if (b == 0) {
          throw new RepositoryAccessException("binary file, not read: " + display(path));
        }
        pending = b != '\n';
        if (!pending) {
          lines++;
        }
      }
      return pending ? lines + 1 : lines;
    } catch (IOException e) {
      throw new RepositoryAccessException("cannot read: " + display(path));
    }
  }

  /**
   * Finds lines matching the Java regular expression {@code regex} in text files whose path
   * matches {@code glob} (null for all).
   *
   * @throws RepositoryAccessException for an invalid expression or glob
   */
  public SearchResult search(String regex, String glob) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new RepositoryAccessException("invalid regular expression: " + e.getDescription());
    }
    PathMatcher matcher = glob == null || glob.isBlank() ? null : matcher(glob);
    List<SearchMatch> matches = new ArrayList<>();
    boolean[] truncated = {false};
    long[] bytesRead = {0};
    walk(
        root,
        (file, attrs) -> {
          if (bytesRead[0] > MAX_SEARCH_TOTAL_BYTES) {
            truncated[0] = true;
            return false;
          }
          String rel = relative(file);
          if (attrs.size() > MAX_SEARCH_FILE_BYTES
              || (matcher != null && !matcher.matches(Path.of(rel)))) {
            return true;
          }
          byte[] bytes;
          try {
            bytes = Files.readAllBytes(file);
            bytesRead[0] += bytes.length;
          } catch (IOException e) {
            return true;
          }
          if (isBinary(bytes)) {
            return true;
          }
          String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1);
          for (int i = 0; i < lines.length; i++) {
            Matcher m = pattern.matcher(lines[i]);
            if (m.find()) {
              if (matches.size() >= maxEntries) {
                truncated[0] = true;
                return false;
              }
              String line = lines[i].strip();
              matches.add(
                  new SearchMatch(rel, i + 1, line.length() > 200 ? line.substring(0, 200) : line));
            }
          }
          return true;
        });
    return new SearchResult(matches, truncated[0]);
  }

  /**
   * Resolves a repository-relative path, refusing absolute paths, {@code ..} segments and
   * symlinks that lead outside the root.
   */
  Path resolve(String relativePath) {
    String cleaned = relativePath == null ? "" : relativePath.strip().replace('\\', '/');
    if (cleaned.startsWith("/") || cleaned.matches("^[A-Za-z]:.*")) {
      throw new RepositoryAccessException(
          "absolute paths are not allowed: use a path relative to the repository root");
    }
    for (String segment : cleaned.split("/")) {
      if (segment.equals("..")) {
        throw new RepositoryAccessException("'..' is not allowed in paths: " + relativePath);
      }
    }
    Path candidate = root.resolve(cleaned.isEmpty() || cleaned.equals(".") ? "" : cleaned).normalize();
    if (!candidate.startsWith(root)) {
      throw new RepositoryAccessException("path leaves the repository: " + relativePath);
    }
    if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      try {
        if (!candidate.toRealPath().startsWith(root)) {
          throw new RepositoryAccessException(
              "path leads outside the repository through a symbolic link: " + relativePath);
        }
      } catch (IOException e) {
        throw new RepositoryAccessException("no such file: " + relativePath);
      }
    }
    return candidate;
  }

  /**
   * Why {@code file} may not be read, or empty when it may: a regular file whose link count ({@code
   * unix:nlink}) is above 1 is a hard link, shared with another name that may lie outside the tree (a
   * checkout snapshot never contains one); a device, FIFO or socket is not a repository file.
   * Symbolic links are not followed (check the real path for a link's target). On a file system
   * without the {@code unix} attribute view (Windows) only the file type is checked; a file that
   * cannot be inspected is refused.
   *
   * @return e.g. {@code "a hard link (2 links): the same file is reachable from outside the repository"}
   */
  public static Optional<String> refusal(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty(); // nothing there: the caller says "no such file"
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty(); // nothing there: the caller says "no such file"
    } catch (IOException e) {
      return Optional.of("its attributes cannot be read");
    }
    if (attrs.isOther()) {
      return Optional.of("a device, FIFO or socket, not a repository file");
    }
    if (attrs.isRegularFile()) {
      long links = linkCount(file);
      if (links > 1) {
        return Optional.of("a hard link (" + links + " links): the same file is reachable from outside the repository, "
            + "and a checkout never contains one");
      }
    }
    return Optional.empty();
  }

  /** The file's link count, 1 where the file system does not report one. */
  private static long linkCount(Path file) {
    try {
      Object links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      return links instanceof Number n ? n.longValue() : 1;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return 1; // no unix view (Windows): hard links cannot be told apart there
    } catch (IOException e) {
      return Long.MAX_VALUE; // cannot tell: treat as shared
    }
  }

  /** Refuses a hard link or special file at {@code file} or, through symbolic links, at its real path. */
  private static void refuseShared(Path file, String path) {
    Path target = file;
    try {
      target = file.toRealPath();
    } catch (IOException e) {
      // missing: the caller answers "no such file"
    }
    Optional<String> why = refusal(target);
    if (why.isPresent()) {
      throw new RepositoryAccessException("refused " + display(path) + ": " + why.get());
    }
  }

  private interface FileVisitor {
    /** Returns false to stop the walk. */
    boolean visit(Path file, BasicFileAttributes attrs);
  }

  /**
   * Visits regular files under {@code start} in path order, without following symbolic links, leaving
   * out hard links ({@link #refusal}).
   */
  private void walk(Path start, FileVisitor visitor) {
    walkDirectory(start, visitor);
  }

  private boolean walkDirectory(Path directory, FileVisitor visitor) {
    List<Path> children;
    try (java.util.stream.Stream<Path> listing = Files.list(directory)) {
      children = listing.sorted().toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return true; // an unreadable folder, or one removed while listed, is skipped
    }
    for (Path child : children) {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        continue;
      }
      if (attrs.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.contains(child.getFileName().toString()) && !walkDirectory(child, visitor)) {
          return false;
        }
      } else if (attrs.isRegularFile() && linkCount(child) == 1 && !visitor.visit(child, attrs)) {
        return false;
      }
    }
    return true;
  }

  private static PathMatcher matcher(String glob) {
    try {
      return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (IllegalArgumentException e) {
      throw new RepositoryAccessException("invalid glob pattern: " + glob);
    }
  }

  private String relative(Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  private static String display(String path) {
    return path == null || path.isBlank() ? "." : path;
  }

  private static boolean isBinary(byte[] bytes) {
    int n = Math.min(bytes.length, 8000);
    for (int i = 0; i < n; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
