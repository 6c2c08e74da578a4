package dev.gantry.api;

/**
 * An RFC 9457 "Problem Details for HTTP APIs" object, served as {@value #MEDIA_TYPE}. {@code detail}
 * says what is wrong and how to fix it in one line; it never carries a stack trace or a library's
 * exception message.
 *
 * @param type a URI naming the problem kind, {@code https://gantry.dev/problems/<kind>}
 * @param title the kind in a few words, the same for every occurrence
 * @param status the HTTP status code
 * @param detail this occurrence: what is wrong and the fix
 * @param instance the request path
 * @param field the request input at fault (a JSON field path, a header or query parameter), or null
 */
public record Problem(String type, String title, int status, String detail, String instance, String field) {
  /** The RFC 9457 media type. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** The problem kinds Gantry answers with. */
  public enum Kind {
    INVALID_REQUEST(400, "Invalid request"),
    MALFORMED_BODY(400, "Malformed request body"),
    UNAUTHORIZED(401, "Authentication required"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    CONFLICT(409, "Conflict with the session's state"),
    PAYLOAD_TOO_LARGE(413, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused"),
    TOO_MANY_REQUESTS(429, "Too many requests"),
    INTERNAL(500, "Internal error"),
    UPSTREAM_UNAVAILABLE(503, "A dependency is unavailable");

    private final int status;
    private final String title;

    Kind(int status, String title) {
      this.status = status;
      this.title = title;
    }

    /** The HTTP status of this kind. */
    public int status() {
      return status;
    }

    /** A problem of this kind for the request at {@code instance}. */
    public Problem of(String detail, String instance, String field) {
      return new Problem(
          "https://gantry.dev/problems/" + name().toLowerCase().replace('_', '-'), title, status, detail, instance, field);
    }
  }
}
