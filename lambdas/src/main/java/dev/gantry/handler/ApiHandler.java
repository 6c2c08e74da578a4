package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gantry.api.ApiGatewayV2;
import dev.gantry.api.GantryApi;
import dev.gantry.api.HttpApiEvent;
import dev.gantry.api.HttpApiResponse;
import dev.gantry.api.IamReaders;
import dev.gantry.api.Router;
import dev.gantry.config.AwsGantry;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The API behind API Gateway (HTTP API, payload format 2.0): reads the event JSON into {@link
 * HttpApiEvent} with Gantry's own mapper ({@link Json#MAPPER}), maps it with {@link ApiGatewayV2},
 * lets the {@link Router}, the same request table {@code gantry serve} uses, answer, and writes the
 * {@link HttpApiResponse} JSON. A stream handler, so the Lambda runtime loads neither its event
 * classes nor its own serializer: that mapping was about a quarter of the API's cold start. An
 * event that is not JSON fails the invocation (API Gateway answers 500).
 */
public final class ApiHandler extends PrimedHandler {
  /**
   * {@code GET /sessions/{id}} of a session that does not exist, from an IAM caller, as API Gateway
   * sends it (payload format 2.0): the router answers 404 after one GetItem.
   */
  private static final byte[] PRIMING_EVENT = ("{\"version\":\"2.0\",\"routeKey\":\"GET /sessions/{sessionId}\","
      + "\"rawPath\":\"/sessions/" + AwsGantry.ABSENT_SESSION_ID + "\",\"rawQueryString\":\"\","
      + "\"headers\":{\"accept\":\"application/json\",\"host\":\"priming.execute-api.us-east-1.amazonaws.com\"},"
      + "\"requestContext\":{\"accountId\":\"000000000000\",\"apiId\":\"priming\",\"requestId\":\"priming\","
      + "\"http\":{\"method\":\"GET\",\"path\":\"/sessions/" + AwsGantry.ABSENT_SESSION_ID + "\",\"protocol\":\"HTTP/1.1\","
      + "\"sourceIp\":\"127.0.0.1\",\"userAgent\":\"priming\"},"
      + "\"authorizer\":{\"iam\":{\"accountId\":\"000000000000\",\"userArn\":\"arn:aws:iam::000000000000:user/priming\"}}},"
      + "\"isBase64Encoded\":false}").getBytes(StandardCharsets.UTF_8);

  private final Router router;
  /** The session views' serializers and the store's item mapping (the wired API's), or nothing for a router tests pass. */
  private Runnable primeViews = () -> { };
  private final IamReaders readers;

  /** Wires everything from the Lambda environment, once per execution environment. */
  public ApiHandler() {
    this(AwsGantry.api(System.getenv()), IamReaders.parse(System.getenv(EnvironmentVariables.SESSION_READERS)));
    primeAtInit();
  }

  private ApiHandler(AwsGantry.Wired<GantryApi> wired, IamReaders readers) {
    this(wired.service().router(), readers);
    this.primeViews = () -> {
      wired.service().primeViews();
      wired.primeClients().run();
    };
  }

  /** @param router the request table (tests pass one on local stores); no IAM principal reads every session */
  public ApiHandler(Router router) {
    this(router, IamReaders.none());
  }

  /**
   * @param router the request table
   * @param readers the IAM principals that see every principal's sessions
   */
  public ApiHandler(Router router, IamReaders readers) {
    super("api");
    this.router = router;
    this.readers = readers;
  }

  /**
   * Answers one request.
   *
   * @param input the API Gateway HTTP API payload 2.0 event JSON
   * @param output receives the payload 2.0 response JSON
   * @param context the invocation (its request id goes on every log line); null in tests
   * @throws IOException when the event cannot be read or the response cannot be written
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    HttpApiEvent event = Json.MAPPER.readValue(input, HttpApiEvent.class);
    // the request id on every line; never the body or headers
    HttpApiResponse response = software.amazon.lambda.powertools.logging.PowertoolsLogging.withLogging(context,
        () -> respond(event));
    output.write(Json.MAPPER.writeValueAsBytes(response));
  }

  private HttpApiResponse respond(HttpApiEvent event) {
    return ApiGatewayV2.toResponse(router.handle(ApiGatewayV2.toRequest(event, readers)));
  }

  /**
   * The session views' serializers and the store's item mapping on a session that exists only in
   * memory ({@link GantryApi#primeViews}), then the whole path but the log context: the event's
   * mapping, the router, the session store's GetItem (the only SDK client a read needs), the 404
   * problem and the response's JSON.
   */
  void prime() {
    primeViews.run();
    try {
      Json.MAPPER.writeValueAsBytes(respond(Json.MAPPER.readValue(PRIMING_EVENT, HttpApiEvent.class)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }


}
