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
 * sqlite4java {@code SQLiteQueue}, one thread running jobs in order) sets no pragmas, so SQLite's
 * defaults apply (rollback journal, {@code synchronous=FULL}), and a single-item write runs as one
 * {@code BEGIN}...{@code COMMIT} job the request waits for. But {@code TransactWriteItems}, which
 * every session change is, commits through {@code commitTransaction}, which only enqueues the
 * {@code COMMIT} job and returns: the answer can reach the client before the commit has run. Before
 * the fix this test lost the last acknowledged update (the session found at version 1, acknowledged
 * at 2). {@link LocalStores#committingTransactions} follows each transaction with a read the same
 * queue runs after the commit, so the store's write returns only once it is in the database file
 * (the OS page cache at least, which a killed process cannot lose).
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
