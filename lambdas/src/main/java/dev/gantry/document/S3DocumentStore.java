package dev.gantry.document;

import dev.gantry.hash.Sha256;
import java.io.InputStream;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Documents in an S3 bucket through the AWS SDK v2 {@link S3Client}. Each object carries its
 * SHA-256 in the {@code x-amz-meta-sha256} user metadata so a reader can check it.
 */
public final class S3DocumentStore implements DocumentStore {
  private final java.util.function.Supplier<S3Client> s3;
  private final String bucket;

  /** With a client already built (tests, the gantry command). */
  public S3DocumentStore(S3Client s3, String bucket) {
    this(() -> s3, bucket);
  }

  /**
   * @param s3 the client, built on first use (a role builds at init only the clients its first request needs)
   * @param bucket the documents bucket
   */
  public S3DocumentStore(java.util.function.Supplier<S3Client> s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  @Override
  public DocumentRef put(String key, java.nio.file.Path file, String contentType) {
    String sha256;
    long size;
    try {
      sha256 = Sha256.hex(file);
      size = java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
    return put(key, RequestBody.fromFile(file), size, sha256, contentType);
  }

  @Override
  public DocumentRef put(String key, byte[] content, String contentType) {
    return put(key, RequestBody.fromBytes(content), content.length, Sha256.hex(content), contentType);
  }

  /** One PutObject with the SHA-256 in the object's metadata. */
  private DocumentRef put(String key, RequestBody body, long size, String sha256, String contentType) {
    s3.get().putObject(
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .contentType(contentType)
            .metadata(java.util.Map.of("sha256", sha256))
            .build(),
        body);
    return new DocumentRef(key.substring(key.lastIndexOf('/') + 1), key, size, sha256, contentType);
  }

  @Override
  public Optional<byte[]> get(String key) {
    try {
      return Optional.of(s3.get().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<InputStream> open(String key) {
    try {
      return Optional.of(s3.get().getObject(b -> b.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  @Override
  public String locationOf(String key) {
    return "s3://" + bucket + "/" + key;
  }
}
