package dev.gantry.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A repository snapshot as a gzip-compressed POSIX tar archive ({@code repository.tar.gz}): regular
 * files (mode 644, or 755 when executable) and symbolic links whose target stays inside the tree.
 * Written by {@link Writer} within {@link SnapshotLimits}; read back by {@link #extract}, which
 * enforces the same rules again, so a tampered archive cannot write outside its folder.
 *
 * <p>Paths are relative and {@code /}-separated; {@link #safePath} is the one rule for which paths
 * are acceptable. Tar format: POSIX.1-2001 (pax) long names, via Apache Commons Compress.
 */
public final class SnapshotArchive {
  /**
   * Every entry's modification time: fixed, so the same files in the same order make the same bytes
   * and the same SHA-256 (a warm function reuses an extracted snapshot by its digest).
   */
  private static final java.util.Date ENTRY_TIME = new java.util.Date(0);

  /** The snapshot document's name. */
  public static final String DOCUMENT_NAME = "repository.tar.gz";

  private SnapshotArchive() {}

  /**
   * Whether {@code path} is a relative, normalised path that names something inside the tree: not
   * empty, not absolute, no {@code .} or {@code ..} segment, no empty segment, no backslash or NUL.
   */
  public static boolean safePath(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** The longest symbolic link target kept, in bytes. */
  public static final int MAX_LINK_TARGET = 4096;

  /**
   * Whether a symbolic link at {@code linkPath} pointing to {@code target} stays inside the tree:
   * the target is relative and, resolved from the link's folder, never climbs above the root.
   */
  public static boolean linkStaysInside(String linkPath, String target) {
    if (target.isEmpty() || target.startsWith("/") || target.indexOf('\\') >= 0 || target.indexOf('\0') >= 0) {
      return false;
    }
    int depth = linkPath.split("/").length - 1;
    for (String segment : target.split("/")) {
      if (segment.equals("..")) {
        depth--;
        if (depth < 0) {
          return false;
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        depth++;
      }
    }
    return true;
  }

  /**
   * Writes a snapshot, counting against its limits. Not thread-safe; close it to finish the
   * archive.
   */
  public static final class Writer implements AutoCloseable {
    private final TarArchiveOutputStream tar;
    private final SnapshotLimits limits;
    private int files;
    private long bytes;
    private int dropped;

    /**
     * @param out where the archive goes; closed with the writer
     * @param limits the limits the snapshot must stay within
     */
    public Writer(OutputStream out, SnapshotLimits limits) {
      try {
        this.tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      this.limits = limits;
    }

    /**
     * Checks that one more file of {@code size} bytes fits, before its content is read.
     *
     * @throws SnapshotLimitException naming the limit that would be passed
     */
    public void checkFits(String path, long size) {
      if (files + 1 > limits.maxFiles()) {
        throw new SnapshotLimitException("the repository has more than " + limits.maxFiles()
            + " files (GANTRY_SNAPSHOT_MAX_FILES): narrow it or raise the limit");
      }
      if (size > limits.maxFileBytes()) {
        throw new SnapshotLimitException(path + " holds " + size + " bytes, more than one file may ("
            + limits.maxFileBytes() + ", GANTRY_SNAPSHOT_MAX_FILE_BYTES)");
      }
      if (bytes + size > limits.maxTotalBytes()) {
        throw new SnapshotLimitException("the repository's files hold more than " + limits.maxTotalBytes()
            + " bytes (GANTRY_SNAPSHOT_MAX_BYTES): narrow it or raise the limit");
      }
    }

    /**
     * Adds a regular file.
     *
     * @throws SnapshotLimitException when the file does not fit
     * @throws IllegalArgumentException for a path that {@link #safePath} refuses
     */
    public void addFile(String path, byte[] content, boolean executable) {
      addFile(path, new java.io.ByteArrayInputStream(content), content.length, executable);
    }

    /**
     * Adds a regular file of {@code size} bytes read from {@code content}, without holding it in
     * memory.
     *
     * @throws SnapshotLimitException when the file does not fit
     * @throws IllegalArgumentException for a path that {@link #safePath} refuses
     */
    public void addFile(String path, InputStream content, long size, boolean executable) {
      requireSafe(path);
      checkFits(path, size);
      TarArchiveEntry entry = entry(path, TarArchiveEntry.LF_NORMAL);
      entry.setSize(size);
      entry.setMode(executable ? 0100755 : 0100644);
      try {
        tar.putArchiveEntry(entry);
        long copied = content.transferTo(tar);
        if (copied != size) {
          throw new IllegalStateException(path + " changed while it was read: " + copied + " bytes, not " + size);
        }
        tar.closeArchiveEntry();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the snapshot archive", e);
      }
      files++;
      bytes += size;
    }

    /**
     * Adds a symbolic link whose target was checked against the tree by the caller (a local folder's
     * real paths), if its text also stays inside; otherwise counts it as dropped.
     *
     * @return whether the link was added
     */
    public boolean addLink(String path, String target) {
      return addLink(path, target, Set.of());
    }

    /**
     * Adds a symbolic link if its target, resolved by its text, stays inside the tree and neither is
     * nor passes through another link of the tree ({@code links}, every link path): a link to a link
     * could climb out whatever the order of entries. Otherwise counts it as dropped. A link counts
     * as a file against the limits.
     *
     * @return whether the link was added
     */
    public boolean addLink(String path, String target, Set<String> links) {
      requireSafe(path);
      if (!linkStaysInside(path, target) || passesThroughLink(path, target, links) || target.length() > MAX_LINK_TARGET) {
        dropped++;
        return false;
      }
      checkFits(path, 0);
      TarArchiveEntry entry = entry(path, TarArchiveEntry.LF_SYMLINK);
      entry.setLinkName(target);
      try {
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the snapshot archive", e);
      }
      files++;
      return true;
    }

    /**
     * Whether following {@code target} from the link's folder, one segment at a time as the system
     * does, ever stands on another link ({@code 0 -> a/up/..} with {@code a/up -> ..} climbs out
     * although its text alone stays in).
     */
    private static boolean passesThroughLink(String linkPath, String target, Set<String> links) {
      java.util.Deque<String> segments = new java.util.ArrayDeque<>(java.util.Arrays.asList(linkPath.split("/")));
      segments.removeLast();
      for (String segment : target.split("/")) {
        if (segment.equals("..")) {
          segments.pollLast();
        } else if (!segment.isEmpty() && !segment.equals(".")) {
          segments.addLast(segment);
          if (links.contains(String.join("/", segments))) {
            return true;
          }
        }
      }
      return false;
    }

    private static boolean throughLink(String resolved, Set<String> links) {
      if (resolved.isEmpty()) {
        return false;
      }
      String prefix = "";
      for (String segment : resolved.split("/")) {
        prefix = prefix.isEmpty() ? segment : prefix + "/" + segment;
        if (links.contains(prefix)) {
          return true;
        }
      }
      return false;
    }

    /** An entry with no clock, user or group in it, so the same tree makes the same bytes anywhere. */
    private static TarArchiveEntry entry(String path, byte type) {
      TarArchiveEntry entry = new TarArchiveEntry(path, type);
      entry.setModTime(ENTRY_TIME);
      entry.setUserName("");
      entry.setGroupName("");
      entry.setUserId(0);
      entry.setGroupId(0);
      return entry;
    }

    /** Counts an entry left out (a special file, a submodule, a link out of the tree). */
    public void drop() {
      dropped++;
    }

    /** Files added so far. */
    public int files() {
      return files;
    }

    /** Bytes of file content added so far. */
    public long bytes() {
      return bytes;
    }

    /** Entries left out so far. */
    public int dropped() {
      return dropped;
    }

    @Override
    public void close() {
      try {
        tar.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot finish the snapshot archive", e);
      }
    }
  }

  /**
   * Extracts a snapshot into an empty folder: regular files and in-tree symbolic links only, every
   * path checked with {@link #safePath}, within {@code limits}.
   *
   * @param archive the {@code repository.tar.gz} bytes
   * @param folder an existing, empty folder
   * @throws RepositoryAccessException for an entry that is not a file, folder or in-tree link, or an
   *     unsafe path (a tampered archive)
   * @throws SnapshotLimitException when the archive holds more than the limits allow
   */
  public static void extract(InputStream archive, Path folder, SnapshotLimits limits) {
    int files = 0;
    long bytes = 0;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(archive))) {
      Path root = folder.toRealPath();
      Set<String> links = new java.util.HashSet<>();
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName().endsWith("/") ? entry.getName().substring(0, entry.getName().length() - 1) : entry.getName();
        if (!safePath(name)) {
          throw new RepositoryAccessException("snapshot entry '" + name + "' is not a safe relative path");
        }
        if (Writer.throughLink(name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "", links)) {
          throw new RepositoryAccessException("snapshot entry '" + name + "' lies below a link");
        }
        if (entry.isLink() || entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
          throw new RepositoryAccessException("snapshot entry '" + name + "' is neither a file, a folder nor a symbolic link");
        }
        Path target = folder.resolve(name);
        // nothing below a link is ever created (checked above), so no folder here is reached through one
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
          if (!linkStaysInside(name, entry.getLinkName())) {
            throw new RepositoryAccessException("snapshot link '" + name + "' points outside the tree");
          }
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
          links.add(name);
        } else if (entry.isFile()) {
          files++;
          bytes += entry.getSize();
          if (files > limits.maxFiles() || entry.getSize() > limits.maxFileBytes() || bytes > limits.maxTotalBytes()) {
            throw new SnapshotLimitException("the snapshot holds more than its limits allow");
          }
          Files.createDirectories(target.getParent());
          Files.copy(tar, target);
          if ((entry.getMode() & 0100) != 0) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(target));
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
            Files.setPosixFilePermissions(target, permissions);
          }
        } else {
          throw new RepositoryAccessException("snapshot entry '" + name + "' is neither a file, a folder nor a link");
        }
      }
      for (String link : links) { // with every link in place, none may lead out, whatever the entries' order
        Path path = folder.resolve(link);
        if (Files.exists(path) && !path.toRealPath().startsWith(root)) {
          throw new RepositoryAccessException("snapshot link '" + link + "' points outside the tree through a link");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the snapshot archive", e);
    }
  }

  private static void requireSafe(String path) {
    if (!safePath(path)) {
      throw new IllegalArgumentException("not a safe relative path: " + path);
    }
  }
}
