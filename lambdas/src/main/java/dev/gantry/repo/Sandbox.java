package dev.gantry.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * A writable copy of a session's snapshot, where an implementing agent writes files. The snapshot
 * itself (shared by every stage and cached by digest) is never written; what the agent changed is
 * the difference between the two ({@link ChangesPatch}).
 *
 * <p>A write names a path relative to the copy's root, checked as reads are ({@link
 * RepositorySnapshot}: no absolute paths, no {@code ..}, nothing outside the root through a link),
 * never under {@code .git}, and never at or under a symbolic link, nor at a hard link or special
 * file, of the snapshot (they are not copied, and a file in their place would not apply to the
 * commit). A file is at most {@code maxFileBytes}; all files written at most {@code maxWrittenBytes}
 * together.
 */
public final class Sandbox implements AutoCloseable {
  private final Path root;
  private final Path source;
  private final RepositorySnapshot view;
  private final long maxFileBytes;
  private final long maxWrittenBytes;
  private long written;
  private final java.util.Set<String> writtenPaths = new java.util.TreeSet<>();

  private Sandbox(Path root, Path source, RepositorySnapshot view, long maxFileBytes, long maxWrittenBytes) {
    this.root = root;
    this.source = source;
    this.view = view;
    this.maxFileBytes = maxFileBytes;
    this.maxWrittenBytes = maxWrittenBytes;
  }

  /**
   * Copies {@code snapshot}'s regular files into a new folder under {@code scratch}; symbolic links,
   * hard links and special files are not copied ({@link RepositorySnapshot#refusal}).
   *
   * @param maxReadBytes the most bytes one read of the copy returns (as the snapshot's reads)
   * @param maxEntries the most paths a listing or matches a search of the copy returns
   * @throws UncheckedIOException when the copy cannot be made
   */
  public static Sandbox copyOf(RepositorySnapshot snapshot, Path scratch, long maxReadBytes, int maxEntries,
      long maxFileBytes, long maxWrittenBytes) {
    try {
      Files.createDirectories(scratch);
      Path root = Files.createTempDirectory(scratch, "sandbox-");
      Path source = snapshot.root();
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Files.createDirectories(root.resolve(source.relativize(dir).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          // hard links and special files are not repository files (RepositorySnapshot.refusal): not copied
          if (attrs.isRegularFile() && RepositorySnapshot.refusal(file).isEmpty()) {
            Files.copy(file, root.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
          }
          return FileVisitResult.CONTINUE;
        }
      });
      return new Sandbox(root, source, new RepositorySnapshot(root, maxReadBytes, maxEntries), maxFileBytes, maxWrittenBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the snapshot into a sandbox under " + scratch, e);
    }
  }

  /** The copy as the read tools see it: reads see what was written. */
  public RepositorySnapshot view() {
    return view;
  }

  /** The copy's root folder. */
  public Path root() {
    return root;
  }

  /**
   * Writes {@code content} (UTF-8) to {@code path}, creating folders, replacing a file that exists.
   *
   * @return {@code "wrote src/app.py (120 bytes)"}
   * @throws RepositoryAccessException for a path that is not allowed, or a file or total over the limits
   */
  public synchronized String write(String path, String content) {
    Path file = view.resolve(path);
    if (file.equals(view.root())) {
      throw new RepositoryAccessException("name a file to write, e.g. src/app.py");
    }
    Path relative = view.root().relativize(file);
    Path inSource = source;
    for (Path part : relative) {
      if (part.toString().toLowerCase(Locale.ROOT).equals(".git")) {
        throw new RepositoryAccessException("files under .git are not written: " + path);
      }
      inSource = inSource.resolve(part.toString());
      if (Files.isSymbolicLink(inSource)) {
        // links are not copied into the sandbox; a file written in a link's place would not apply to the commit
        throw new RepositoryAccessException(source.relativize(inSource) + " is a symbolic link in the repository: "
            + "change the file it points to instead");
      }
    }
    java.util.Optional<String> shared = RepositorySnapshot.refusal(inSource);
    if (shared.isPresent()) {
      // not copied into the sandbox (see copyOf): a file written in its place would not apply to the commit
      throw new RepositoryAccessException("refused " + path + ": " + shared.get());
    }
    if (Files.isDirectory(file)) {
      throw new RepositoryAccessException(path + " is a folder, not a file");
    }
    for (Path parent = file.getParent(); !parent.equals(view.root()); parent = parent.getParent()) {
      if (Files.exists(parent) && !Files.isDirectory(parent)) {
        throw new RepositoryAccessException(view.root().relativize(parent) + " is a file, so " + path + " cannot be written under it");
      }
    }
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > maxFileBytes) {
      throw new RepositoryAccessException("file too large: keep " + path + " under " + maxFileBytes + " bytes");
    }
    if (written + bytes.length > maxWrittenBytes) {
      throw new RepositoryAccessException("this stage may write at most " + maxWrittenBytes + " bytes in all");
    }
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + " in the sandbox", e);
    }
    written += bytes.length;
    String relativePath = view.root().relativize(file).toString().replace('\\', '/');
    writtenPaths.add(relativePath);
    return "wrote " + relativePath + " (" + bytes.length + " bytes)";
  }

  /** The paths written so far, relative to the root, sorted: all that can differ from the snapshot. */
  public synchronized java.util.Set<String> writtenPaths() {
    return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(writtenPaths));
  }

  /** Deletes the copy. */
  @Override
  public void close() {
    ScratchSpace.delete(root);
  }
}
