package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.Settings;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.SessionTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What {@code gantry show} says about a session's audit log once someone has edited the tables. */
class AuditShowIT {
  @TempDir Path home;

  GantryCommandIT.Result gantry(String... args) {
    return GantryCommandIT.gantry(home, args);
  }

  private String designSession() {
    GantryCommandIT.Result run = gantry("run", "--pipeline", "design", "--repo", GantryCommandIT.REPOSITORY.toString(), "--goal", "Serve the API");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Matcher id = Pattern.compile("session ([0-9a-f-]{36}): SUCCEEDED").matcher(run.out());
    assertThat(id.find()).as(run.out()).isTrue();
    return id.group(1);
  }

  @Test
  void show_names_a_truncated_tail_though_the_session_head_was_moved_and_exits_1() {
    String id = designSession();
    Settings settings = Settings.fromEnvironment(Map.of());
    try (EmbeddedEngines engines = EmbeddedEngines.start(home); LocalStores stores = new LocalStores(engines, settings, Clock.systemUTC())) {
      List<AuditEntry> log = stores.sessions().auditLog(id);
      AuditEntry last = log.get(log.size() - 1);
      AuditEntry kept = log.get(log.size() - 2);
      stores.dynamoDb().deleteItem(b -> b.tableName(settings.auditTable()).key(Map.of(SessionTables.SESSION_ID,
          AttributeValue.fromS(id), SessionTables.SEQ, AttributeValue.fromN(Long.toString(last.seq())))));
      stores.dynamoDb().updateItem(b -> b.tableName(settings.sessionsTable())
          .key(Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(id)))
          .updateExpression("SET auditSeq = :s, auditHash = :h")
          .expressionAttributeValues(Map.of(":s", AttributeValue.fromN(Long.toString(kept.seq())), ":h", AttributeValue.fromS(kept.hash()))));
    }

    GantryCommandIT.Result show = gantry("show", id);

    assertThat(show.exitCode()).isEqualTo(GantryCommand.FAILED);
    assertThat(show.out()).contains("entries, BROKEN: truncation: the log ends at entry ")
        .doesNotContain("chain verified");
  }

  @Test
  void a_key_file_others_may_read_is_refused_in_one_line_naming_the_file_and_the_fix() throws Exception {
    String id = designSession();
    Path key = home.resolve("audit-mac.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    GantryCommandIT.Result show = gantry("show", id);

    assertThat(show.exitCode()).isEqualTo(GantryCommand.FAILED);
    assertThat(show.err()).isEqualTo("gantry: the audit key file " + key + " has permissions rw-r--r--: others could read it "
        + "and forge audit entries; run chmod 600 " + key + " if no one else has read it" + System.lineSeparator());
  }
}
