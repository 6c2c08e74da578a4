package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.handler.ApiHandler;
import dev.gantry.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API Gateway HTTP API payload 2.0 documents (fixtures under {@code events/apigw-v2/}, shaped as in
 * the Developer Guide's "Working with AWS Lambda proxy integrations for HTTP APIs") through the
 * stream handler: the request the router sees, the caller and its permissions, and the response JSON.
 */
class ApiGatewayV2Test {
  private static final String FIXTURES = "events/apigw-v2/";
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};

  /** The routed request, with the path and query parameters the router parsed. */
  record Routed(ApiRequest request, Map<String, String> path, Map<String, String> query) {}

  private final AtomicReference<Routed> routed = new AtomicReference<>();

  private Router router() {
    Router.Handler echo = (request, path, query) -> {
      routed.set(new Routed(request, path, query));
      return ApiResponse.json(200, Map.of("ok", true, "text", "café"));
    };
    return new Router(List.of(
        new Router.Route("GET", "/things/{id}", "getThing", Permission.READ, Router.Route.Body.NONE, Set.of("limit", "after"), echo),
        new Router.Route("POST", "/things", "createThing", Permission.WRITE, Router.Route.Body.REQUIRED, Set.of(),
            (request, path, query) -> {
              routed.set(new Routed(request, path, query));
              return new ApiResponse(201, Map.of("Content-Type", "application/json", "Location", "/things/t9"),
                  request.body(), null);
            }),
        new Router.Route("POST", "/hooks", "hook", null, Router.Route.Body.REQUIRED, Set.of(), (request, path, query) -> {
          routed.set(new Routed(request, path, query));
          return new ApiResponse(202, Map.of(), new byte[0], null);
        }),
        new Router.Route("GET", "/files/{id}", "getFile", null, Router.Route.Body.NONE, Set.of(),
            (request, path, query) -> new ApiResponse(200, Map.of("Content-Type", "image/png"), null, out -> out.write(PNG)))));
  }

  private static byte[] fixture(String name) {
    try (InputStream in = ApiGatewayV2Test.class.getClassLoader().getResourceAsStream(FIXTURES + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Feeds {@code event} through {@link ApiHandler}'s stream path; returns the response JSON. */
  private JsonNode invoke(byte[] event, IamReaders readers) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ApiHandler(router(), readers).handleRequest(new ByteArrayInputStream(event), out, null);
    return Json.MAPPER.readTree(out.toByteArray());
  }

  private JsonNode invoke(String fixture) throws IOException {
    return invoke(fixture(fixture), IamReaders.none());
  }

  /** {@code fixture} as a GET of {@code rawPath} without a body. */
  private static byte[] withPath(String fixture, String rawPath) {
    com.fasterxml.jackson.databind.node.ObjectNode event = (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(
        new String(fixture(fixture), StandardCharsets.UTF_8));
    event.put("rawPath", rawPath);
    event.remove("body");
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.path("requestContext").path("http")).put("method", "GET");
    return Json.write(event).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void an_iam_get_routes_with_the_raw_path_and_query_and_answers_json_as_text() throws IOException {
    JsonNode response = invoke("iam-get-query-cookies.json");

    Routed r = routed.get();
    assertThat(r.request().method()).isEqualTo("GET");
    assertThat(r.request().path()).isEqualTo("/things/a%20b");
    assertThat(r.path()).containsExactly(Map.entry("id", "a b"));
    assertThat(r.query()).as("from rawQueryString, percent-decoded").containsExactly(Map.entry("limit", "5"), Map.entry("after", "a&b"));
    assertThat(r.request().header("X-Forwarded-For")).contains("192.0.2.1,198.51.100.2");
    assertThat(r.request().header("Cookie")).as("API Gateway moves cookies out of the headers; Gantry reads none").isEmpty();
    assertThat(r.request().body()).isEmpty();
    assertThat(r.request().caller().orElseThrow().id()).isEqualTo("iam:arn:aws:iam::123456789012:user/ana");

    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(response.path("headers").path("Content-Type").asText()).isEqualTo("application/json");
    assertThat(response.path("isBase64Encoded").isBoolean()).isTrue();
    assertThat(response.path("isBase64Encoded").asBoolean()).isFalse();
    assertThat(Json.tree(response.path("body").asText()).path("text").asText()).isEqualTo("café");
    assertThat(response.has("cookies")).isFalse();
  }

  @Test
  void an_iam_caller_is_trusted_for_the_route_iam_allowed_and_holds_the_reader_role_only_when_configured() throws IOException {
    invoke(fixture("iam-get-query-cookies.json"), IamReaders.none());
    Caller plain = routed.get().request().caller().orElseThrow();
    invoke(fixture("iam-get-query-cookies.json"), IamReaders.parse("arn:aws:iam::123456789012:user/*"));
    Caller reader = routed.get().request().caller().orElseThrow();

    assertThat(plain.routeAuthorizedUpstream()).as("IAM already decided the route").isTrue();
    assertThat(plain.permissions()).as("nothing beyond the route IAM allowed: not others' sessions").isEmpty();
    assertThat(reader.permissions()).containsExactlyInAnyOrder(Permission.READ_ALL, Permission.READ);
    assertThat(reader.may(Permission.APPROVE)).as("a reader cannot cancel others' sessions").isFalse();
    assertThat(IamReaders.parse("arn:aws:iam::123456789012:user/an?").matches("arn:aws:iam::123456789012:user/ana")).isTrue();
    assertThat(IamReaders.parse("arn:aws:iam::123456789012:user/an?").matches("arn:aws:iam::123456789012:user/anna")).isFalse();
    assertThat(IamReaders.parse("arn:aws:iam::1:user/a.b").matches("arn:aws:iam::1:user/aXb")).as("a dot is literal").isFalse();
  }

  @Test
  void a_jwt_callers_permissions_come_from_the_authorizers_scopes_before_the_scope_claim() throws IOException {
    JsonNode response = invoke("jwt-scopes.json");

    Caller caller = routed.get().request().caller().orElseThrow();
    assertThat(caller.id()).isEqualTo("jwt:https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example|u1");
    assertThat(caller.permissions()).as("scopes win over the scope claim (gantry/approvals)").containsExactly(Permission.READ);
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void a_jwt_with_only_a_scope_claim_gets_its_permissions_from_the_claim_and_its_text_body_is_routed() throws IOException {
    JsonNode response = invoke("jwt-scope-claim.json");

    Caller caller = routed.get().request().caller().orElseThrow();
    assertThat(caller.id()).isEqualTo("jwt:https://idp.example.com|u2");
    assertThat(caller.permissions()).containsExactlyInAnyOrder(Permission.APPROVE, Permission.READ_ALL, Permission.READ,
        Permission.WRITE);
    assertThat(new String(routed.get().request().body(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"café\"}");
    assertThat(response.path("statusCode").asInt()).isEqualTo(201);
    assertThat(response.path("headers").path("Location").asText()).isEqualTo("/things/t9");
    assertThat(response.path("body").asText()).isEqualTo("{\"name\":\"café\"}");
  }

  @Test
  void a_base64_body_is_decoded_before_routing() throws IOException {
    JsonNode response = invoke("base64-body.json");

    assertThat(new String(routed.get().request().body(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"café\"}");
    assertThat(response.path("statusCode").asInt()).isEqualTo(201);
    assertThat(response.path("isBase64Encoded").asBoolean()).as("a JSON answer travels as text").isFalse();
  }

  @Test
  void without_an_authorizer_there_is_no_caller_so_only_public_routes_answer() throws IOException {
    JsonNode hook = invoke("no-authorizer.json");

    assertThat(routed.get().request().caller()).isEmpty();
    assertThat(hook.path("statusCode").asInt()).isEqualTo(202);
    assertThat(hook.has("body")).as("no body, no body field").isFalse();
    assertThat(hook.path("isBase64Encoded").asBoolean()).isFalse();

    routed.set(null);
    JsonNode refused = invoke(withPath("no-authorizer.json", "/things/t1"), IamReaders.none());
    assertThat(routed.get()).isNull();
    assertThat(refused.path("statusCode").asInt()).isEqualTo(401);
    assertThat(refused.path("headers").path("Content-Type").asText()).isEqualTo(Problem.MEDIA_TYPE);
    assertThat(refused.path("headers").path("WWW-Authenticate").asText()).startsWith("Bearer");
  }

  @Test
  void a_binary_streamed_answer_is_base64_encoded() throws IOException {
    JsonNode response = invoke(withPath("no-authorizer.json", "/files/logo"), IamReaders.none());

    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(response.path("headers").path("Content-Type").asText()).isEqualTo("image/png");
    assertThat(response.path("isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(response.path("body").asText())).isEqualTo(PNG);
  }

  /** aws-lambda-java-events, the classes the runtime mapped events to before, as the reference reading. */
  @ParameterizedTest
  @ValueSource(strings = {"iam-get-query-cookies.json", "jwt-scopes.json", "jwt-scope-claim.json", "base64-body.json",
      "no-authorizer.json"})
  void the_records_read_every_field_gantry_uses_as_the_aws_event_classes_do(String name) {
    HttpApiEvent ours = Json.read(new String(fixture(name), StandardCharsets.UTF_8), HttpApiEvent.class);
    APIGatewayV2HTTPEvent reference = EventLoader.loadApiGatewayHttpEvent(FIXTURES + name);

    assertThat(ours.rawPath()).isEqualTo(reference.getRawPath());
    assertThat(ours.rawQueryString()).isEqualTo(reference.getRawQueryString());
    assertThat(ours.headers()).isEqualTo(reference.getHeaders());
    assertThat(ours.body()).isEqualTo(reference.getBody());
    assertThat(ours.isBase64Encoded()).isEqualTo(reference.getIsBase64Encoded());
    assertThat(ours.requestContext().http().method()).isEqualTo(reference.getRequestContext().getHttp().getMethod());
    APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = reference.getRequestContext().getAuthorizer();
    if (authorizer == null) {
      assertThat(ours.requestContext().authorizer()).isNull();
    } else if (authorizer.getIam() != null) {
      assertThat(ours.requestContext().authorizer().iam().userArn()).isEqualTo(authorizer.getIam().getUserArn());
    } else {
      assertThat(ours.requestContext().authorizer().jwt().claims()).isEqualTo(authorizer.getJwt().getClaims());
      assertThat(ours.requestContext().authorizer().jwt().scopes()).isEqualTo(authorizer.getJwt().getScopes());
    }
  }

  @Test
  void the_response_json_reads_back_as_the_aws_response_class() throws IOException {
    JsonNode json = invoke(withPath("no-authorizer.json", "/files/logo"), IamReaders.none());
    APIGatewayV2HTTPResponse reference = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class,
        getClass().getClassLoader()).fromJson(Json.write(json));

    assertThat(reference.getStatusCode()).isEqualTo(200);
    assertThat(reference.getHeaders()).containsEntry("Content-Type", "image/png");
    assertThat(reference.getIsBase64Encoded()).isTrue();
    assertThat(Base64.getDecoder().decode(reference.getBody())).isEqualTo(PNG);
  }
}
