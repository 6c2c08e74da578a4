package dev.gantry.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** repository.path is read only under GANTRY_REPOSITORY_ROOTS, never in or around GANTRY_HOME, real paths compared. */
class RepositoryRootsTest {
  @TempDir Path disk;
  Path root;
  Path home;
  Path elsewhere;
  RepositoryRoots roots;
  SessionService sessions;

  @BeforeEach
  void folders() throws IOException {
    root = Files.createDirectories(disk.resolve("repos"));
    Files.createDirectories(root.resolve("shop/src"));
    home = Files.createDirectories(root.resolve("gantry-home"));
    Files.createDirectories(home.resolve("s3/gantry-documents"));
    elsewhere = Files.createDirectories(disk.resolve("elsewhere"));
    roots = new RepositoryRoots(List.of(root), Map.of("GANTRY_HOME", home));
    // refusals happen before the store is used
    sessions = new SessionService(null, Clock.systemUTC(), () -> "id", true, "gantry-", roots);
  }

  private InvalidRequestException refusal(Path folder) {
    return (InvalidRequestException) org.assertj.core.api.Assertions.catchThrowable(
        () -> sessions.start(SessionRequest.local("a goal", folder.toString(), null), "tester"));
  }

  @Test
  void a_folder_under_a_root_is_accepted_as_its_real_path() {
    assertThat(roots.check(root.resolve("shop"))).isEqualTo(root.resolve("shop").toAbsolutePath().normalize());
    assertThat(roots.check(root.resolve("shop/src/.."))).isEqualTo(root.resolve("shop"));
  }

  @Test
  void a_folder_outside_every_root_is_refused_naming_the_variable() {
    InvalidRequestException e = refusal(elsewhere);

    assertThat(e.field()).isEqualTo("repository.path");
    assertThat(e.getMessage()).contains(elsewhere.toString()).contains("is not under a folder GANTRY_REPOSITORY_ROOTS names")
        .doesNotContain("\n");
  }

  @Test
  void a_folder_inside_gantry_home_is_refused_even_under_a_root_and_so_is_one_holding_it() {
    InvalidRequestException inside = refusal(home.resolve("s3"));
    InvalidRequestException around = refusal(root);

    assertThat(inside.field()).isEqualTo("repository.path");
    assertThat(inside.getMessage()).contains("lies inside Gantry's own data (GANTRY_HOME)");
    assertThat(around.getMessage()).contains("holds Gantry's own data (GANTRY_HOME)");
  }

  @Test
  void a_symbolic_link_from_a_root_to_a_folder_outside_is_refused() throws IOException {
    Path link = Files.createSymbolicLink(root.resolve("shortcut"), elsewhere);
    Path toHome = Files.createSymbolicLink(disk.resolve("to-home"), home);

    assertThat(refusal(link).getMessage()).contains("is not under a folder GANTRY_REPOSITORY_ROOTS names");
    assertThat(refusal(toHome).getMessage()).contains("lies inside Gantry's own data (GANTRY_HOME)");
  }

  @Test
  void without_roots_no_folder_is_read_and_the_fix_names_the_variable() {
    SessionService none = new SessionService(null, Clock.systemUTC(), () -> "id", true, "gantry-",
        new RepositoryRoots(List.of(), Map.of()));

    assertThatThrownBy(() -> none.start(SessionRequest.local("a goal", root.resolve("shop").toString(), null), "tester"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("no local folders may be read here: set GANTRY_REPOSITORY_ROOTS");
  }

  @Test
  void gantry_run_reads_only_under_the_folder_its_user_named_and_still_never_gantry_home() {
    RepositoryRoots run = roots.onlyUnder(elsewhere);

    assertThat(run.check(elsewhere)).isEqualTo(elsewhere.toAbsolutePath().normalize());
    assertThatThrownBy(() -> run.check(root.resolve("shop"))).hasMessageContaining("is not under a folder");
    assertThatThrownBy(() -> roots.onlyUnder(home).check(home)).hasMessageContaining("lies inside Gantry's own data");
  }
}
