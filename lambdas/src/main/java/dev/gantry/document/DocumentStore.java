package dev.gantry.document;

import java.io.InputStream;
import java.util.Optional;

/**
 * The document port: objects in one S3 bucket. {@link S3DocumentStore} is the implementation, in
 * AWS and locally (against the embedded S3-compatible server).
 */
public interface DocumentStore {

  /**
   * Stores {@code content} under {@code key}, replacing nothing silently: callers choose unique
   * keys (session id + name).
   *
   * @return the stored object's reference; {@code name} is the last segment of the key
   */
  DocumentRef put(String key, byte[] content, String contentType);

  /**
   * Stores a file's content under {@code key} without holding it in memory (a repository snapshot).
   *
   * @return the stored object's reference, with the file's size and SHA-256
   * @throws java.io.UncheckedIOException when the file cannot be read
   */
  DocumentRef put(String key, java.nio.file.Path file, String contentType);

  /** The object's bytes, or empty when no object has that key. */
  Optional<byte[]> get(String key);

  /** The object's content as a stream the caller closes, or empty when no object has that key. */
  Optional<InputStream> open(String key);

  /** The URI a person can open to read the object (an {@code s3://} URI or a local endpoint). */
  String locationOf(String key);
}
