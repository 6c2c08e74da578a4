package dev.gantry.deploy.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape of a property value as the resource specification gives it: a primitive, a list or map
 * of a shape, a property type (an object with its own properties), or one of several shapes.
 */
public sealed interface Shape {

  /** What a value of this shape is, for a message: "a string", "a list of AWS::S3::Bucket.Rule". */
  String describe(String resourceType);

  /** A primitive value. */
  enum Primitive implements Shape {
    STRING("a string"),
    NUMBER("a number"),
    INTEGER("an integer"),
    BOOLEAN("a boolean"),
    /** Any JSON value: CloudFormation passes it through (policy documents, definitions). */
    JSON("JSON"),
    DATE_TIME("a date-time string"),
    /** A resource tag: {@code Key} and {@code Value}. */
    TAG("a tag (Key, Value)"),
    /** The specification's "null": no constraint known. */
    NULL("any value");

    private final String description;

    Primitive(String description) {
      this.description = description;
    }

    @Override
    public String describe(String resourceType) {
      return description;
    }
  }

  /**
   * A primitive value (a string, number or integer) the database restricts to {@code values}, as
   * written there (integers as decimal text). The database's lists are partial: a property without
   * one may still be restricted.
   */
  record Allowed(Primitive primitive, List<String> values) implements Shape {
    public Allowed {
      values = List.copyOf(values);
    }

    @Override
    public String describe(String resourceType) {
      return primitive.describe(resourceType);
    }
  }

  /** A list whose elements have {@code element}'s shape. */
  record ListOf(Shape element) implements Shape {
    @Override
    public String describe(String resourceType) {
      return "a list of " + plural(element, resourceType);
    }
  }

  /** A mapping from any key to values of {@code element}'s shape. */
  record MapOf(Shape element) implements Shape {
    @Override
    public String describe(String resourceType) {
      return "a mapping of names to " + plural(element, resourceType);
    }
  }

  /** An object of a property type. */
  record Ref(PropertyType type) implements Shape {
    @Override
    public String describe(String resourceType) {
      String name = type.qualifiedName(resourceType);
      return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name + " object";
    }
  }

  /** Any one of {@code members}. */
  record Union(List<Shape> members) implements Shape {
    public Union {
      members = List.copyOf(members);
    }

    @Override
    public String describe(String resourceType) {
      return members.stream().map(m -> m.describe(resourceType)).collect(Collectors.joining(" or "));
    }
  }

  private static String plural(Shape shape, String resourceType) {
    if (shape instanceof Primitive p) {
      return switch (p) {
        case STRING -> "strings";
        case NUMBER -> "numbers";
        case INTEGER -> "integers";
        case BOOLEAN -> "booleans";
        case JSON -> "JSON values";
        case DATE_TIME -> "date-time strings";
        case TAG -> "tags (Key, Value)";
        case NULL -> "values";
      };
    }
    if (shape instanceof Allowed allowed) {
      return plural(allowed.primitive(), resourceType);
    }
    if (shape instanceof Ref ref) {
      return ref.type().qualifiedName(resourceType) + " objects";
    }
    return "(" + shape.describe(resourceType) + ")";
  }
}
