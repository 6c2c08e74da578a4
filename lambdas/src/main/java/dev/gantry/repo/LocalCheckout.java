package dev.gantry.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Snapshots a local folder (the {@code gantry} command's {@code --repo PATH}, {@code gantry serve}'s
 * {@code repository.path}) as it is on disk: every file below it except the folders {@link
 * RepositorySnapshot#SKIPPED_DIRECTORIES} names ({@code .git}, build output). Symbolic links are kept
 * when they stay inside the tree and dropped otherwise; special files are dropped. When the folder is
 * a Git work tree its HEAD commit and branch are recorded (the snapshot holds the files as they are,
 * uncommitted changes included).
 */
public final class LocalCheckout {
  private LocalCheckout() {}

  /**
   * Writes {@code folder}'s files to {@code archive}.
   *
   * @throws RepositoryFetchException when the folder does not exist (not retryable)
   * @throws SnapshotLimitException when the folder passes a limit
   */
  public static RepositoryCheckout checkout(Path folder, SnapshotArchive.Writer archive) {
    if (!Files.isDirectory(folder)) {
      throw new RepositoryFetchException("repository not found or not a directory: " + folder, false, null);
    }
    Path root;
    try {
      root = folder.toRealPath();
      Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          return !dir.equals(root) && RepositorySnapshot.SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          String path = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
          if (!SnapshotArchive.safePath(path)) {
            archive.drop();
          } else if (attributes.isSymbolicLink()) {
            archive.addLink(path, Files.readSymbolicLink(file).toString());
          } else if (attributes.isRegularFile()) {
            archive.checkFits(path, attributes.size());
            archive.addFile(path, Files.readAllBytes(file), Files.isExecutable(file));
          } else {
            archive.drop();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          archive.drop();
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    }
    String[] head = head(root);
    return new RepositoryCheckout(folder.toString(), head[0], head[1], archive.files(), archive.bytes(), archive.dropped());
  }

  /** The branch and HEAD commit of a Git work tree at {@code root}, or nulls. */
  private static String[] head(Path root) {
    if (!Files.exists(root.resolve(Constants.DOT_GIT))) {
      return new String[] {null, null};
    }
    try (Repository repository = new FileRepositoryBuilder().setWorkTree(root.toFile()).setMustExist(true).build()) {
      ObjectId commit = repository.resolve(Constants.HEAD);
      String branch = repository.getFullBranch();
      return new String[] {branch != null && branch.startsWith(Constants.R_REFS) ? branch : null, commit == null ? null : commit.name()};
    } catch (IOException | RuntimeException e) {
      return new String[] {null, null};
    }
  }
}
