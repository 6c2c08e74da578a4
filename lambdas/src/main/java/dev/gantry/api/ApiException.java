package dev.gantry.api;

import java.util.Map;

/**
 * Ends a request with a problem response; thrown by route handlers and turned into {@code
 * application/problem+json} by the {@link Router}.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Problem.Kind kind;
  private final String field;
  private final transient Map<String, String> headers;

  /**
   * @param kind the problem kind (fixes the status)
   * @param detail what is wrong and how to fix it
   * @param field the input at fault, or null
   * @param headers extra response headers, such as {@code Allow} or {@code WWW-Authenticate}
   */
  public ApiException(Problem.Kind kind, String detail, String field, Map<String, String> headers) {
    super(detail, null, false, false);
    this.kind = kind;
    this.field = field;
    this.headers = Map.copyOf(headers);
  }

  /** A problem without extra headers. */
  public ApiException(Problem.Kind kind, String detail, String field) {
    this(kind, detail, field, Map.of());
  }

  /** The problem kind. */
  public Problem.Kind kind() {
    return kind;
  }

  /** The input at fault, or null. */
  public String field() {
    return field;
  }

  /** Extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }
}
