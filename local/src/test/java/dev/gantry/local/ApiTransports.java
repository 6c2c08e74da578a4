package dev.gantry.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.IamReaders;
import dev.gantry.api.Router;
import dev.gantry.handler.ApiHandler;
import dev.gantry.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two ways the API is served, driven with the same requests: {@code gantry serve} over real
 * HTTP, and the Lambda handler with API Gateway HTTP API payload 2.0 events built from the AWS
 * docs' sample event. The handler reads and writes raw JSON; the events are built with the AWS
 * event classes and turned into JSON, and the responses read back, by the AWS Lambda runtime's own
 * serializer (aws-lambda-java-serialization), so the bytes are the API Gateway shape, not Gantry's
 * idea of it.
 */
final class ApiTransports {
  private ApiTransports() {}

  private static final PojoSerializer<APIGatewayV2HTTPEvent> EVENTS =
      LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, ApiTransports.class.getClassLoader());
  private static final PojoSerializer<APIGatewayV2HTTPResponse> RESPONSES =
      LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, ApiTransports.class.getClassLoader());

  /** A request as a test writes it. */
  record Call(String method, String pathAndQuery, Map<String, String> headers, byte[] body, boolean authenticated) {
    static Call get(String path) {
      return new Call("GET", path, Map.of(), new byte[0], true);
    }

    static Call post(String path, String json) {
      return new Call("POST", path, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8), true);
    }

    Call anonymous() {
      return new Call(method, pathAndQuery, headers, body, false);
    }

    Call header(String name, String value) {
      Map<String, String> next = new LinkedHashMap<>(headers);
      next.put(name, value);
      return new Call(method, pathAndQuery, next, body, authenticated);
    }
  }

  /** A response with header names in lower case. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      return Json.tree(text());
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** One transport. */
  interface Transport {
    String name();

    /** The identity audit entries record for this transport's authenticated calls. */
    String callerId();

    Answer send(Call call);
  }

  /** {@code gantry serve}: the Jetty transport over loopback HTTP. */
  static Transport serve(LocalApiServer server, String token, String callerId) {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    return new Transport() {
      @Override
      public String name() {
        return "gantry serve";
      }

      @Override
      public String callerId() {
        return callerId;
      }

      @Override
      public Answer send(Call call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + call.pathAndQuery()))
            .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach(request::header);
        if (call.authenticated()) {
          request.header("Authorization", "Bearer " + token);
        }
        try {
          HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
          Map<String, String> headers = new TreeMap<>();
          response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
          return new Answer(response.statusCode(), headers, response.body());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    };
  }

  /** The IAM user of the AWS docs' sample event. */
  static final String SAMPLE_USER_ARN = "arn:aws:iam::123456789012:user/ana";

  /**
   * The Lambda handler, given payload 2.0 events with the sample's IAM authorizer context; that user
   * is in the reader role, so it sees sessions other principals started.
   */
  static Transport lambda(Router router) {
    return lambda(new ApiHandler(router, IamReaders.parse(SAMPLE_USER_ARN)), "iam:" + SAMPLE_USER_ARN, context -> {});
  }

  /** The Lambda handler for an IAM caller with ARN {@code arn}; {@code readers} says who sees every session. */
  static Transport lambdaIam(Router router, String arn, IamReaders readers) {
    return lambda(new ApiHandler(router, readers), "iam:" + arn, context -> context.getAuthorizer().getIam().setUserArn(arn));
  }

  /**
   * The Lambda handler behind a JWT authorizer: events carry the token's claims ({@code iss}, {@code
   * sub}, {@code scope}) and the scopes as API Gateway passes them ({@code authorizer.jwt.scopes}).
   */
  static Transport lambdaJwt(Router router, String subject, List<String> scopes) {
    String issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example";
    return lambda(new ApiHandler(router), "jwt:" + issuer + "|" + subject, context -> {
      APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
      jwt.setClaims(Map.of("iss", issuer, "sub", subject, "scope", String.join(" ", scopes), "token_use", "access"));
      jwt.setScopes(scopes);
      APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
      authorizer.setJwt(jwt);
      context.setAuthorizer(authorizer);
    });
  }

  private static Transport lambda(ApiHandler handler, String callerId,
      java.util.function.Consumer<APIGatewayV2HTTPEvent.RequestContext> authorize) {
    return new Transport() {
      @Override
      public String name() {
        return "Lambda (API Gateway HTTP API) as " + callerId;
      }

      @Override
      public String callerId() {
        return callerId;
      }

      @Override
      public Answer send(Call call) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/apigw-v2-request.json");
        int q = call.pathAndQuery().indexOf('?');
        event.setRawPath(q < 0 ? call.pathAndQuery() : call.pathAndQuery().substring(0, q));
        event.setRawQueryString(q < 0 ? "" : call.pathAndQuery().substring(q + 1));
        event.setQueryStringParameters(null);
        event.getRequestContext().getHttp().setMethod(call.method());
        event.getRequestContext().getHttp().setPath(event.getRawPath());
        Map<String, String> headers = new LinkedHashMap<>();
        call.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        event.setHeaders(headers);
        event.setBody(call.body().length == 0 ? null : Base64.getEncoder().encodeToString(call.body()));
        event.setIsBase64Encoded(call.body().length > 0);
        if (call.authenticated()) {
          authorize.accept(event.getRequestContext());
        } else {
          event.getRequestContext().setAuthorizer(null);
        }
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        EVENTS.toJson(event, json);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
          handler.handleRequest(new ByteArrayInputStream(json.toByteArray()), answer, null);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        APIGatewayV2HTTPResponse response = RESPONSES.fromJson(new ByteArrayInputStream(answer.toByteArray()));
        Map<String, String> answerHeaders = new TreeMap<>();
        response.getHeaders().forEach((name, value) -> answerHeaders.put(name.toLowerCase(Locale.ROOT), value));
        byte[] body = response.getBody() == null ? new byte[0]
            : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
            : response.getBody().getBytes(StandardCharsets.UTF_8);
        return new Answer(response.getStatusCode(), answerHeaders, body);
      }
    };
  }
}
