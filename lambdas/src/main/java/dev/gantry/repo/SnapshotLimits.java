package dev.gantry.repo;

/**
 * The most a repository snapshot may hold. A checkout that reaches a limit fails with the limit
 * named and writes no snapshot. The defaults fit a stage function's {@code /tmp}, which the stack
 * sets to 512 MiB (the most SnapStart allows): one fetched pack, or one extracted snapshot.
 *
 * @param maxTotalBytes the most bytes of file content, all files together
 * @param maxFiles the most files
 * @param maxFileBytes the most bytes one file may hold
 */
public record SnapshotLimits(long maxTotalBytes, int maxFiles, long maxFileBytes) {
  /** 192 MiB in all, 50,000 files, 50 MiB for one file. */
  public static final SnapshotLimits DEFAULT = new SnapshotLimits(192L << 20, 50_000, 50L << 20);

  public SnapshotLimits {
    if (maxTotalBytes <= 0 || maxFiles <= 0 || maxFileBytes <= 0) {
      throw new IllegalArgumentException("snapshot limits must be positive");
    }
  }
}
