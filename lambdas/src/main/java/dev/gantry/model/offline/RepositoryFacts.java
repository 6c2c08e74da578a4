package dev.gantry.model.offline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the offline model learned about a repository from its tool results: file counts per
 * language, build files and their dependencies, infrastructure-as-code files and HTTP routes.
 */
final class RepositoryFacts {
  private static final Map<String, String> LANGUAGES =
      Map.ofEntries(
          Map.entry("java", "Java"), Map.entry("kt", "Kotlin"), Map.entry("py", "Python"),
          Map.entry("ts", "TypeScript"), Map.entry("tsx", "TypeScript"), Map.entry("js", "JavaScript"),
          Map.entry("mjs", "JavaScript"), Map.entry("go", "Go"), Map.entry("rs", "Rust"),
          Map.entry("cs", "C#"), Map.entry("rb", "Ruby"), Map.entry("php", "PHP"), Map.entry("scala", "Scala"),
          Map.entry("swift", "Swift"), Map.entry("c", "C"), Map.entry("cpp", "C++"), Map.entry("sh", "Shell"),
          Map.entry("tf", "HCL (Terraform)"), Map.entry("sql", "SQL"));
  private static final Set<String> BUILD_FILES =
      Set.of("pom.xml", "build.gradle", "build.gradle.kts", "package.json", "requirements.txt", "pyproject.toml",
          "go.mod", "Cargo.toml", "Gemfile", "composer.json");
  private static final Pattern MAVEN_DEPENDENCY =
      Pattern.compile("<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>");
  private static final Pattern GRADLE_DEPENDENCY =
      Pattern.compile("(?:implementation|api|compileOnly|runtimeOnly)\\s*\\(?\\s*['\"]([^:'\"]+):([^:'\"]+)");
  private static final Pattern GO_REQUIRE = Pattern.compile("(?m)^\\s*(?:require\\s+)?([a-z0-9.-]+\\.[a-z]+/[^\\s]+)\\s+v");
  /** The search_text pattern that finds route declarations; {@link #addRouteMatches} parses its hits. */
  static final String ROUTE_SEARCH =
      "(?i)(@(Get|Post|Put|Delete|Patch)Mapping|\\.(get|post|put|delete|patch)\\(\\s*[\"']/|\"(GET|POST|PUT|DELETE|PATCH) /)";
  private static final Pattern ROUTE =
      Pattern.compile(
          "(?i)(GET|POST|PUT|DELETE|PATCH)\\s*\\(?\\s*[\"'](/[^\"'\\s]*)[\"']|\"(GET|POST|PUT|DELETE|PATCH) (/[^\"\\s]*)\"|@(Get|Post|Put|Delete|Patch)Mapping\\(\\s*(?:value\\s*=\\s*|path\\s*=\\s*)?\"(/[^\"]*)\"");

  final int fileCount;
  final long totalBytes;
  final Map<String, Integer> languages = new LinkedHashMap<>();
  final Map<String, List<String>> buildFiles = new TreeMap<>();
  final Map<String, String> infrastructure = new TreeMap<>();
  final Set<String> routes = new LinkedHashSet<>();
  final List<String> filesRead = new ArrayList<>();

  private RepositoryFacts(int fileCount, long totalBytes) {
    this.fileCount = fileCount;
    this.totalBytes = totalBytes;
  }

  /** Facts from a list_files result ("path<TAB>bytes" lines). */
  static RepositoryFacts fromListing(String listing) {
    List<String[]> rows = new ArrayList<>();
    for (String line : listing.split("\n")) {
      String[] parts = line.split("\t");
      if (parts.length == 2 && parts[1].matches("\\d+")) {
        rows.add(parts);
      }
    }
    long bytes = rows.stream().mapToLong(r -> Long.parseLong(r[1])).sum();
    RepositoryFacts facts = new RepositoryFacts(rows.size(), bytes);
    Map<String, Integer> counts = new TreeMap<>();
    for (String[] row : rows) {
      String path = row[0];
      String name = path.substring(path.lastIndexOf('/') + 1);
      int dot = name.lastIndexOf('.');
      String language = dot < 0 ? null : LANGUAGES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (language != null) {
        counts.merge(language, 1, Integer::sum);
      }
      if (BUILD_FILES.contains(name)) {
        facts.buildFiles.put(path, new ArrayList<>());
      }
      String iac = infrastructureKind(path, name);
      if (iac != null) {
        facts.infrastructure.put(path, iac);
      }
    }
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> facts.languages.put(e.getKey(), e.getValue()));
    return facts;
  }

  private static String infrastructureKind(String path, String name) {
    if (name.equals("cdk.json")) {
      return "AWS CDK app";
    }
    if (name.endsWith(".tf")) {
      return "Terraform";
    }
    if (name.equals("serverless.yml") || name.equals("serverless.yaml")) {
      return "Serverless Framework";
    }
    if (name.equals("samconfig.toml")) {
      return "AWS SAM configuration";
    }
    if (name.matches("(template|.*\\.template|.*-stack|cloudformation.*)\\.(ya?ml|json)") && !isTestCode(path)) {
      return "CloudFormation or SAM template (unconfirmed)";
    }
    if (name.equals("Dockerfile")) {
      return "Container image (Dockerfile)";
    }
    return null;
  }

  /** The files worth reading, most telling first, at most {@code max}. */
  List<String> filesToRead(int max) {
    List<String> picks = new ArrayList<>();
    buildFiles.keySet().stream().sorted((a, b) -> Integer.compare(depth(a), depth(b))).forEach(picks::add);
    infrastructure.keySet().forEach(p -> {
      if (!picks.contains(p)) {
        picks.add(p);
      }
    });
    return picks.subList(0, Math.min(max, picks.size()));
  }

  private static int depth(String path) {
    return path.split("/").length;
  }

  /** Adds what one file read shows. */
  void addRead(String path, String content) {
    filesRead.add(path);
    String name = path.substring(path.lastIndexOf('/') + 1);
    List<String> deps = buildFiles.get(path);
    if (deps != null) {
      deps.addAll(dependencies(name, content));
    }
    if (infrastructure.containsKey(path) && infrastructure.get(path).endsWith("(unconfirmed)")) {
      if (content.contains("AWS::Serverless")) {
        infrastructure.put(path, "AWS SAM template");
      } else if (content.contains("AWSTemplateFormatVersion") || content.contains("Resources")) {
        infrastructure.put(path, "CloudFormation template");
      } else {
        infrastructure.remove(path);
      }
    }
  }

  /** Adds routes from a search_text result ("path:line: text" lines). */
  void addRouteMatches(String searchResult) {
    for (String line : searchResult.split("\n")) {
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second < 0) {
        continue;
      }
      if (isTestCode(line.substring(0, first))) {
        continue; // routes declared in tests are fixtures, not the application's API
      }
      String text = line.substring(second + 1);
      Matcher m = ROUTE.matcher(text);
      while (m.find() && routes.size() < 25) {
        String method;
        String route;
        if (m.group(1) != null) {
          method = m.group(1);
          route = m.group(2);
        } else if (m.group(3) != null) {
          method = m.group(3);
          route = m.group(4);
        } else {
          method = m.group(5);
          route = m.group(6);
        }
        routes.add(method.toUpperCase(Locale.ROOT) + " " + route.replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}"));
      }
    }
  }

  /** Whether a path is test code: a test folder or a test file naming convention. */
  static boolean isTestCode(String path) {
    String p = "/" + path;
    String name = path.substring(path.lastIndexOf('/') + 1);
    return p.contains("/test/") || p.contains("/tests/") || p.contains("/__tests__/") || p.contains("/spec/")
        || name.matches(".*(Test|Tests|IT|Spec)\\.[A-Za-z]+|.*[._-](test|spec)\\.[A-Za-z]+|test_.*\\.py");
  }

  private static List<String> dependencies(String name, String content) {
    List<String> out = new ArrayList<>();
    switch (name) {
      case "pom.xml" -> {
        Matcher m = MAVEN_DEPENDENCY.matcher(content);
        while (m.find()) {
          out.add(m.group(1).strip() + ":" + m.group(2).strip());
        }
      }
      case "build.gradle", "build.gradle.kts" -> {
        Matcher m = GRADLE_DEPENDENCY.matcher(content);
        while (m.find()) {
          out.add(m.group(1) + ":" + m.group(2));
        }
      }
      case "package.json" -> {
        try {
          JsonNode root = Json.MAPPER.readTree(content);
          for (String section : List.of("dependencies", "devDependencies")) {
            root.path(section).fieldNames().forEachRemaining(out::add);
          }
        } catch (Exception e) {
          out.add("(package.json did not parse)");
        }
      }
      case "requirements.txt" -> {
        for (String line : content.split("\n")) {
          String dep = line.split("[=<>~!;\\[ ]")[0].strip();
          if (!dep.isEmpty() && !dep.startsWith("#") && !dep.startsWith("-")) {
            out.add(dep);
          }
        }
      }
      case "go.mod" -> {
        Matcher m = GO_REQUIRE.matcher(content);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
      default -> {
        // other build files are recorded without parsing their dependencies
      }
    }
    return out.stream().distinct().toList();
  }

  /** The most common language, or null when no source file was recognised. */
  String primaryLanguage() {
    return languages.isEmpty() ? null : languages.keySet().iterator().next();
  }

  /** All dependencies of all build files. */
  List<String> allDependencies() {
    return buildFiles.values().stream().flatMap(List::stream).distinct().toList();
  }
}
