import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The figures of bench/orchestration-overhead.sh. For each run (a line of RUNS_TSV: run number,
 * session id, and the epoch milliseconds at which {@code gantry run} started, {@code gantry approve}
 * started and {@code gantry approve} ended) it takes the model calls the Converse stub logged in that
 * window (CALLS_TSV: arrival and answer epoch milliseconds first) and prints the wall time, the
 * number of calls, the time inside calls (the union of the intervals with at least one call in
 * flight; the plain sum too, which counts overlapping calls twice) and the overhead, (wall - in
 * calls) / wall. Then it splits the run's timeline into consecutive segments from the session's
 * stage timings (WORK_DIR/show-N.json, {@code gantry show --json}): command start-up before the
 * first stage, each stage, the gaps between stages, the approval gate (the end of {@code gantry run}
 * and the start of {@code gantry approve}) and the end of {@code gantry approve}, each with its time
 * in and outside model calls. Last, the medians over the runs.
 *
 * <pre>java -cp "local/target/gantry-local-*.jar:local/target/lib/*" bench/OverheadReport.java DELAY_SECONDS RUNS_TSV CALLS_TSV WORK_DIR</pre>
 */
public class OverheadReport {
  record Interval(long start, long end) {}

  record Run(double wallSeconds, int calls, double inCallsSeconds, double overheadPercent, double stagesOverheadPercent) {}

  public static void main(String[] args) throws Exception {
    String delay = args[0];
    List<Interval> calls = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[2]))) {
      String[] f = line.split("\t");
      calls.add(new Interval(Long.parseLong(f[0]), Long.parseLong(f[1])));
    }
    List<Run> runs = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] f = line.split("\t");
      String n = f[0];
      String id = f[1];
      long t0 = Long.parseLong(f[2]);
      long t1 = Long.parseLong(f[3]);
      long t2 = Long.parseLong(f[4]);
      List<Interval> mine = calls.stream().filter(c -> c.start() >= t0 && c.end() <= t2).toList();
      long union = inCalls(mine, t0, t2);
      long sum = mine.stream().mapToLong(c -> c.end() - c.start()).sum();
      long wall = t2 - t0;
      double stagesOverhead = breakdown(Json.MAPPER.readTree(Path.of(args[3], "show-" + n + ".json").toFile()), mine, t0, t1, t2);
      Run run = new Run(wall / 1000.0, mine.size(), union / 1000.0, 100.0 * (wall - union) / wall, stagesOverhead);
      runs.add(run);
      System.out.printf("run %s (session %s, model calls of %s s): wall %.2f s (gantry run %.2f s, gantry approve %.2f s), "
              + "%d model calls, in calls %.2f s (sum of calls %.2f s), outside calls %.2f s, overhead %.2f %%%n",
          n, id, delay, wall / 1000.0, (t1 - t0) / 1000.0, (t2 - t1) / 1000.0, mine.size(), union / 1000.0, sum / 1000.0,
          (wall - union) / 1000.0, run.overheadPercent());
      System.out.print(table);
      System.out.printf("  overhead without the commands' start-up and exit (stages and the gaps between them only): %.2f %%%n",
          stagesOverhead);
      table.setLength(0);
    }
    System.out.printf("median of %d: wall %.2f s, %.0f model calls, in calls %.2f s, overhead %.2f %% "
            + "(without the commands' start-up and exit %.2f %%)%n", runs.size(),
        median(runs, Run::wallSeconds), median(runs, r -> r.calls()), median(runs, Run::inCallsSeconds),
        median(runs, Run::overheadPercent), median(runs, Run::stagesOverheadPercent));
  }

  private static final StringBuilder table = new StringBuilder();

  /**
   * Writes to {@link #table} consecutive segments covering [t0, t2]: wall, in calls and outside calls
   * of each; returns the overhead in % of the stages and the gaps between them alone.
   */
  static double breakdown(JsonNode show, List<Interval> calls, long t0, long t1, long t2) {
    List<String> names = new ArrayList<>();
    List<Interval> segments = new ArrayList<>();
    long at = t0;
    String before = "gantry run: start-up to the first stage";
    for (JsonNode stage : show.path("session").path("stages")) {
      long start = Instant.parse(stage.get("startedAt").asText()).toEpochMilli();
      long end = stage.hasNonNull("endedAt") ? Instant.parse(stage.get("endedAt").asText()).toEpochMilli() : start;
      String name = stage.get("name").asText();
      names.add(before == null ? "  gap before " + name : before);
      segments.add(new Interval(at, start));
      if (stage.get("status").asText().equals("APPROVED")) {
        // the gate waits while gantry run records it and exits, and gantry approve starts
        names.add(name + " gate: gantry run, gate opened to exit");
        segments.add(new Interval(start, Math.max(start, t1)));
        names.add(name + " gate: gantry approve, start-up to decision");
        segments.add(new Interval(Math.max(start, t1), end));
      } else {
        names.add("stage " + name);
        segments.add(new Interval(start, end));
      }
      at = end;
      before = null;
    }
    names.add("gantry approve: last stage to exit");
    segments.add(new Interval(at, t2));
    table.append(String.format("  %-52s %9s %9s %9s%n", "segment", "wall s", "in calls", "outside"));
    double[] total = new double[3];
    double between = 0;
    double betweenIn = 0;
    double stages = 0;
    double stagesIn = 0;
    for (int i = 0; i < segments.size(); i++) {
      Interval s = segments.get(i);
      long wall = s.end() - s.start();
      long in = inCalls(calls, s.start(), s.end());
      total[0] += wall;
      total[1] += in;
      total[2] += wall - in;
      if (names.get(i).startsWith("  gap")) {
        between += wall;
        betweenIn += in;
      }
      if (names.get(i).startsWith("stage ")) {
        stages += wall;
        stagesIn += in;
      }
      table.append(String.format("  %-52s %9.2f %9.2f %9.2f%n", names.get(i), wall / 1000.0, in / 1000.0, (wall - in) / 1000.0));
    }
    table.append(String.format("  %-52s %9.2f %9.2f %9.2f%n", "all gaps between stages", between / 1000.0, betweenIn / 1000.0,
        (between - betweenIn) / 1000.0));
    table.append(String.format("  %-52s %9.2f %9.2f %9.2f%n", "total", total[0] / 1000.0, total[1] / 1000.0, total[2] / 1000.0));
    double inner = stages + between;
    return inner == 0 ? 0 : 100.0 * (inner - stagesIn - betweenIn) / inner;
  }

  /** Milliseconds within [from, to] during which at least one call was in flight. */
  static long inCalls(List<Interval> calls, long from, long to) {
    List<Interval> sorted = calls.stream()
        .map(c -> new Interval(Math.max(c.start(), from), Math.min(c.end(), to)))
        .filter(c -> c.end() > c.start())
        .sorted(Comparator.comparingLong(Interval::start))
        .toList();
    long total = 0;
    long start = Long.MIN_VALUE;
    long end = Long.MIN_VALUE;
    for (Interval c : sorted) {
      if (c.start() > end) {
        total += end - start;
        start = c.start();
        end = c.end();
      } else {
        end = Math.max(end, c.end());
      }
    }
    return total + (end - start);
  }

  static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
    double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
