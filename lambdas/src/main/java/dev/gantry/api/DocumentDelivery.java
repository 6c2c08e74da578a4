package dev.gantry.api;

import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import java.io.InputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * How {@code GET /sessions/{id}/documents/{name}} hands out a document: streamed through the server
 * ({@code gantry serve}), or as a redirect to a short-lived presigned S3 URL (in AWS, so Lambda never
 * carries the bytes and API Gateway's payload limit does not apply).
 */
@FunctionalInterface
public interface DocumentDelivery {
  /**
   * @param document the document as recorded on the session
   * @param instance the request path, for problems
   * @throws ApiException 404 when the recorded object is missing from the bucket
   */
  ApiResponse deliver(DocumentRef document, String instance);

  /**
   * Streams the object, with {@code ETag} the recorded SHA-256 and {@code Repr-Digest} (RFC 9530)
   * so a client can check what it received.
   */
  static DocumentDelivery streamed(DocumentStore store) {
    return (document, instance) -> {
      InputStream content = store.open(document.key()).orElseThrow(() -> new ApiException(Problem.Kind.NOT_FOUND,
          "document " + document.name() + " is recorded on the session but missing from the bucket", null));
      Map<String, String> headers = Map.of(
          "Content-Type", document.contentType(),
          "Content-Length", Long.toString(document.sizeBytes()),
          "ETag", "\"" + document.sha256() + "\"",
          "Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(document.sha256())) + ":",
          "Cache-Control", "private, max-age=0");
      return new ApiResponse(200, headers, null, out -> {
        try (content) {
          content.transferTo(out);
        }
      });
    };
  }

  /**
   * Redirects ({@code 307}) to a presigned GetObject URL valid for {@code validity} (Amazon S3 User
   * Guide, "Sharing objects with presigned URLs").
   */
  static DocumentDelivery presigned(java.util.function.Supplier<S3Presigner> presigner, String bucket, Duration validity) {
    return (document, instance) -> {
      String url = presigner.get().presignGetObject(p -> p.signatureDuration(validity)
              .getObjectRequest(g -> g.bucket(bucket).key(document.key())))
          .url().toString();
      return new ApiResponse(307, Map.of("Location", url, "Cache-Control", "no-store"), null, null);
    };
  }
}
