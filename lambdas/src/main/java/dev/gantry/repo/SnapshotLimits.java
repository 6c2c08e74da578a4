package dev.gantry.repo;

/**
 * The most a repository snapshot may hold. A checkout that reaches a limit fails with the limit
 * named and writes no snapshot. The defaults fit the checkout function's ephemeral storage (the
 * stack sets {@code /tmp} to 2 GiB; a snapshot is held there compressed and extracted).
 *
 * @param maxTotalBytes the most bytes of file content, all files together
 * @param maxFiles the most files
 * @param maxFileBytes the most bytes one file may hold
 */
public record SnapshotLimits(long maxTotalBytes, int maxFiles, long maxFileBytes) {
  /** 512 MiB in all, 50,000 files, 100 MiB for one file. */
  public static final SnapshotLimits DEFAULT = new SnapshotLimits(512L << 20, 50_000, 100L << 20);

  public SnapshotLimits {
    if (maxTotalBytes <= 0 || maxFiles <= 0 || maxFileBytes <= 0) {
      throw new IllegalArgumentException("snapshot limits must be positive");
    }
  }
}
