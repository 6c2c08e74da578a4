package dev.gantry.local;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The commands the package step runs, in one JVM, to record the class-data archive the {@code
 * gantry} launcher maps at start-up ({@code local/target/gantry.jsa}, see {@code
 * local/src/build/java/dev/gantry/build/ClassDataArchive.java}): the classes a command loads are the
 * ones it would otherwise read from the jars and verify at each start.
 *
 * <p>On an empty {@code GANTRY_HOME} it runs {@code gantry sessions} (DynamoDB Local alone, a
 * first run creating the tables), {@code gantry show} of a session that does not exist (both engines,
 * the buckets created), {@code gantry agents} and {@code gantry pipelines}. Exits 0 when each answered
 * as it should on an empty home, 1 otherwise (printing what it got), so a broken build does not
 * record a broken archive.
 */
final class ArchiveTraining {
  private ArchiveTraining() {}

  /**
   * @param args the {@code GANTRY_HOME} to use (empty or absent)
   */
  public static void main(String[] args) {
    Map<String, String> environment = Map.of("GANTRY_HOME", args[0]);
    boolean ok = expect(environment, 0, "no sessions yet", "sessions")
        & expect(environment, GantryCommand.BAD_ARGUMENTS, "no session with id", "show", "00000000-0000-4000-8000-000000000000")
        & expect(environment, 0, "loaded", "agents")
        & expect(environment, 0, "stages:", "pipelines");
    System.exit(ok ? 0 : 1);
  }

  private static boolean expect(Map<String, String> environment, int exitCode, String says, String... command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = GantryCommand.execute(command, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    if (code == exitCode && text.contains(says)) {
      return true;
    }
    System.err.println("gantry " + String.join(" ", command) + ": exit " + code + " (expected " + exitCode + " and '" + says
        + "'):\n" + text);
    return false;
  }
}
