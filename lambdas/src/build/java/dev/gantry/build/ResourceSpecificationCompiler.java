package dev.gantry.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Build step, run by the lambdas module at {@code generate-resources} in Java's source-file mode
 * (exec-maven-plugin): reads {@code package/db.json.gz} (15 MB of JSON) from the npm tarball of the
 * CDK team's {@code @aws-cdk/aws-service-spec} (https://github.com/cdklabs/awscdk-service-spec) and
 * writes the compact text {@code dev/gantry/deploy/spec/resource-specification.txt} that {@code
 * ResourceSpecification} reads: per resource type its properties (name, shape, required) and
 * attributes, the property types they reach, and the allowed values the database gives for some
 * strings and integers. Documentation, metrics, regions and the rest of the database are left
 * out; the database has no patterns or minimum/maximum values.
 *
 * <p>The format, UTF-8, one record a line, fields separated by tabs:
 *
 * <pre>
 * gantry-resource-specification 2
 * source  PACKAGE  VERSION  PUBLISHED  TARBALL_SHA256  REPOSITORY
 * R  AWS::S3::Bucket  AccessControl=s%0 BucketName=s VersioningConfiguration=#12 …  Arn,DomainName,…  OPEN_ATTRIBUTES  TRANSFORM
 * T  VersioningConfiguration  MFADelete=s%7 Status=!s%8
 * V  AuthenticatedRead  AwsExecRead  BucketOwnerFullControl  …
 * </pre>
 *
 * Resource lines come sorted by type; the property type lines follow, the Nth being type {@code #N};
 * then the allowed-value lines, the Nth being list {@code %N}, its values sorted and separated by
 * tabs (a value may hold a space or be empty). Equal lists are written once.
 * Shapes: {@code s} string, {@code n} number, {@code i} integer, {@code b} boolean, {@code j} JSON,
 * {@code d} date-time, {@code t} tag, {@code z} null, {@code [X} list of X, <code>{X</code> map of
 * X, {@code #N} property type N, {@code (X|Y)} either; a leading {@code !} marks a required property.
 * A primitive followed by {@code %N} takes only the values of list N ({@code s%0}, {@code [s%3}).
 * Open attributes are those whose members {@code Fn::GetAtt} may name freely (JSON or a map, a
 * nested stack's {@code Outputs}).
 *
 * <p>Arguments: tarball, output file, expected package version, publish date (npm registry time),
 * and this file (the output is rewritten when it or the tarball is newer, or the version changed).
 */
public final class ResourceSpecificationCompiler {
  static final String HEADER = "gantry-resource-specification 2";
  private static final String PACKAGE = "@aws-cdk/aws-service-spec";
  private static final String REPOSITORY = "https://github.com/cdklabs/awscdk-service-spec";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:@/-]+");

  private final Map<String, JsonNode> typeDefinitions = new HashMap<>();
  private final Map<String, Integer> typeIndex = new HashMap<>();
  private final List<String> typeOrder = new ArrayList<>();
  private final Map<List<String>, Integer> valueIndex = new HashMap<>();
  private final List<List<String>> valueOrder = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException("usage: TARBALL OUTPUT VERSION PUBLISHED THIS_SOURCE_FILE");
    }
    Path tarball = Path.of(args[0]);
    Path output = Path.of(args[1]);
    String version = args[2];
    String published = args[3];
    String source = String.join("\t", "source", PACKAGE, version, published);
    if (upToDate(output, List.of(tarball, Path.of(args[4])), source)) {
      System.out.println("resource specification: " + output + " is up to date");
      return;
    }
    long started = System.nanoTime();
    byte[] db = null;
    JsonNode packageJson = null;
    ObjectMapper mapper = new ObjectMapper();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().equals("package/db.json.gz")) {
          db = new GZIPInputStream(tar).readAllBytes();
        } else if (e.getName().equals("package/package.json")) {
          packageJson = mapper.readTree(tar.readAllBytes());
        }
      }
    }
    if (db == null || packageJson == null) {
      throw new IllegalStateException(tarball + " has no package/db.json.gz or package/package.json");
    }
    if (!PACKAGE.equals(packageJson.path("name").asText())
        || !version.equals(packageJson.path("version").asText())) {
      throw new IllegalStateException(
          tarball + " is " + packageJson.path("name").asText() + "@"
              + packageJson.path("version").asText() + ", expected " + PACKAGE + "@" + version);
    }
    String sha256 =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
    JsonNode schema = mapper.readTree(db).path("schema");
    Files.createDirectories(output.getParent());
    Path partial = output.resolveSibling(output.getFileName() + ".partial");
    try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
      out.write(HEADER + "\n" + source + "\t" + sha256 + "\t" + REPOSITORY + "\n");
      new ResourceSpecificationCompiler().write(schema, out);
    }
    Files.move(partial, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.printf(
        "resource specification: %s@%s -> %s (%d bytes) in %d ms%n",
        PACKAGE, version, output, Files.size(output), (System.nanoTime() - started) / 1_000_000);
  }

  private static boolean upToDate(Path output, List<Path> inputs, String source) throws IOException {
    if (!Files.exists(output)) {
      return false;
    }
    for (Path input : inputs) {
      if (Files.getLastModifiedTime(input).compareTo(Files.getLastModifiedTime(output)) >= 0) {
        return false;
      }
    }
    try (BufferedReader in = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      String sourceLine = in.readLine();
      return HEADER.equals(header) && sourceLine != null && sourceLine.startsWith(source + "\t");
    }
  }

  private void write(JsonNode schema, Writer out) throws IOException {
    for (JsonNode type : schema.path("typeDefinition").path("entities")) {
      typeDefinitions.put(type.path("$id").asText(), type);
    }
    Map<String, JsonNode> resources = new TreeMap<>();
    for (JsonNode resource : schema.path("resource").path("entities")) {
      resources.put(name(resource.path("cloudFormationType").asText()), resource);
    }
    for (Map.Entry<String, JsonNode> resource : resources.entrySet()) {
      TreeSet<String> attributes = new TreeSet<>();
      TreeSet<String> open = new TreeSet<>();
      for (Map.Entry<String, JsonNode> attribute : resource.getValue().path("attributes").properties()) {
        attributes.add(name(attribute.getKey()));
        String kind = attribute.getValue().path("type").path("type").asText();
        if (kind.equals("json") || kind.equals("map") || attribute.getKey().equals("Outputs")) {
          open.add(attribute.getKey());
        }
      }
      out.write(
          String.join(
                  "\t", "R", resource.getKey(), properties(resource.getValue().path("properties")),
                  String.join(",", attributes), String.join(",", open),
                  resource.getValue().path("cloudFormationTransform").asText(""))
              + "\n");
    }
    // property types are numbered as resources first reach them; writing one may reach more
    for (int i = 0; i < typeOrder.size(); i++) {
      JsonNode type = typeDefinitions.get(typeOrder.get(i));
      out.write("T\t" + name(type.path("name").asText()) + "\t" + properties(type.path("properties")) + "\n");
    }
    for (List<String> values : valueOrder) {
      out.write("V\t" + String.join("\t", values) + "\n");
    }
  }

  private String properties(JsonNode properties) {
    Map<String, JsonNode> sorted = new TreeMap<>();
    properties.properties().forEach(e -> sorted.put(name(e.getKey()), e.getValue()));
    List<String> fields = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : sorted.entrySet()) {
      String shape = shape(property.getValue().path("type"));
      fields.add(property.getKey() + "=" + (property.getValue().path("required").asBoolean() ? "!" : "") + shape);
    }
    return String.join(" ", fields);
  }

  private String shape(JsonNode type) {
    String kind = type.path("type").asText();
    return switch (kind) {
      case "string" -> "s" + allowedValues(type);
      case "number" -> "n" + allowedValues(type);
      case "integer" -> "i" + allowedValues(type);
      case "boolean" -> "b";
      case "json" -> "j";
      case "date-time" -> "d";
      case "tag" -> "t";
      case "null" -> "z";
      case "array" -> "[" + shape(type.path("element"));
      case "map" -> "{" + shape(type.path("element"));
      case "ref" -> "#" + index(type.path("reference").path("$ref").asText());
      case "union" -> {
        List<String> members = new ArrayList<>();
        type.path("types").forEach(member -> members.add(shape(member)));
        yield "(" + String.join("|", members) + ")";
      }
      default -> throw new IllegalStateException("unknown property type " + type);
    };
  }

  /** {@code %N} naming the type's allowed values, or nothing. */
  private String allowedValues(JsonNode type) {
    JsonNode allowed = type.path("allowedValues");
    if (!allowed.isArray() || allowed.isEmpty()) {
      return "";
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (JsonNode value : allowed) {
      String text = value.asText();
      if (!value.isValueNode() || text.indexOf('\t') >= 0 || text.indexOf('\n') >= 0
          || text.indexOf('\r') >= 0) {
        throw new IllegalStateException("an allowed value the compact format cannot hold: " + value);
      }
      sorted.add(text);
    }
    List<String> values = List.copyOf(sorted);
    Integer known = valueIndex.get(values);
    if (known == null) {
      known = valueOrder.size();
      valueIndex.put(values, known);
      valueOrder.add(values);
    }
    return "%" + known;
  }

  private int index(String id) {
    Integer known = typeIndex.get(id);
    if (known != null) {
      return known;
    }
    if (!typeDefinitions.containsKey(id)) {
      throw new IllegalStateException("reference to a missing type definition " + id);
    }
    typeIndex.put(id, typeOrder.size());
    typeOrder.add(id);
    return typeOrder.size() - 1;
  }

  /** A name as the format can hold it: no tab, space, '=', ',' or '|'. */
  private static String name(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalStateException("a name the compact format cannot hold: '" + name + "'");
    }
    return name;
  }
}
