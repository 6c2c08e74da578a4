package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.gantry.api.ApiGatewayV2;
import dev.gantry.api.IamReaders;
import dev.gantry.api.Router;
import dev.gantry.config.AwsGantry;
import dev.gantry.config.EnvironmentVariables;

/**
 * The API behind API Gateway (HTTP API, payload format 2.0): maps the event with {@link
 * ApiGatewayV2} and lets the {@link Router}, the same request table {@code gantry serve} uses, answer.
 */
public final class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final Router router;
  private final IamReaders readers;

  /** Wires everything from the Lambda environment, once per execution environment. */
  public ApiHandler() {
    this(AwsGantry.api(System.getenv()).service().router(), IamReaders.parse(System.getenv(EnvironmentVariables.SESSION_READERS)));
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
    this.router = router;
    this.readers = readers;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    // the request id (and API Gateway's, through the event) on every line; never the body or headers
    return software.amazon.lambda.powertools.logging.PowertoolsLogging.withLogging(context,
        () -> ApiGatewayV2.toResponse(router.handle(ApiGatewayV2.toRequest(event, readers))));
  }
}
