package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import org.crac.Context;
import org.crac.Resource;

/**
 * A Gantry function's handler: a stream handler that primes its first request ({@link Priming})
 * during init, or, with SnapStart, in the {@code org.crac} checkpoint hook it registers for.
 * Subclasses give their role and {@link #prime()}, and call {@link #primeAtInit()} at the end of the
 * no-arg constructor Lambda uses (not the constructors tests use on local stores).
 */
public abstract class PrimedHandler implements RequestStreamHandler, Resource {
  private final String role;

  /** @param role the function's role, named in the priming's log line */
  protected PrimedHandler(String role) {
    this.role = role;
  }

  /** Primes now, or registers for SnapStart's checkpoint hook ({@link Priming#atInit}). */
  protected final void primeAtInit() {
    Priming.atInit(this, role, this::prime, System.getenv());
  }

  /**
   * The handler's real path without side effects: a representative event's mapping, the service
   * call on a session that does not exist, and the clients' harmless requests.
   *
   * @throws RuntimeException what a request threw; {@link Priming} logs it and goes on
   */
  abstract void prime();

  @Override
  public final void beforeCheckpoint(Context<? extends Resource> context) {
    Priming.beforeCheckpoint(role, this::prime);
  }

  /**
   * Nothing to refresh: nothing unique per execution environment is made before the snapshot
   * (session ids are drawn from {@link java.security.SecureRandom} per call, credentials come from
   * the SDK's default chain at each request, the scratch folder is this environment's {@code /tmp}).
   */
  @Override
  public void afterRestore(Context<? extends Resource> context) {}
}
