package dev.gantry.testing.crac;

import java.util.ArrayList;
import java.util.List;

/**
 * The smallest CRaC implementation org.crac (1.5.0) accepts, for LambdaJarIT and bench/cold-start.sh: on a JDK
 * without CRaC (Temurin), org.crac finds no implementation ({@code javax.crac}, {@code jdk.crac})
 * and drops every {@code register} and refuses {@code checkpointRestore}; Lambda's Java runtime
 * supplies one. They name this package with {@code -Dorg.crac.Core.Compat=dev.gantry.testing.crac} (the system
 * property org.crac's {@code Core} reads first), so handlers' resources are kept, and
 * {@code org.crac.Core.checkpointRestore()} runs {@code beforeCheckpoint} on them in reverse order of
 * registration, then {@code afterRestore} in order (CRaC's ordering; no snapshot is taken).
 */
public final class Core {
  private static final Global GLOBAL = new Global();

  private Core() {}

  /** The context every resource registers with. */
  public static Context<Resource> getGlobalContext() {
    return GLOBAL;
  }

  /** How many resources are registered. */
  public static int registered() {
    synchronized (GLOBAL) {
      return GLOBAL.resources.size();
    }
  }

  /** beforeCheckpoint on every resource, then afterRestore, as around a SnapStart snapshot. */
  public static void checkpointRestore() throws CheckpointException, RestoreException {
    GLOBAL.beforeCheckpoint(null);
    GLOBAL.afterRestore(null);
  }

  private static final class Global extends Context<Resource> {
    private final List<Resource> resources = new ArrayList<>();

    @Override
    public synchronized void register(Resource resource) {
      resources.add(resource);
    }

    @Override
    public synchronized void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
      CheckpointException failed = null;
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).beforeCheckpoint(this);
        } catch (Exception e) {
          failed = failed == null ? new CheckpointException() : failed;
          failed.addSuppressed(e);
        }
      }
      if (failed != null) {
        throw failed;
      }
    }

    @Override
    public synchronized void afterRestore(Context<? extends Resource> context) throws RestoreException {
      RestoreException failed = null;
      for (Resource resource : resources) {
        try {
          resource.afterRestore(this);
        } catch (Exception e) {
          failed = failed == null ? new RestoreException() : failed;
          failed.addSuppressed(e);
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
  }
}
