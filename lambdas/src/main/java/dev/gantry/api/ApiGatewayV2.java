package dev.gantry.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps API Gateway HTTP API payload format 2.0 events to {@link ApiRequest} and {@link ApiResponse}
 * back (Amazon API Gateway Developer Guide, "Working with AWS Lambda proxy integrations for HTTP
 * APIs"). The caller is the authorizer's identity: the IAM user ARN, or the JWT issuer and subject;
 * without an authorizer context there is no caller. Its permissions: with a JWT, the {@link
 * Permission}s its scopes grant (the authorizer's {@code scopes}, else the {@code scope} or {@code
 * scp} claim); with IAM, none of its own (IAM already allowed or refused this route: {@link
 * Caller#iam}) but the reader role when {@link IamReaders} names it. Binary bodies travel base64-encoded.
 */
public final class ApiGatewayV2 {
  private ApiGatewayV2() {}

  /** The request an event carries, with no IAM principal in the reader role. */
  public static ApiRequest toRequest(APIGatewayV2HTTPEvent event) {
    return toRequest(event, IamReaders.none());
  }

  /** The request an event carries; {@code readers} says which IAM principals see every session. */
  public static ApiRequest toRequest(APIGatewayV2HTTPEvent event, IamReaders readers) {
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
        caller(context.getAuthorizer(), readers));
  }

  private static Optional<Caller> caller(APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer, IamReaders readers) {
    if (authorizer == null) {
      return Optional.empty();
    }
    if (authorizer.getIam() != null && authorizer.getIam().getUserArn() != null) {
      String arn = authorizer.getIam().getUserArn();
      return Optional.of(Caller.iam("iam:" + arn, readers.matches(arn)));
    }
    if (authorizer.getJwt() != null && authorizer.getJwt().getClaims() != null) {
      Map<String, String> claims = authorizer.getJwt().getClaims();
      if (claims.get("sub") != null) {
        List<String> scopes = authorizer.getJwt().getScopes();
        Set<Permission> permissions = scopes != null && !scopes.isEmpty() ? Permission.granted(scopes)
            : Permission.parse(claims.getOrDefault("scope", claims.get("scp")));
        return Optional.of(new Caller("jwt:" + claims.getOrDefault("iss", "") + "|" + claims.get("sub"), permissions));
      }
    }
    return Optional.empty();
  }

  /** The response shape API Gateway expects; a streamed body is read into the response. */
  public static APIGatewayV2HTTPResponse toResponse(ApiResponse response) {
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
