package dev.gantry.api;

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
 * Maps API Gateway HTTP API payload format 2.0 events ({@link HttpApiEvent}) to {@link ApiRequest}
 * and {@link ApiResponse} back to {@link HttpApiResponse} (Amazon API Gateway Developer Guide,
 * "Working with AWS Lambda proxy integrations for HTTP APIs"). The caller is the authorizer's
 * identity: the IAM user ARN, or the JWT issuer and subject; without an authorizer context there is
 * no caller. Its permissions: with a JWT, the {@link
 * Permission}s its scopes grant (the authorizer's {@code scopes}, else the {@code scope} or {@code
 * scp} claim); with IAM, none of its own (IAM already allowed or refused this route: {@link
 * Caller#iam}) but the reader role when {@link IamReaders} names it. Binary bodies travel base64-encoded.
 */
public final class ApiGatewayV2 {
  private ApiGatewayV2() {}

  /** The request an event carries; {@code readers} says which IAM principals see every session. */
  public static ApiRequest toRequest(HttpApiEvent event, IamReaders readers) {
    String body = event.body();
    byte[] bytes = body == null ? new byte[0]
        : event.isBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    HttpApiEvent.RequestContext context = event.requestContext();
    return new ApiRequest(
        context.http().method(),
        event.rawPath(),
        event.rawQueryString(),
        event.headers() == null ? Map.of() : event.headers(),
        bytes,
        false,
        caller(context.authorizer(), readers));
  }

  private static Optional<Caller> caller(HttpApiEvent.Authorizer authorizer, IamReaders readers) {
    if (authorizer == null) {
      return Optional.empty();
    }
    if (authorizer.iam() != null && authorizer.iam().userArn() != null) {
      String arn = authorizer.iam().userArn();
      return Optional.of(Caller.iam("iam:" + arn, readers.matches(arn)));
    }
    if (authorizer.jwt() != null && authorizer.jwt().claims() != null) {
      Map<String, String> claims = authorizer.jwt().claims();
      if (claims.get("sub") != null) {
        List<String> scopes = authorizer.jwt().scopes();
        Set<Permission> permissions = scopes != null && !scopes.isEmpty() ? Permission.granted(scopes)
            : Permission.parse(claims.getOrDefault("scope", claims.get("scp")));
        return Optional.of(new Caller("jwt:" + claims.getOrDefault("iss", "") + "|" + claims.get("sub"), permissions));
      }
    }
    return Optional.empty();
  }

  /** The response shape API Gateway expects; a streamed body is read into the response. */
  public static HttpApiResponse toResponse(ApiResponse response) {
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
    return new HttpApiResponse(
        response.status(),
        response.headers(),
        body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body),
        body.length > 0 && !text);
  }
}
