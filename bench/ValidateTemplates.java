import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.TemplateParser;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.deploy.ValidationReport;
import dev.gantry.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Validates every *.yaml, *.yml, *.json and *.template file under a folder with Gantry's
 * TemplateValidator, one after the other in this JVM, and prints: files read, how many pass, have
 * blocking findings or do not parse; findings per rule; the time of each validation (median, p95,
 * max) and of the first one, which also loads the classes and whatever the rules load once.
 * Files that have neither a top-level Resources nor an AWSTemplateFormatVersion key (package.json,
 * event fixtures, configuration) are counted apart, so the figures for templates stand alone.
 * Run by bench/validate-templates.sh with the built command's class path.
 *
 * <p>Usage: ValidateTemplates DIR [DETAILS.jsonl] (one line per file: its path, time and report)
 */
public final class ValidateTemplates {
  private static final Pattern TEMPLATE_KEY =
      Pattern.compile("(?m)^\\s*\"?(AWSTemplateFormatVersion|Resources)\"?\\s*:");

  record Result(Path file, boolean template, long nanos, ValidationReport report, String crash) {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches("(?i).*\\.(ya?ml|json|template)"))
          .filter(p -> Arrays.stream(root.relativize(p).toString().split("/")).noneMatch(s -> s.equals("node_modules") || s.equals(".git")))
          .sorted()
          .toList();
    }
    TemplateValidator validator = new TemplateValidator();
    List<Result> results = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    int unreadable = 0;
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        unreadable++;
        continue;
      }
      String name = root.relativize(file).toString();
      long start = System.nanoTime();
      ValidationReport report = null;
      String crash = null;
      try {
        report = validator.validate(name, text);
      } catch (RuntimeException | StackOverflowError e) {
        crash = e.getClass().getName();
      }
      long nanos = System.nanoTime() - start;
      results.add(new Result(file, looksLikeATemplate(text), nanos, report, crash));
      texts.add(text);
    }
    // a second pass: the same files in a JVM whose JIT has seen them once (a warm Lambda, a long gantry serve)
    long[] warm = new long[texts.size()];
    for (int i = 0; i < warm.length; i++) {
      long start = System.nanoTime();
      try {
        validator.validate(results.get(i).file().toString(), texts.get(i));
      } catch (RuntimeException | StackOverflowError e) {
        // counted in the first pass
      }
      warm[i] = System.nanoTime() - start;
    }
    if (results.isEmpty()) {
      System.out.println("no *.yaml, *.yml, *.json or *.template file under " + root);
      return;
    }
    if (args.length > 1) {
      try (PrintWriter details = new PrintWriter(Files.newBufferedWriter(Path.of(args[1])))) {
        for (Result r : results) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("file", root.relativize(r.file()).toString());
          line.put("template", r.template());
          line.put("millis", r.nanos() / 1e6);
          line.put("crash", r.crash());
          line.put("report", r.report());
          details.println(Json.write(line));
        }
      }
    }
    List<Result> templates = results.stream().filter(Result::template).toList();
    System.out.printf(Locale.ROOT, "files read                %d (%d unreadable) under %s%n", results.size(), unreadable, root);
    System.out.printf(Locale.ROOT, "  not templates           %d (no top-level Resources or AWSTemplateFormatVersion)%n",
        results.size() - templates.size());
    System.out.printf(Locale.ROOT, "templates                 %d%n", templates.size());
    outcomes("  ", templates);
    System.out.println();
    System.out.println("findings per rule in templates (findings, templates, blocking findings):");
    Map<String, long[]> perRule = new TreeMap<>();
    for (Result r : templates) {
      if (r.report() == null) {
        continue;
      }
      Map<String, Boolean> seen = new LinkedHashMap<>();
      for (Finding f : r.report().findings()) {
        long[] counts = perRule.computeIfAbsent(f.severity() + " " + f.rule(), k -> new long[3]);
        counts[0]++;
        counts[2] += f.blocks() ? 1 : 0;
        if (seen.put(f.severity() + " " + f.rule(), true) == null) {
          counts[1]++;
        }
      }
    }
    perRule.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-40s %6d %6d %6d%n", e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]));
    System.out.println();
    Result first = results.get(0);
    long[] rest = results.stream().skip(1).mapToLong(Result::nanos).sorted().toArray();
    Result slowest = results.stream().skip(1).max((a, b) -> Long.compare(a.nanos(), b.nanos())).orElse(first);
    System.out.printf(Locale.ROOT, "first validation           %.1f ms (%s; loads the classes and what the rules load once)%n",
        first.nanos() / 1e6, root.relativize(first.file()));
    dev.gantry.deploy.spec.ResourceSpecification specification = dev.gantry.deploy.spec.ResourceSpecification.get();
    System.out.printf(Locale.ROOT, "schema load                %.1f ms (%s, %d resource types; part of the first validation)%n",
        specification.loadNanos() / 1e6, specification.source().describe(), specification.resourceTypeNames().size());
    if (rest.length > 0) {
      System.out.printf(Locale.ROOT, "time per file, first pass  %s (slowest %s); all %d files %.0f ms%n",
          stats(rest), root.relativize(slowest.file()), results.size(), results.stream().mapToLong(Result::nanos).sum() / 1e6);
      Arrays.sort(warm);
      System.out.printf(Locale.ROOT, "time per file, second pass %s; all %d files %.0f ms%n",
          stats(warm), warm.length, Arrays.stream(warm).sum() / 1e6);
    }
  }

  /** Median, p95 and max of sorted nanosecond times, in ms. */
  private static String stats(long[] sorted) {
    return String.format(Locale.ROOT, "median %.2f ms, p95 %.2f ms, max %.2f ms", sorted[(sorted.length - 1) / 2] / 1e6,
        sorted[(int) Math.ceil(sorted.length * 0.95) - 1] / 1e6, sorted[sorted.length - 1] / 1e6);
  }

  /** A top-level Resources or AWSTemplateFormatVersion key, or for text that does not parse, either key on a line. */
  private static boolean looksLikeATemplate(String text) {
    try {
      JsonNode root = new TemplateParser().parse(text).root();
      return root != null && (root.has("Resources") || root.has("AWSTemplateFormatVersion"));
    } catch (RuntimeException e) {
      return TEMPLATE_KEY.matcher(text).find();
    }
  }

  private static void outcomes(String indent, List<Result> results) {
    long crashed = results.stream().filter(r -> r.report() == null).count();
    long unparsed = results.stream().filter(r -> r.report() != null && r.report().format() == null).count();
    long passed = results.stream().filter(r -> r.report() != null && r.report().passed()).count();
    long blocked = results.size() - crashed - unparsed - passed;
    System.out.printf(Locale.ROOT, "%spass                    %d%n", indent, passed);
    System.out.printf(Locale.ROOT, "%sblocking findings       %d%n", indent, blocked);
    System.out.printf(Locale.ROOT, "%sdo not parse            %d%n", indent, unparsed);
    if (crashed > 0) {
      System.out.printf(Locale.ROOT, "%svalidator threw         %d: %s%n", indent, crashed, results.stream()
          .filter(r -> r.report() == null).map(r -> r.file().getFileName() + " (" + r.crash() + ")").toList());
    }
  }
}
