package dev.gantry.session.keyfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.session.AuditKeyUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local audit key file: created owner-only, reused, refused when others may read it. */
class LocalAuditKeyTest {
  @TempDir Path home;

  @Test
  void the_first_use_creates_32_random_bytes_readable_by_the_owner_alone() throws Exception {
    HmacAuditMac key = LocalAuditKey.open(home);

    Path file = home.resolve(LocalAuditKey.FILE_NAME);
    assertThat(Files.readAllBytes(file)).hasSize(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(key.keyId()).isEqualTo("local:" + file);
  }

  @Test
  void a_second_open_reads_the_same_key_so_old_macs_still_verify() {
    String mac = LocalAuditKey.open(home).mac("{\"hash\":\"ab\",\"seq\":1,\"sessionId\":\"s-1\"}");

    HmacAuditMac again = LocalAuditKey.open(home);

    assertThat(again.verify("{\"hash\":\"ab\",\"seq\":1,\"sessionId\":\"s-1\"}", mac)).isTrue();
    assertThat(again.verify("{\"hash\":\"ab\",\"seq\":2,\"sessionId\":\"s-1\"}", mac)).isFalse();
  }

  @Test
  void two_homes_get_different_keys() {
    Path other = home.resolve("other");

    String mac = LocalAuditKey.open(home).mac("m");

    assertThat(LocalAuditKey.open(other).verify("m", mac)).isFalse();
  }

  @Test
  void a_key_file_others_can_read_is_refused_with_the_fix() throws Exception {
    LocalAuditKey.open(home);
    Path file = home.resolve(LocalAuditKey.FILE_NAME);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> LocalAuditKey.open(home))
        .isInstanceOf(AuditKeyUnavailableException.class)
        .hasMessageContaining(file + " has permissions rw-r--r--")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void a_group_writable_key_file_is_refused() throws Exception {
    LocalAuditKey.open(home);
    Files.setPosixFilePermissions(home.resolve(LocalAuditKey.FILE_NAME), PosixFilePermissions.fromString("rw--w----"));

    assertThatThrownBy(() -> LocalAuditKey.open(home)).isInstanceOf(AuditKeyUnavailableException.class);
  }

  @Test
  void a_key_file_of_the_wrong_length_is_refused() throws Exception {
    Path file = home.resolve(LocalAuditKey.FILE_NAME);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, new byte[16]);

    assertThatThrownBy(() -> LocalAuditKey.open(home))
        .isInstanceOf(AuditKeyUnavailableException.class)
        .hasMessageContaining("holds 16 bytes, not 32");
  }

  @Test
  void a_malformed_mac_is_false_not_an_error() {
    HmacAuditMac key = LocalAuditKey.open(home);

    assertThat(key.verify("m", "not base64!")).isFalse();
    assertThat(key.verify("m", "")).isFalse();
  }

  @Test
  void processes_opening_a_new_home_at_once_all_get_the_one_key_written_whole() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    var start = new java.util.concurrent.CountDownLatch(1);
    java.util.List<java.util.concurrent.Future<HmacAuditMac>> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      keys.add(pool.submit(() -> {
        start.await();
        return LocalAuditKey.open(home);
      }));
    }
    start.countDown();
    String mac = keys.get(0).get().mac("m");
    for (var key : keys) {
      assertThat(key.get().verify("m", mac)).isTrue();
    }
    pool.shutdown();
    try (var files = Files.list(home)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly(LocalAuditKey.FILE_NAME);
    }
  }
}
