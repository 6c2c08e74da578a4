package dev.gantry.repo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * What an implementing agent changed, as a unified diff in Git's format ({@code diff --git}, {@code
 * new file mode}, {@code deleted file mode}, hunks with 3 lines of context), which {@code git apply}
 * and {@code git am} accept against the session's pinned commit. The hunks come from JGit's
 * histogram diff; paths are {@code a/…} and {@code b/…}, sorted. Source: git-diff(1), "Generating
 * patch text with -p"; git-apply(1).
 *
 * @param text the patch; empty when nothing changed
 * @param files the paths changed, sorted
 */
public record ChangesPatch(String text, List<String> files) {

  public ChangesPatch {
    files = List.copyOf(files);
  }

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return files.isEmpty();
  }

  /**
   * The changes that turn the files under {@code before} into those under {@code after}.
   *
   * @throws UncheckedIOException when a folder cannot be read
   */
  public static ChangesPatch between(Path before, Path after) {
    TreeSet<String> paths = new TreeSet<>(files(before));
    paths.addAll(files(after));
    return between(before, after, paths);
  }

  /**
   * The changes to {@code paths} only (relative, with {@code /}): what a sandbox wrote ({@link
   * Sandbox#writtenPaths}), so a large repository is not read whole to find the few files an agent
   * changed.
   *
   * @throws UncheckedIOException when a file cannot be read
   */
  public static ChangesPatch between(Path before, Path after, java.util.Collection<String> paths) {
    DiffAlgorithm histogram = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> changed = new ArrayList<>();
    try (DiffFormatter formatter = new DiffFormatter(out)) {
      for (String path : new TreeSet<>(paths)) {
        byte[] a = read(before.resolve(path));
        byte[] b = read(after.resolve(path));
        if (a != null && b != null && java.util.Arrays.equals(a, b)) {
          continue;
        }
        if ((a != null && RawText.isBinary(a)) || (b != null && RawText.isBinary(b))) {
          continue; // the sandbox's write tool writes text; binary files are the snapshot's and unchanged
        }
        changed.add(path);
        String header = "diff --git a/" + path + " b/" + path + "\n"
            + (a == null ? "new file mode 100644\n" : b == null ? "deleted file mode 100644\n" : "")
            + "--- " + (a == null ? "/dev/null" : "a/" + path) + "\n"
            + "+++ " + (b == null ? "/dev/null" : "b/" + path) + "\n";
        out.write(header.getBytes(StandardCharsets.UTF_8));
        RawText oldText = new RawText(a == null ? new byte[0] : a);
        RawText newText = new RawText(b == null ? new byte[0] : b);
        EditList edits = histogram.diff(RawTextComparator.DEFAULT, oldText, newText);
        formatter.format(edits, oldText, newText);
        formatter.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the patch", e);
    }
    return new ChangesPatch(out.toString(StandardCharsets.UTF_8), changed);
  }

  /**
   * Applies this patch with JGit to a Git copy of {@code before} and checks the result is the files
   * under {@code after}: the patch then applies cleanly to the pinned commit.
   *
   * @param scratch where the copy is made (deleted afterwards)
   * @return what differs, one line each (empty when the patch applies and reproduces {@code after})
   */
  public List<String> applyProblems(Path before, Path after, Path scratch) {
    List<String> problems = new ArrayList<>();
    Path copy = null;
    try {
      Files.createDirectories(scratch);
      copy = Files.createTempDirectory(scratch, "apply-");
      for (String path : files) { // only what the patch touches: a whole copy would not fit Lambda's /tmp
        if (read(before.resolve(path)) != null) {
          Path target = copy.resolve(path);
          Files.createDirectories(target.getParent());
          Files.copy(before.resolve(path), target);
        }
      }
      try (Git git = Git.init().setDirectory(copy.toFile()).call()) {
        git.apply().setPatch(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).call();
      }
      for (String path : files) {
        byte[] expected = read(after.resolve(path));
        byte[] actual = read(copy.resolve(path));
        if (!java.util.Arrays.equals(expected, actual)) {
          problems.add(path + ": applying the patch does not give the file the agent wrote");
        }
      }
    } catch (GitAPIException | RuntimeException e) {
      problems.add("the patch does not apply: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the patch under " + scratch, e);
    } finally {
      ScratchSpace.delete(copy);
    }
    return problems;
  }

  /**
   * Relative paths (with {@code /}) of the regular files under {@code root}, {@code .git}, symbolic
   * links and hard links left out: a link is neither written by the agent nor copied into the
   * sandbox, so it is never part of the patch (nor is a hard link's content, {@link
   * RepositorySnapshot#refusal}).
   */
  private static List<String> files(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
              && RepositorySnapshot.refusal(p).isEmpty())
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.equals(".git") && !p.startsWith(".git/"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(file) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
