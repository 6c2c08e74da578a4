package dev.gantry.deploy.spec;

/**
 * A property of a resource type or property type.
 *
 * @param name the property's name, e.g. {@code BucketName}
 * @param shape what its value must be
 * @param required whether the specification marks it required
 */
public record Property(String name, Shape shape, boolean required) {}
