package dev.gantry.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;

/**
 * Snapshots a local folder (the {@code gantry} command's {@code --repo PATH}, {@code gantry serve}'s
 * {@code repository.path}) as it is on disk, uncommitted changes included. In a Git work tree the
 * files Git ignores ({@code .gitignore}, {@code .git/info/exclude}: build output, {@code .env}) are
 * left out, as is {@code .git}, and the HEAD commit and branch are recorded; elsewhere every file
 * is read except the folders {@link RepositorySnapshot#SKIPPED_DIRECTORIES} names. Symbolic links are
 * kept when their real target lies inside the folder and dropped otherwise; special files and hard
 * links (a link count above 1: the file may be shared with one outside the folder, {@link
 * RepositorySnapshot#refusal}) are dropped.
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
    try {
      Path root = folder.toRealPath();
      if (Files.exists(root.resolve(Constants.DOT_GIT))) {
        try (Repository repository = new FileRepositoryBuilder().setWorkTree(root.toFile()).setMustExist(true).build()) {
          walkWorkTree(repository, root, archive);
          ObjectId head = repository.resolve(Constants.HEAD);
          String branch = repository.getFullBranch();
          return new RepositoryCheckout(folder.toString(), branch != null && branch.startsWith(Constants.R_REFS) ? branch : null,
              head == null ? null : head.name(), archive.files(), archive.bytes(), archive.dropped());
        }
      }
      walkFolder(root, archive);
      return new RepositoryCheckout(folder.toString(), null, null, archive.files(), archive.bytes(), archive.dropped());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    }
  }

  /** Every file Git does not ignore, tracked or not. */
  private static void walkWorkTree(Repository repository, Path root, SnapshotArchive.Writer archive) throws IOException {
    try (TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(new FileTreeIterator(repository));
      walk.setRecursive(false);
      while (walk.next()) {
        WorkingTreeIterator entry = walk.getTree(0, WorkingTreeIterator.class);
        if (entry.isEntryIgnored()) {
          continue;
        }
        if (walk.isSubtree()) {
          walk.enterSubtree();
          continue;
        }
        add(root, walk.getPathString(), archive);
      }
    }
  }

  /** Every file below {@code root} except skipped folders. */
  private static void walkFolder(Path root, SnapshotArchive.Writer archive) throws IOException {
    Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        return !dir.equals(root) && RepositorySnapshot.SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        add(root, root.relativize(file).toString().replace(java.io.File.separatorChar, '/'), archive);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        archive.drop();
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void add(Path root, String path, SnapshotArchive.Writer archive) throws IOException {
    Path file = root.resolve(path);
    if (!SnapshotArchive.safePath(path)) {
      archive.drop();
    } else if (Files.isSymbolicLink(file)) {
      // its real target, links followed, must lie inside; addLink then checks the text and counts a refusal
      if (!Files.exists(file) || file.toRealPath().startsWith(root)) {
        archive.addLink(path, Files.readSymbolicLink(file).toString());
      } else {
        archive.drop();
      }
    } else if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && RepositorySnapshot.refusal(file).isEmpty()) {
      long size = Files.size(file);
      archive.checkFits(path, size);
      try (InputStream content = Files.newInputStream(file)) {
        archive.addFile(path, content, size, Files.isExecutable(file));
      }
    } else {
      archive.drop();
    }
  }
}
