package dev.gantry.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A second JVM on the tests' class path running a main class, its standard output collected line by
 * line as it comes, so a test can wait for a line and then kill the process as {@code kill -9} does
 * ({@link Process#destroyForcibly}: SIGKILL, no shutdown hooks).
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder errors = new StringBuilder();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> collect(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true),
        "child-out");
    reader.setDaemon(true);
    reader.start();
    Thread errorReader = new Thread(() -> collect(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false),
        "child-err");
    errorReader.setDaemon(true);
    errorReader.start();
  }

  /** Starts {@code mainClass} with {@code args}, the environment {@code environment} added, agents from the repository. */
  static ChildJvm start(Class<?> mainClass, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
        "-Dgantry.agents=" + TestPipelines.REPOSITORY.resolve("agents"),
        "-cp", System.getProperty("java.class.path"),
        mainClass.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    try {
      return new ChildJvm(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void collect(BufferedReader reader, boolean out) {
    try (reader) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        synchronized (this) {
          if (out) {
            lines.add(line);
          } else {
            errors.append(line).append('\n');
          }
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process was killed
    }
  }

  /** The lines printed so far. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** Everything printed so far, standard error last. */
  synchronized String output() {
    return String.join("\n", lines) + "\n--- stderr ---\n" + errors;
  }

  /**
   * Waits for a line matching {@code wanted}.
   *
   * @throws AssertionError naming what was printed when none comes within {@code timeout} or the process ends first
   */
  synchronized String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      for (; seen < lines.size(); seen++) {
        if (wanted.test(lines.get(seen))) {
          return lines.get(seen);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
        throw new AssertionError("no such line within " + timeout + "; printed:\n" + output());
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("did not exit within " + timeout + "; printed:\n" + output());
    }
    return process.exitValue();
  }

  /** Kills it as {@code kill -9} does and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The process id. */
  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
