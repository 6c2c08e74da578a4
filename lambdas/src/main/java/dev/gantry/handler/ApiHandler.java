package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.gantry.api.ApiRequest;
import dev.gantry.api.ApiResponse;
import dev.gantry.api.Caller;
import dev.gantry.api.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The API behind API Gateway (HTTP API, payload format 2.0): turns the event into an {@link
 * ApiRequest}, lets the {@link Router} answer, and turns the answer into the response shape
 * (Amazon API Gateway Developer Guide, "Working with AWS Lambda proxy integrations for HTTP APIs").
 * The caller is the authorizer's identity: the IAM user ARN, or the JWT issuer and subject.
 */
public final class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final Router router;

  /** Wires everything from the Lambda environment, once per execution environment. */
  public ApiHandler() {
    this(AwsGantry.fromEnvironment(System.getenv()).api().router());
  }

  /** @param router the request table (tests pass one on local stores) */
  public ApiHandler(Router router) {
    this.router = router;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return toResponse(router.handle(toRequest(event)));
  }

  static ApiRequest toRequest(APIGatewayV2HTTPEvent event) {
    String body = event.getBody();
    byte[] bytes = body == null ? new byte[0]
        : event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
    return new ApiRequest(
        context.getHttp().getMethod(),
        event.getRawPath(),
        event.getRawQueryString(),
        event.getHeaders() == null ? Map.of() : event.getHeaders(),
        bytes,
        false,
        caller(context.getAuthorizer()));
  }

  private static Optional<Caller> caller(APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer) {
    if (authorizer == null) {
      return Optional.empty();
    }
    if (authorizer.getIam() != null && authorizer.getIam().getUserArn() != null) {
      return Optional.of(new Caller("iam:" + authorizer.getIam().getUserArn()));
    }
    if (authorizer.getJwt() != null && authorizer.getJwt().getClaims() != null) {
      Map<String, String> claims = authorizer.getJwt().getClaims();
      if (claims.get("sub") != null) {
        return Optional.of(new Caller("jwt:" + claims.getOrDefault("iss", "") + "|" + claims.get("sub")));
      }
    }
    return Optional.empty();
  }

  static APIGatewayV2HTTPResponse toResponse(ApiResponse response) {
    byte[] body = response.body();
    if (response.stream() != null) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        response.stream().writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      body = out.toByteArray();
    }
    String type = response.headers().getOrDefault("Content-Type", "");
    boolean text = type.contains("json") || type.startsWith("text/") || type.contains("yaml");
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(response.headers())
        .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
        .withIsBase64Encoded(body.length > 0 && !text)
        .build();
  }
}
