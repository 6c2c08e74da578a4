package dev.gantry.infra;

import dev.gantry.config.EnvironmentVariables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpNoneAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The HTTP API: one route per operation of the runtime's OpenAPI document ({@code
 * dev/gantry/api/openapi.yaml}, which a runtime test keeps equal to the router's table), all on the
 * API function. Operations the document marks public ({@code security: []}: the webhooks, whose
 * handler verifies the provider's signature, and the health check) have no authorizer; every other
 * route uses IAM authorization (SigV4), or a JWT authorizer when {@link DeploymentSettings#jwt()}
 * is set. The {@code $default} stage auto-deploys, writes JSON access logs and throttles each route.
 */
public final class GantryHttpApi extends Construct {
  /**
   * One operation of the OpenAPI document.
   *
   * @param scopes the scopes that allow it (any one suffices): its {@code bearer} security
   *     requirements' role names; empty for a public operation
   */
  public record Operation(String method, String path, String operationId, boolean isPublic, List<String> scopes) {}

  private final HttpApi api;
  private final GantryFunction function;
  private final List<Operation> operations;
  private final String url;
  private final Map<dev.gantry.api.Permission, ManagedPolicy> accessPolicies;

  /**
   * The API's inputs.
   *
   * @param settings deploy-time choices (JWT, throttling)
   * @param packages the deployment package of each function role
   * @param storage tables and bucket
   * @param pipelines the pipelines' state machines (start, decide, heartbeat, stop)
   * @param bus where webhook pushes that match a push rule go
   * @param webhookSecret the webhook secrets
   */
  public record Props(DeploymentSettings settings, LambdaPackages packages, SessionStorage storage, PipelineStateMachine pipelines,
      IEventBus bus, ISecret webhookSecret, Map<String, String> environment) {}

  /** Creates the API function, the HTTP API, its routes and stage. */
  public GantryHttpApi(Construct scope, String id, Props props) {
    super(scope, id);
    Map<String, String> environment = new LinkedHashMap<>(props.environment());
    environment.putAll(props.storage().environment());
    environment.putAll(props.pipelines().environment());
    environment.put(EnvironmentVariables.EVENT_BUS_NAME, props.bus().getEventBusName());
    environment.put(EnvironmentVariables.WEBHOOK_SECRET_ARN, props.webhookSecret().getSecretArn());
    // the webhook routes answer a push no rule matches "ignored" instead of putting it on the bus
    environment.put(EnvironmentVariables.PUSH_RULES, props.settings().pushRules());
    environment.put(EnvironmentVariables.ALLOW_SELF_APPROVAL, Boolean.toString(props.settings().allowSelfApproval()));
    if (!props.settings().sessionReaders().isEmpty()) {
      environment.put(EnvironmentVariables.SESSION_READERS, String.join(",", props.settings().sessionReaders()));
    }
    this.function = new GantryFunction(this, "Handler", new GantryFunction.Props(LambdaRole.API,
        "Gantry HTTP API", 1024, Duration.seconds(29), props.packages(), environment));
    props.storage().grantSessions(function);
    props.storage().grantAuditVerification(function); // GET /sessions/{id}/audit checks MACs and anchors
    props.storage().grantDocuments(function, false);
    props.pipelines().grantRunSessions(function.grantee());
    Acknowledgements.executions(function.role());
    props.bus().grantPutEventsTo(function.grantee());
    props.webhookSecret().grantRead(function.grantee());

    Optional<DeploymentSettings.Jwt> jwt = props.settings().jwt();
    IHttpRouteAuthorizer authorizer = jwt
        .<IHttpRouteAuthorizer>map(j -> HttpJwtAuthorizer.Builder.create("JwtAuthorizer", j.issuer()).jwtAudience(j.audiences()).build())
        .orElseGet(HttpIamAuthorizer::new);
    this.api = HttpApi.Builder.create(this, "HttpApi")
        .description("Gantry: sessions, approvals, documents and repository webhooks")
        .createDefaultStage(false)
        .build();
    LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
        .retention(RetentionDays.THREE_MONTHS)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    LogGroupLogDestination destination = new LogGroupLogDestination(accessLogs);
    HttpStage stage = api.addStage("DefaultStage", HttpStageOptions.builder()
        .stageName("$default")
        .autoDeploy(true)
        .accessLogSettings(new IAccessLogSettings() {
          @Override
          public IAccessLogDestination getDestination() {
            return destination;
          }

          @Override
          public AccessLogFormat getFormat() {
            return AccessLogFormat.custom(ACCESS_LOG_FORMAT);
          }
        })
        .throttle(ThrottleSettings.builder()
            .rateLimit(props.settings().throttleRatePerSecond())
            .burstLimit(props.settings().throttleBurst())
            .build())
        .build());

    HttpLambdaIntegration integration = new HttpLambdaIntegration("Lambda", function.live());
    this.operations = operations();
    for (Operation operation : operations) {
      AddRoutesOptions.Builder route = AddRoutesOptions.builder()
          .path(operation.path())
          .methods(List.of(HttpMethod.valueOf(operation.method())))
          .integration(integration)
          .authorizer(operation.isPublic() ? new HttpNoneAuthorizer() : authorizer);
      if (!operation.isPublic() && jwt.isPresent()) {
        route.authorizationScopes(operation.scopes()); // API Gateway: the token must hold at least one of them
      }
      List<software.amazon.awscdk.services.apigatewayv2.HttpRoute> added = api.addRoutes(route.build());
      if (operation.isPublic()) {
        added.forEach(r -> Acknowledgements.publicRoute(r, operation.operationId()));
      }
    }
    this.url = stage.getUrl();
    this.accessPolicies = jwt.isPresent() ? Map.of() : accessPolicies(operations);
  }

  /**
   * With IAM authorization, one managed policy per scope allowing {@code execute-api:Invoke} on the
   * routes that scope allows (Amazon API Gateway developer guide, "Control access to an HTTP API
   * with IAM authorization"): attach them to the roles of readers, writers and approvers. Path
   * parameters become {@code *}.
   */
  private Map<dev.gantry.api.Permission, ManagedPolicy> accessPolicies(List<Operation> operations) {
    Map<dev.gantry.api.Permission, ManagedPolicy> policies = new java.util.EnumMap<>(dev.gantry.api.Permission.class);
    for (dev.gantry.api.Permission permission : dev.gantry.api.Permission.values()) {
      List<String> routes = operations.stream().filter(o -> o.scopes().contains(permission.scope()))
          .map(o -> api.arnForExecuteApi(o.method(), o.path().replaceAll("\\{[^/]+}", "*"), "$default")).toList();
      ManagedPolicy policy = ManagedPolicy.Builder.create(this, "Invoke" + policyName(permission))
          .description("Gantry HTTP API, " + permission.scope() + ": execute-api:Invoke on "
              + String.join(", ", operations.stream().filter(o -> o.scopes().contains(permission.scope()))
                  .map(o -> o.method() + " " + o.path()).toList()))
          .statements(List.of(PolicyStatement.Builder.create().actions(List.of("execute-api:Invoke")).resources(routes).build()))
          .build();
      Acknowledgements.sessionRoutes(policy);
      policies.put(permission, policy);
    }
    return policies;
  }

  /** {@code READ_ALL} becomes {@code ReadAll}. */
  static String policyName(dev.gantry.api.Permission permission) {
    StringBuilder name = new StringBuilder();
    for (String word : permission.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return name.toString();
  }

  /** The managed policies granting each permission's routes with IAM authorization; empty with a JWT authorizer. */
  public Map<dev.gantry.api.Permission, ManagedPolicy> accessPolicies() {
    return accessPolicies;
  }

  /** JSON access log line: the $context variables of API Gateway HTTP API access logging. */
  static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
      + "\"requestTime\":\"$context.requestTime\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\","
      + "\"protocol\":\"$context.protocol\",\"responseLength\":\"$context.responseLength\","
      + "\"latency\":\"$context.responseLatency\",\"caller\":\"$context.identity.caller\","
      + "\"authorizerError\":\"$context.authorizer.error\",\"integrationError\":\"$context.integrationErrorMessage\"}";

  /**
   * The operations of the runtime's OpenAPI document, in document order.
   *
   * @throws IllegalStateException when the document is missing from the class path
   */
  @SuppressWarnings("unchecked")
  public static List<Operation> operations() {
    try (InputStream in = dev.gantry.handler.ApiHandler.class.getResourceAsStream("/dev/gantry/api/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("dev/gantry/api/openapi.yaml is not on the class path: build the lambdas module");
      }
      Map<String, Object> document = new Yaml().load(in);
      Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
      List<Operation> operations = new ArrayList<>();
      paths.forEach((path, methods) -> methods.forEach((method, value) -> {
        if (value instanceof Map<?, ?> operation && operation.containsKey("operationId")) {
          Object security = operation.get("security");
          boolean isPublic = security instanceof List<?> list && list.isEmpty();
          List<String> scopes = new ArrayList<>();
          if (security instanceof List<?> requirements) {
            for (Object requirement : requirements) {
              if (requirement instanceof Map<?, ?> schemes && schemes.get("bearer") instanceof List<?> roles) {
                roles.forEach(role -> scopes.add(String.valueOf(role)));
              }
            }
          }
          operations.add(new Operation(method.toUpperCase(java.util.Locale.ROOT), path, (String) operation.get("operationId"), isPublic,
              List.copyOf(scopes)));
        }
      }));
      return List.copyOf(operations);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API's base URL (the {@code $default} stage). */
  public String url() {
    return url;
  }

  /** The HTTP API. */
  public HttpApi api() {
    return api;
  }

  /** The API function. */
  public GantryFunction function() {
    return function;
  }

  /** The routes created, one per operation. */
  public List<Operation> routes() {
    return operations;
  }
}
