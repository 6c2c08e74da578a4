package dev.gantry.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The response a Lambda function gives an API Gateway HTTP API, payload format version 2.0 (Amazon
 * API Gateway Developer Guide, "Working with AWS Lambda proxy integrations for HTTP APIs", section
 * "Lambda function response format":
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 * Written with {@code Json.MAPPER}, which leaves out null fields. Gantry sets no cookies, so the
 * {@code cookies} field is never written.
 *
 * @param statusCode the HTTP status code
 * @param headers header values by name
 * @param body the body: text as is, anything else base64-encoded; null when there is none
 * @param isBase64Encoded whether API Gateway must decode {@code body} before sending it
 */
public record HttpApiResponse(
    int statusCode,
    Map<String, String> headers,
    String body,
    @JsonProperty("isBase64Encoded") boolean isBase64Encoded) {}
