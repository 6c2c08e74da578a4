import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of bench/cold-start.sh: reads the samples ({@code role variant init first second
 * classes rss_mb}, one line each) and prints, per role and variant, the median and p90 (nearest
 * rank) of init, first and second invoke and init + first in ms, the median classes loaded and max
 * RSS in MB, the ratios of the medians of init + first and of classes to the role's floor, and
 * first / second (the priming goal: at most 2 after a restore).
 *
 * <p>Usage: {@code ColdStartTable RESULTS ROLE...}
 */
public final class ColdStartTable {
  static final List<String> VARIANTS = List.of("hello", "floor", "unprimed", "restore", "on-demand");

  public static void main(String[] args) throws Exception {
    Map<String, List<double[]>> samples = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 7) {
        continue;
      }
      double[] row = new double[6];
      for (int i = 0; i < 5; i++) {
        row[i] = Double.parseDouble(f[i + 2]);
      }
      row[5] = row[0] + row[1]; // init + first, per sample
      samples.computeIfAbsent(f[0] + " " + f[1], k -> new ArrayList<>()).add(row);
    }
    System.out.printf(Locale.ROOT, "%-10s %-9s %3s %13s %13s %13s %15s %7s %6s %9s %9s %7s%n", "role", "variant", "n",
        "init p50/p90", "first p50/p90", "second p50/90", "init+first p50/90", "classes", "rss_MB", "x_floor", "cls_x_fl",
        "1st/2nd");
    for (String role : List.of(args).subList(1, args.length)) {
      List<double[]> floor = samples.get(role + " floor");
      double floorTotal = floor == null ? Double.NaN : median(floor, 5);
      double floorClasses = floor == null ? Double.NaN : median(floor, 3);
      for (String variant : VARIANTS) {
        List<double[]> rows = samples.get(role + " " + variant);
        if (rows == null) {
          continue;
        }
        double firstOverSecond = median(rows, 2) > 0 ? median(rows, 1) / median(rows, 2) : Double.NaN; // NaN: second under 0.05 ms
        System.out.printf(Locale.ROOT, "%-10s %-9s %3d %6.0f/%-6.0f %6.0f/%-6.0f %6.0f/%-6.0f %7.0f/%-7.0f %7.0f %6.0f %9.2f %9.2f %7.1f%n",
            role, variant, rows.size(), median(rows, 0), p90(rows, 0), median(rows, 1), p90(rows, 1), median(rows, 2),
            p90(rows, 2), median(rows, 5), p90(rows, 5), median(rows, 3), median(rows, 4),
            median(rows, 5) / floorTotal, median(rows, 3) / floorClasses, firstOverSecond);
      }
    }
  }

  static double[] sorted(List<double[]> rows, int column) {
    double[] values = rows.stream().mapToDouble(r -> r[column]).toArray();
    Arrays.sort(values);
    return values;
  }

  static double median(List<double[]> rows, int column) {
    double[] v = sorted(rows, column);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The 90th percentile by nearest rank: the value at rank ceil(0.9 n). */
  static double p90(List<double[]> rows, int column) {
    double[] v = sorted(rows, column);
    return v[(int) Math.ceil(0.9 * v.length) - 1];
  }
}
