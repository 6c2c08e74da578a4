package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.gantry.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.crac.Context;
import org.crac.Resource;

/**
 * A Gantry function's handler: a stream handler that primes its first request ({@link Priming})
 * during init, or, with SnapStart, in the {@code org.crac} checkpoint hook it registers for.
 * Subclasses give their role, the clients' priming their wiring made, and {@link #primeRequest()};
 * they call {@link #primeAtInit()} at the end of the no-arg constructor Lambda uses (not the
 * constructors tests use on local stores). A role's representative event is the resource {@code
 * priming/<role>.json} beside this class, addressed to the nil-UUID session, which never exists.
 */
public abstract class PrimedHandler implements RequestStreamHandler, Resource {
  private final String role;
  private final Runnable primeClients;

  /**
   * @param role the function's role, named in the priming's log line and its event's file name
   * @param primeClients the harmless requests on the role's SDK clients ({@code AwsGantry.Wired})
   */
  protected PrimedHandler(String role, Runnable primeClients) {
    this.role = role;
    this.primeClients = primeClients;
  }

  /** Primes now, or registers for SnapStart's checkpoint hook ({@link Priming#atInit}). */
  protected final void primeAtInit() {
    Priming.atInit(this, role, this::prime, System.getenv());
  }

  /**
   * The handler's real path without side effects, then the clients' harmless requests.
   *
   * @throws RuntimeException what a request threw; {@link Priming} logs it and goes on
   */
  final void prime() {
    primeRequest();
    primeClients.run();
  }

  /** A representative event's mapping and the service call on a session that does not exist. */
  abstract void primeRequest();

  /** The role's representative event, {@code priming/<role>.json}, read as {@code type}. */
  final <T> T primingEvent(Class<T> type) {
    try (InputStream json = PrimedHandler.class.getResourceAsStream("priming/" + role + ".json")) {
      return Json.MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code call} on the absent session, for which {@code refusal} is the expected answer. */
  static void refusedForTheAbsentSession(Runnable call, Class<? extends RuntimeException> refusal) {
    try {
      call.run();
    } catch (RuntimeException e) {
      if (!refusal.isInstance(e)) {
        throw e;
      }
    }
  }

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
