package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gantry command, run in-process as a user would run it; each call starts and stops the engines. */
class GantryCommandIT {
  static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  static final Path SEEDS = REPOSITORY.resolve("../shared/seeds").normalize();

  @TempDir Path home;

  record Result(int exitCode, String out, String err) {}

  Result gantry(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String previous = System.getProperty("gantry.agents");
    System.setProperty("gantry.agents", REPOSITORY.resolve("agents").toString());
    try {
      int code = GantryCommand.execute(args, Map.of("GANTRY_HOME", home.toString()),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      if (previous == null) {
        System.clearProperty("gantry.agents");
      } else {
        System.setProperty("gantry.agents", previous);
      }
    }
  }

  @Test
  void run_waits_for_approval_and_a_later_command_approves_shows_and_lists_the_session() {
    Result run = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "Serve Gantry's session API on AWS");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("architect  SUCCEEDED", "plan       SUCCEEDED", "validate   SUCCEEDED", "approval   WAITING");
    Matcher m = Pattern.compile("session ([0-9a-f-]{36}): AWAITING_APPROVAL").matcher(run.out());
    assertThat(m.find()).isTrue();
    String id = m.group(1);

    Result wrongDigest = gantry("approve", id, "--digest", "f".repeat(64));
    assertThat(wrongDigest.exitCode()).isEqualTo(1);
    assertThat(wrongDigest.err()).startsWith("gantry: refused: digest ffff").doesNotContain("Exception");

    Result approve = gantry("approve", id);
    assertThat(approve.exitCode()).as(approve.err()).isZero();
    assertThat(approve.out()).contains("deploy     SUCCEEDED", "report     SUCCEEDED", "session " + id + ": SUCCEEDED");

    Result show = gantry("show", id);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("status      SUCCEEDED", "stages (6)", "chain verified");
    assertThat(show.out().lines().filter(l -> l.contains(" verified  s3://"))).hasSizeGreaterThanOrEqualTo(5);

    Result list = gantry("sessions");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).contains(id + "  SUCCEEDED");

    Result again = gantry("reject", id, "--reason", "too late");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("is SUCCEEDED, not awaiting approval");
  }

  @Test
  void bad_arguments_get_one_line_a_non_zero_exit_and_change_nothing() {
    Result missingRepo = gantry("run", "--repo", home.resolve("nope").toString(), "--goal", "x");
    assertThat(missingRepo.exitCode()).isEqualTo(2);
    assertThat(missingRepo.err().lines()).containsExactly("gantry: --repo " + home.resolve("nope") + " is not a directory");

    Result emptyGoal = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "  ");
    assertThat(emptyGoal.exitCode()).isEqualTo(2);
    assertThat(emptyGoal.err().lines()).singleElement().asString().startsWith("gantry: --goal is empty");

    Result badStack = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "x", "--stack", "9-lives");
    assertThat(badStack.exitCode()).isEqualTo(2);
    assertThat(badStack.err().lines()).singleElement().asString().startsWith("gantry: invalid stack name '9-lives'");

    Result unknown = gantry("show", "00000000-0000-0000-0000-000000000000");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err().lines()).containsExactly("gantry: no session with id 00000000-0000-0000-0000-000000000000");

    Result list = gantry("sessions");
    assertThat(list.out()).contains("(no sessions yet");
  }

  @Test
  void agents_lists_a_directory_and_names_each_file_that_fails(@TempDir Path agents) throws IOException {
    Files.copy(SEEDS.resolve("001_75a5c479e44b6c6c.txt"), agents.resolve("one.md"));
    Files.copy(SEEDS.resolve("002_63d2144bd07b97c7.txt"), agents.resolve("two.md"));
    Files.copy(SEEDS.resolve("000_6b603ea78bb5d864.txt"), agents.resolve("aws.md"));
    Files.writeString(agents.resolve("broken.md"), "---\nname: broken\n---\nno description\n");

    Result result = gantry("agents", "--dir", agents.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("aws-backend-architect", "backend-architect")
        .contains("(not offered: Bash)")
        .contains("error: " + agents.resolve("broken.md") + ":1: missing required field 'description'")
        .contains("error: " + agents.resolve("two.md") + ":2: duplicate name 'backend-architect': also defined in "
            + agents.resolve("one.md"))
        .contains("2 loaded, 2 failed");
  }
}
