package dev.gantry.deploy.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CloudFormation resource specification: which resource types exist, their properties (shape,
 * required), their {@code Fn::GetAtt} attributes and the property types they use.
 *
 * <p>The data is the CDK team's database, npm package {@code @aws-cdk/aws-service-spec}
 * (https://github.com/cdklabs/awscdk-service-spec), built from the CloudFormation registry schemas
 * and the resource specification behind the CloudFormation User Guide's "Resource and property
 * reference", plus the AWS SAM resources. The lambdas build downloads a pinned version and compacts
 * it to {@value #RESOURCE} ({@code src/build/java}, which documents the format); {@link #source()}
 * names the version and its publish date. The compact file keeps names, shapes, required flags,
 * attributes and the database's allowed values (partial: {@link Shape.Allowed}) only: no
 * documentation, patterns or bounds.
 *
 * <p>{@link #get()} reads it once per JVM, on first use (a Lambda SnapStart snapshot taken after
 * that keeps it). Reading indexes the lines only; a resource type and the property types it reaches
 * are decoded when first asked for, so a template's check decodes the few types it uses.
 * Thread-safe.
 */
public final class ResourceSpecification {
  /** Where the build puts the compact specification on the classpath. */
  public static final String RESOURCE = "/dev/gantry/deploy/spec/resource-specification.txt";

  private static final String HEADER = "gantry-resource-specification 2";

  /**
   * The data's origin.
   *
   * @param packageName {@code @aws-cdk/aws-service-spec}
   * @param version the npm version, e.g. {@code 0.1.216}
   * @param published when the npm registry published it (ISO-8601)
   * @param tarballSha256 SHA-256 of the npm tarball the build read
   * @param repository where the database is built
   */
  public record Source(
      String packageName, String version, String published, String tarballSha256, String repository) {
    /** E.g. {@code @aws-cdk/aws-service-spec 0.1.216 (2026-09-29)}. */
    public String describe() {
      String date = published.length() >= 10 ? published.substring(0, 10) : published;
      return packageName + " " + version + " (" + date + ")";
    }
  }

  private static final class Holder {
    private static final ResourceSpecification INSTANCE = loadResource();
  }

  private final Source source;
  private final String text;
  /** Resource type name → start of its line's properties field; sorted by name. */
  private final Map<String, Integer> resourceLines;
  private final PropertyType[] types;
  private final int[] typeLines;
  /** Start of each allowed-value line's values, list {@code %N} being the Nth. */
  private final int[] valueLines;
  private final Map<String, ResourceType> decoded = new ConcurrentHashMap<>();
  private final Map<String, Shape> shapes = new ConcurrentHashMap<>();
  private final long loadNanos;

  private ResourceSpecification(String text, long started) throws IOException {
    this.text = text;
    int at = 0;
    List<String> lines = new ArrayList<>(2);
    for (int i = 0; i < 2; i++) {
      int end = lineEnd(at);
      lines.add(text.substring(at, end));
      at = Math.min(end + 1, text.length());
    }
    String[] sourceFields = lines.get(1).split("\t", -1);
    if (!lines.get(0).equals(HEADER) || sourceFields.length != 6 || !sourceFields[0].equals("source")) {
      throw new IOException("not a compact resource specification (" + HEADER + ")");
    }
    this.source = new Source(sourceFields[1], sourceFields[2], sourceFields[3], sourceFields[4], sourceFields[5]);
    Map<String, Integer> resources = new LinkedHashMap<>();
    List<String> typeNames = new ArrayList<>();
    List<Integer> typeStarts = new ArrayList<>();
    List<Integer> valueStarts = new ArrayList<>();
    while (at < text.length()) {
      int end = lineEnd(at);
      if (end - at >= 2 && text.charAt(at) == 'V' && text.charAt(at + 1) == '\t') {
        valueStarts.add(at + 2);
        at = end + 1;
        continue;
      }
      int nameEnd = text.indexOf('\t', at + 2);
      if (end - at < 3 || text.charAt(at + 1) != '\t' || nameEnd < 0 || nameEnd > end) {
        throw new IOException("malformed line " + text.substring(at, Math.min(end, at + 80)));
      }
      String name = text.substring(at + 2, nameEnd);
      switch (text.charAt(at)) {
        case 'R' -> resources.put(name, nameEnd + 1);
        case 'T' -> {
          typeNames.add(name);
          typeStarts.add(nameEnd + 1);
        }
        default -> throw new IOException("malformed line " + text.substring(at, Math.min(end, at + 80)));
      }
      at = end + 1;
    }
    if (resources.isEmpty()) {
      throw new IOException("the compact resource specification has no resource types");
    }
    this.resourceLines = Collections.unmodifiableMap(resources);
    this.valueLines = new int[valueStarts.size()]; // a loop: a stream would load its classes at first use
    for (int i = 0; i < valueLines.length; i++) {
      valueLines[i] = valueStarts.get(i);
    }
    this.types = new PropertyType[typeNames.size()];
    this.typeLines = new int[typeNames.size()];
    for (int i = 0; i < types.length; i++) {
      int index = i;
      types[i] = new PropertyType(typeNames.get(i), () -> properties(typeLines[index], text.indexOf('\n', typeLines[index])));
      typeLines[i] = typeStarts.get(i);
    }
    this.loadNanos = System.nanoTime() - started;
  }

  /** The specification on the classpath, read on first call. */
  public static ResourceSpecification get() {
    return Holder.INSTANCE;
  }

  private static ResourceSpecification loadResource() {
    InputStream in = ResourceSpecification.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(
          RESOURCE + " is not on the classpath: the lambdas build writes it at generate-resources"
              + " (mvn -pl lambdas generate-resources)");
    }
    try (in) {
      return load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Reads a compact specification (the format {@code ResourceSpecificationCompiler} writes). */
  public static ResourceSpecification load(InputStream compact) throws IOException {
    long started = System.nanoTime();
    return new ResourceSpecification(new String(compact.readAllBytes(), StandardCharsets.UTF_8), started);
  }

  /** Where the data comes from. */
  public Source source() {
    return source;
  }

  /** How long reading and indexing took, in nanoseconds. */
  public long loadNanos() {
    return loadNanos;
  }

  /** The resource type called {@code name}, such as {@code AWS::S3::Bucket}. */
  public Optional<ResourceType> resourceType(String name) {
    Integer line = resourceLines.get(name);
    return line == null ? Optional.empty() : Optional.of(decoded.computeIfAbsent(name, n -> decode(n, line)));
  }

  /** Whether the specification knows {@code name}. */
  public boolean hasResourceType(String name) {
    return resourceLines.containsKey(name);
  }

  /** Every resource type name, sorted. */
  public Set<String> resourceTypeNames() {
    return resourceLines.keySet();
  }

  /** The known resource type {@code name} is most likely a misspelling of, if any is close. */
  public Optional<String> closestResourceType(String name) {
    return DidYouMean.closest(name, resourceLines.keySet());
  }

  private ResourceType decode(String name, int start) {
    int end = lineEnd(start);
    String[] fields = text.substring(start, end).split("\t", -1);
    if (fields.length != 4) {
      throw new IllegalStateException("malformed resource specification line for " + name);
    }
    PropertyType properties = new PropertyType(name, () -> properties(start, start + fields[0].length()));
    return new ResourceType(
        name, properties, names(fields[1]), names(fields[2]), fields[3].isEmpty() ? null : fields[3]);
  }

  private static List<String> names(String commaSeparated) {
    return commaSeparated.isEmpty() ? List.of() : List.of(commaSeparated.split(","));
  }

  /** Decodes {@code Name=shape Name=!shape …} between {@code start} and {@code end}. */
  private Map<String, Property> properties(int start, int end) {
    int stop = end < 0 ? text.length() : end;
    int tab = text.indexOf('\t', start);
    if (tab >= 0 && tab < stop) {
      stop = tab;
    }
    Map<String, Property> properties = new LinkedHashMap<>();
    int at = start;
    while (at < stop) {
      int space = text.indexOf(' ', at);
      int fieldEnd = space < 0 || space > stop ? stop : space;
      int equals = text.indexOf('=', at);
      if (equals < 0 || equals >= fieldEnd) {
        throw new IllegalStateException("malformed property " + text.substring(at, fieldEnd));
      }
      String name = text.substring(at, equals);
      boolean required = text.charAt(equals + 1) == '!';
      String code = text.substring(equals + (required ? 2 : 1), fieldEnd);
      properties.put(name, new Property(name, shape(code), required));
      at = fieldEnd + 1;
    }
    return properties;
  }

  private Shape shape(String code) {
    Shape known = shapes.get(code);
    if (known == null) {
      known = new ShapeReader(code, types, this::allowedValues).read();
      shapes.putIfAbsent(code, known);
    }
    return known;
  }

  /** The values of list {@code %index}. */
  private List<String> allowedValues(int index) {
    if (index >= valueLines.length) {
      throw new IllegalStateException("a shape names a missing list of allowed values %" + index);
    }
    return List.of(text.substring(valueLines[index], lineEnd(valueLines[index])).split("\t", -1));
  }

  private int lineEnd(int from) {
    int end = text.indexOf('\n', from);
    return end < 0 ? text.length() : end;
  }

  /** Reads one compact shape ({@code s}, {@code [#12}, {@code (j|s)}). */
  private static final class ShapeReader {
    private final String code;
    private final PropertyType[] types;
    private final java.util.function.IntFunction<List<String>> allowedValues;
    private int at;

    ShapeReader(String code, PropertyType[] types, java.util.function.IntFunction<List<String>> allowedValues) {
      this.code = code;
      this.types = types;
      this.allowedValues = allowedValues;
    }

    Shape read() {
      Shape shape = next();
      if (at != code.length()) {
        throw malformed();
      }
      return shape;
    }

    private Shape next() {
      if (at >= code.length()) {
        throw malformed();
      }
      char c = code.charAt(at++);
      return switch (c) {
        case 's' -> allowed(Shape.Primitive.STRING);
        case 'n' -> allowed(Shape.Primitive.NUMBER);
        case 'i' -> allowed(Shape.Primitive.INTEGER);
        case 'b' -> Shape.Primitive.BOOLEAN;
        case 'j' -> Shape.Primitive.JSON;
        case 'd' -> Shape.Primitive.DATE_TIME;
        case 't' -> Shape.Primitive.TAG;
        case 'z' -> Shape.Primitive.NULL;
        case '[' -> new Shape.ListOf(next());
        case '{' -> new Shape.MapOf(next());
        case '#' -> {
          int index = number();
          if (index >= types.length) {
            throw new IllegalStateException("shape " + code + " names a missing property type");
          }
          yield new Shape.Ref(types[index]);
        }
        case '(' -> {
          List<Shape> members = new ArrayList<>();
          char separator;
          do {
            members.add(next());
            if (at >= code.length()) {
              throw malformed();
            }
            separator = code.charAt(at++);
          } while (separator == '|');
          if (separator != ')') {
            throw malformed();
          }
          yield new Shape.Union(members);
        }
        default -> throw malformed();
      };
    }

    /** {@code primitive}, or with {@code %N} after it, the primitive restricted to list N. */
    private Shape allowed(Shape.Primitive primitive) {
      if (at < code.length() && code.charAt(at) == '%') {
        at++;
        return new Shape.Allowed(primitive, allowedValues.apply(number()));
      }
      return primitive;
    }

    private int number() {
      int start = at;
      while (at < code.length() && Character.isDigit(code.charAt(at))) {
        at++;
      }
      if (start == at) {
        throw malformed();
      }
      return Integer.parseInt(code.substring(start, at));
    }

    private IllegalStateException malformed() {
      return new IllegalStateException("malformed shape " + code);
    }
  }
}
