package dev.gantry.deploy.spec;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A property type of the specification: an object with named properties, such as {@code
 * AWS::S3::Bucket.VersioningConfiguration}; a resource type's own properties are one too. Property
 * types refer to each other, in cycles too, so each is decoded when first asked for its properties.
 */
public final class PropertyType {
  private final String name;
  private Supplier<Map<String, Property>> decoder;
  private volatile Map<String, Property> properties;
  private List<String> required;

  PropertyType(String name, Supplier<Map<String, Property>> decoder) {
    this.name = name;
    this.decoder = decoder;
  }

  /** A property type that only names its properties: any value, none required. */
  public static PropertyType namesOnly(String name, Collection<String> propertyNames) {
    Map<String, Property> byName = new TreeMap<>();
    for (String propertyName : propertyNames) {
      byName.put(propertyName, new Property(propertyName, Shape.Primitive.NULL, false));
    }
    return new PropertyType(name, () -> byName);
  }

  /** The name the specification gives, e.g. {@code VersioningConfiguration} or {@code AWS::S3::Bucket}. */
  public String name() {
    return name;
  }

  /** The name as the CloudFormation User Guide writes it: {@code AWS::S3::Bucket.VersioningConfiguration}. */
  public String qualifiedName(String resourceType) {
    return name.contains("::") ? name : resourceType + "." + name;
  }

  /** Properties by name, sorted by name. */
  public Map<String, Property> properties() {
    Map<String, Property> known = properties;
    if (known == null) {
      synchronized (this) {
        known = properties;
        if (known == null) {
          Map<String, Property> decoded = decoder.get();
          required = decoded.values().stream().filter(Property::required).map(Property::name).toList();
          known = Collections.unmodifiableMap(decoded);
          properties = known; // volatile write publishes required too
          decoder = null;
        }
      }
    }
    return known;
  }

  /** The property called {@code propertyName}, or null. */
  public Property property(String propertyName) {
    return properties().get(propertyName);
  }

  /** Names of the required properties. */
  public List<String> required() {
    properties();
    return required;
  }

  @Override
  public String toString() {
    return name;
  }
}
