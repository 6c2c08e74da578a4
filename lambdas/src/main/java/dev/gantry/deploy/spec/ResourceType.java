package dev.gantry.deploy.spec;

import java.util.List;

/**
 * A resource type of the specification.
 *
 * @param name e.g. {@code AWS::S3::Bucket}
 * @param properties its properties (the {@code Properties} of a resource of this type)
 * @param attributes the names {@code Fn::GetAtt} accepts, dotted ones included ({@code Endpoint.Address})
 * @param attributePrefixes attributes whose members the specification leaves open (JSON, a map, a
 *     nested stack's {@code Outputs}): {@code Fn::GetAtt} reaches them with a dotted name ({@code
 *     Outputs.BucketName})
 * @param transform the transform that provides the type ({@code AWS::Serverless-2016-10-31}), or null
 */
public record ResourceType(
    String name, PropertyType properties, List<String> attributes, List<String> attributePrefixes,
    String transform) {

  public ResourceType {
    attributes = List.copyOf(attributes);
    attributePrefixes = List.copyOf(attributePrefixes);
  }

  /** Whether {@code Fn::GetAtt} on a resource of this type accepts {@code attribute}. */
  public boolean hasAttribute(String attribute) {
    if (attributes.contains(attribute)) {
      return true;
    }
    for (String prefix : attributePrefixes) {
      if (attribute.startsWith(prefix + ".") && attribute.length() > prefix.length() + 1) {
        return true;
      }
    }
    return false;
  }
}
