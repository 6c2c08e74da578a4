package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.Settings;
import dev.gantry.session.Session;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No acknowledged write is lost when the gantry process is killed: DynamoDB Local (embedded, with a
 * database file under {@code GANTRY_HOME/dynamodb}) keeps every session change it answered.
 *
 * <p>What was found (DynamoDB Local 2.6.1): its SQLite access ({@code SQLiteDBAccess} through a
 * sqlite4java {@code SQLiteQueue}) sets no pragmas, so SQLite's defaults apply (rollback journal,
 * {@code synchronous=FULL}), and every request runs as its own {@code BEGIN}...{@code COMMIT} job
 * that completes before the answer is sent. A committed write is in the database file (the OS page
 * cache at least) before the client sees it; nothing is buffered in the JVM, so {@code kill -9}
 * cannot lose it (power loss could only lose what the disk had not yet made durable, which
 * {@code synchronous=FULL} waits for). This test measures it rather than trusting it.
 */
class DurabilityIT {
  @TempDir Path home;

  @Test
  void every_session_write_acknowledged_before_a_kill_is_there_after_a_restart() throws Exception {
    // GIVEN a process writing sessions in a loop, printing each acknowledged write
    List<String> acknowledged;
    try (ChildJvm writer = ChildJvm.start(AcknowledgedWrites.class, Map.of(), home.toString())) {
      writer.awaitLine(line -> line.startsWith("acknowledged ") && ack(writer) >= 40, Duration.ofSeconds(60));
      // WHEN it is killed as kill -9 does, mid-loop
      writer.kill();
      acknowledged = writer.lines().stream().filter(line -> line.startsWith("acknowledged ")).toList();
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);

    // THEN a fresh engine on the same files holds every acknowledged session at its acknowledged version
    try (EmbeddedEngines engines = EmbeddedEngines.start(home);
        LocalStores stores = new LocalStores(engines, Settings.fromEnvironment(Map.of()), Clock.systemUTC())) {
      List<String> lost = new java.util.ArrayList<>();
      for (int i = 0; i < acknowledged.size(); i++) {
        String[] parts = acknowledged.get(i).split(" ");
        Session stored = stores.sessions().find(parts[1]).orElse(null);
        if (stored == null || stored.version() < Long.parseLong(parts[2])
            || stores.sessions().auditLog(parts[1]).size() < Long.parseLong(parts[2])) {
          lost.add("#" + i + " of " + acknowledged.size() + ": " + acknowledged.get(i) + " stored "
              + (stored == null ? "nothing" : "version " + stored.version()));
        }
      }
      assertThat(lost).as("acknowledged writes lost").isEmpty();
    }
  }

  private static long ack(ChildJvm writer) {
    return writer.lines().stream().filter(line -> line.startsWith("acknowledged ")).count();
  }
}
