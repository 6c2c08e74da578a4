package dev.gantry.api;

import dev.gantry.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response, independent of transport: a status, headers and either bytes or a stream.
 *
 * @param status HTTP status code
 * @param headers header values by name
 * @param body the body bytes; empty when {@code stream} is set or there is no body
 * @param stream writes a streamed body (a document), or null
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body, StreamingBody stream) {

  /** A body written to the connection as it is read from its source. */
  @FunctionalInterface
  public interface StreamingBody {
    /** Writes the whole body to {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  public ApiResponse {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** A JSON body ({@code application/json}). */
  public static ApiResponse json(int status, Object value) {
    return new ApiResponse(
        status, Map.of("Content-Type", "application/json"), Json.write(value).getBytes(StandardCharsets.UTF_8), null);
  }

  /** An RFC 9457 problem ({@code application/problem+json}). */
  public static ApiResponse problem(Problem problem, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    headers.put("Content-Type", Problem.MEDIA_TYPE);
    return new ApiResponse(problem.status(), headers, Json.write(problem).getBytes(StandardCharsets.UTF_8), null);
  }

  /** A copy with one more header. */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> next = new LinkedHashMap<>(headers);
    next.put(name, value);
    return new ApiResponse(status, next, body, stream);
  }
}
