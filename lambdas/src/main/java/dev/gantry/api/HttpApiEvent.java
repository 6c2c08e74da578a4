package dev.gantry.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The fields Gantry reads of an API Gateway HTTP API request, payload format version 2.0 (Amazon API
 * Gateway Developer Guide, "Working with AWS Lambda proxy integrations for HTTP APIs", section
 * "Format of the payload": https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 * Every other field of the event (cookies, queryStringParameters, stageVariables, requestContext's
 * ids and times) is ignored, so API Gateway may add fields freely. Read with {@code Json.MAPPER}.
 *
 * @param rawPath the request path, not percent-decoded, such as {@code /sessions/abc}
 * @param rawQueryString the query string without {@code ?}; empty or absent when there is none
 * @param headers header values by lower-case name; duplicate headers arrive joined with commas.
 *     API Gateway moves {@code Cookie} headers to the ignored {@code cookies} field. Null when none
 * @param body the body, base64-encoded when {@code isBase64Encoded}; null when there is none
 * @param isBase64Encoded whether {@code body} is base64 (API Gateway encodes any body it does not
 *     consider text)
 * @param requestContext the method and the authorizer's identity
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HttpApiEvent(
    String rawPath,
    String rawQueryString,
    Map<String, String> headers,
    String body,
    @JsonProperty("isBase64Encoded") boolean isBase64Encoded,
    RequestContext requestContext) {

  /**
   * {@code requestContext}.
   *
   * @param http the request line
   * @param authorizer the route authorizer's output; absent for routes without an authorizer
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RequestContext(Http http, Authorizer authorizer) {}

  /**
   * {@code requestContext.http}.
   *
   * @param method the upper-case HTTP method, such as {@code GET}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Http(String method) {}

  /**
   * {@code requestContext.authorizer}: exactly one of its members is set, by the route's
   * authorization type (IAM, JWT; a Lambda authorizer's {@code lambda} member is ignored).
   *
   * @param iam the signer of an IAM-authorized (SigV4) request
   * @param jwt the validated token of a JWT-authorized request
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Authorizer(Iam iam, Jwt jwt) {}

  /**
   * {@code requestContext.authorizer.iam}.
   *
   * @param userArn the ARN of the IAM principal that signed the request
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Iam(String userArn) {}

  /**
   * {@code requestContext.authorizer.jwt}.
   *
   * @param claims the token's claims; API Gateway passes every value as a string, arrays flattened
   *     to {@code [a b]}
   * @param scopes the token's scopes when the route names authorization scopes, else absent
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Jwt(Map<String, String> claims, List<String> scopes) {}
}
