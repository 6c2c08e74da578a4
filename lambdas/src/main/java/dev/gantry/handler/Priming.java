package dev.gantry.handler;

import dev.gantry.config.AwsClients;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a function primes its first request, and how. A handler's priming runs its real path
 * without side effects (the JSON mapping of a representative event, the service call on a session
 * that does not exist, a harmless request on each SDK client its first request needs), so the
 * classes, the SDK clients' request pipelines and the JIT's first tier are ready before the first
 * real invocation.
 *
 * <p>Lambda names how it initialises an execution environment in {@code
 * AWS_LAMBDA_INITIALIZATION_TYPE} (AWS Lambda Developer Guide, "Defined runtime environment
 * variables"). With {@code snap-start} the handler registers itself as an {@code org.crac}
 * {@link Resource} and primes in {@code beforeCheckpoint}, after which the connections priming
 * opens are closed after each response, so the snapshot holds no socket (Developer Guide, "Lambda SnapStart runtime
 * hooks for Java" and "Maximize Lambda SnapStart performance"). Otherwise ({@code on-demand},
 * {@code provisioned-concurrency}, or outside Lambda) it primes during init, which Lambda runs
 * CPU-boosted, and keeps the connections for the first request. A priming that throws an
 * exception (an endpoint unreachable, a permission missing) is logged and fails neither init nor
 * the checkpoint: the first request then pays for what was not primed. An {@link Error} (a class
 * missing from the deployment jar) is not caught: it fails init, or the version's publication with
 * SnapStart, where every request would have failed with it anyway.
 */
public final class Priming {
  /** The environment variable Lambda sets to how it initialises the environment. */
  public static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";
  /** Its value when the function's version has SnapStart. */
  public static final String SNAP_START = "snap-start";

  private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

  private Priming() {}

  /**
   * Called at the end of a handler's Lambda constructor: registers {@code handler} for SnapStart's
   * hooks, or primes now.
   *
   * @param handler the handler, also the resource whose {@code beforeCheckpoint} calls {@link
   *     #beforeCheckpoint}; org.crac holds resources by weak reference, and the runtime holds the handler
   * @param role the function's role, for the log line
   * @param prime the handler's priming
   */
  public static void atInit(Resource handler, String role, Runnable prime, Map<String, String> environment) {
    if (SNAP_START.equals(environment.get(INITIALIZATION_TYPE))) {
      Core.getGlobalContext().register(handler);
    } else {
      run(role, prime, false);
    }
  }

  /** What a handler's {@code beforeCheckpoint} does: primes on connections closed after each response. */
  public static void beforeCheckpoint(String role, Runnable prime) {
    run(role, prime, true);
  }

  private static void run(String role, Runnable prime, boolean closeConnections) {
    long start = System.nanoTime();
    AwsClients.closeConnectionsAfterEachRequest(closeConnections);
    boolean primed = true;
    try {
      prime.run();
    } catch (RuntimeException e) {
      primed = false;
      // the class only: a message may name a resource
      LOG.warn("priming of the {} function failed with {}: its first request pays for what was not primed", role,
          e.getClass().getName());
    } finally {
      AwsClients.closeConnectionsAfterEachRequest(false);
    }
    if (primed) {
      LOG.info("primed the {} function in {} ms{}", role, (System.nanoTime() - start) / 1_000_000,
          closeConnections ? ", its connections closed before the snapshot" : "");
    }
  }
}
