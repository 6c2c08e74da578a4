package dev.gantry.testing.crac;

/**
 * A checkpoint/restore participant, as org.crac's compatibility layer expects of a CRaC
 * implementation ({@code <package>.Resource}); see {@link Core}.
 */
public interface Resource {
  /** Called before the snapshot. */
  void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

  /** Called after a restore. */
  void afterRestore(Context<? extends Resource> context) throws Exception;
}
