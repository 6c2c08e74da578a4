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

/**
 * The API behind API Gateway (HTTP API, payload format 2.0): reads the event JSON into {@link
 * HttpApiEvent} with Gantry's own mapper ({@link Json#MAPPER}), maps it with {@link ApiGatewayV2},
 * lets the {@link Router}, the same request table {@code gantry serve} uses, answer, and writes the
 * {@link HttpApiResponse} JSON. A stream handler, so the Lambda runtime loads neither its event
 * classes nor its own serializer: that mapping was about a quarter of the API's cold start. An
 * event that is not JSON fails the invocation (API Gateway answers 500).
 */
public final class ApiHandler extends PrimedHandler {
  private final Router router;
  private final IamReaders readers;

  /** Wires everything from the Lambda environment, once per execution environment. */
  public ApiHandler() {
    this(AwsGantry.api(System.getenv()), IamReaders.parse(System.getenv(EnvironmentVariables.SESSION_READERS)));
    primeAtInit();
  }

  private ApiHandler(AwsGantry.Wired<GantryApi> wired, IamReaders readers) {
    // the session views' serializers on a session in memory, then the store's priming
    this(wired.service().router(), readers, () -> {
      wired.service().primeViews();
      wired.primeClients().run();
    });
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
    this(router, readers, () -> { });
  }

  private ApiHandler(Router router, IamReaders readers, Runnable primeClients) {
    super("api", primeClients);
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
   * {@code GET /sessions/<nil UUID>} from an IAM caller, the whole path but the log context: the
   * event's mapping, the router, the store's GetItem, the 404 problem and the response's JSON.
   */
  @Override
  void primeRequest() {
    Json.write(respond(primingEvent(HttpApiEvent.class)));
  }


}
