package dev.gantry.local;

import dev.gantry.config.Settings;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.Session;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * The child process of {@link DurabilityIT}: starts the embedded engines on the data directory
 * {@code args[0]} and then, until killed, creates a session and updates it (each a
 * TransactWriteItems of the session and its audit entry, as every session change is), printing
 * {@code acknowledged <id> <version>} after DynamoDB Local answered both.
 */
final class AcknowledgedWrites {
  private AcknowledgedWrites() {}

  public static void main(String[] args) {
    EmbeddedEngines engines = EmbeddedEngines.start(Path.of(args[0]));
    LocalStores stores = new LocalStores(engines, Settings.fromEnvironment(Map.of()), Clock.systemUTC());
    System.out.println("ready");
    for (int i = 0; ; i++) {
      String id = UUID.randomUUID().toString();
      Session created = stores.sessions().create(
          Session.start(id, "write " + i, "/repository", "gantry-durability", Clock.systemUTC().instant()),
          new AuditEvent("test", "SessionCreated", Map.of("n", Integer.toString(i))));
      Session updated = stores.sessions().update(created, created.withFailure("updated " + i),
          new AuditEvent("test", "SessionUpdated", Map.of("n", Integer.toString(i))));
      System.out.println("acknowledged " + id + " " + updated.version());
    }
  }
}
