package dev.gantry.api;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request as the router sees it, independent of transport (API Gateway HTTP API payload
 * 2.0 or {@code gantry serve}).
 *
 * @param method upper-case method, such as {@code POST}
 * @param path the path without query, percent-decoding not applied, such as {@code /sessions/abc}
 * @param rawQuery the query string without {@code ?}, or empty
 * @param headers header values by name, matched case-insensitively (RFC 9110 section 5.1)
 * @param body the raw body bytes (never null; empty when there is none)
 * @param bodyTooLarge whether the transport stopped reading because the body exceeded {@link
 *     Router#MAX_BODY_BYTES}; {@code body} is then empty
 * @param caller the authenticated caller, or empty when the request carried no valid credentials
 */
public record ApiRequest(
    String method,
    String path,
    String rawQuery,
    Map<String, String> headers,
    byte[] body,
    boolean bodyTooLarge,
    Optional<Caller> caller) {

  public ApiRequest {
    TreeMap<String, String> insensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    insensitive.putAll(headers);
    headers = java.util.Collections.unmodifiableMap(insensitive);
    body = body == null ? new byte[0] : body;
    rawQuery = rawQuery == null ? "" : rawQuery;
  }

  /** A header's value, or empty. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
