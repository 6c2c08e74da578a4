package dev.gantry.deploy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CloudFormation resources the SAM transform generates, which a SAM template may name in
 * {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub} and {@code DependsOn} although it never declares
 * them. Source: AWS SAM Developer Guide, "Generated CloudFormation resources for AWS SAM" (by
 * LogicalId and by referenceable property such as {@code MyFunction.Version}); where the guide is
 * silent, the names the transform itself gives (serverless-application-model, {@code
 * samtranslator/model}). Names SAM suffixes with a hash ({@code MyFunctionVersion640128d35d}) are
 * matched by a pattern.
 */
final class SamResources {
  /** The SAM transform. */
  static final String TRANSFORM = "AWS::Serverless-2016-10-31";

  private static final String HASH = "[0-9a-f]{10}";
  private static final String REST_API = "ServerlessRestApi";
  private static final String HTTP_API = "ServerlessHttpApi";
  private static final Set<String> PULL_EVENTS =
      Set.of("Kinesis", "DynamoDB", "SQS", "MSK", "MQ", "SelfManagedKafka", "DocumentDB");
  private static final Set<String> RULE_EVENTS = Set.of("Schedule", "CloudWatchEvent", "EventBridgeRule");

  /**
   * A resource SAM generates.
   *
   * @param owner the SAM resource it is generated for
   * @param dependsOn the resources it depends on, for the dependency graph
   */
  record Generated(String owner, List<String> dependsOn) {}

  private final Map<String, Generated> names = new LinkedHashMap<>();
  private final Map<Pattern, Generated> patterns = new LinkedHashMap<>();
  private final Map<String, String> hints = new LinkedHashMap<>();
  private final Map<String, Set<String>> edges = new LinkedHashMap<>();
  private final JsonNode resources;
  private final JsonNode parameters;

  private SamResources(JsonNode root) {
    this.resources = root.path("Resources");
    this.parameters = root.path("Parameters");
  }

  /** What the SAM transform generates for {@code root} (a template with its loops expanded). */
  static SamResources of(JsonNode root) {
    SamResources sam = new SamResources(root);
    sam.generate(root.path("Globals").path("Function"));
    return sam;
  }

  /** A template without the SAM transform: nothing is generated. */
  static SamResources none() {
    return new SamResources(JsonNodeFactory.instance.objectNode());
  }

  /** The generated resource named {@code name}, a logical id or a referenceable property. */
  Optional<Generated> find(String name) {
    Generated generated = names.get(name);
    if (generated != null) {
      return Optional.of(generated);
    }
    return patterns.entrySet().stream()
        .filter(p -> p.getKey().matcher(name).matches())
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** The logical ids SAM generates under a fixed name, for did-you-mean. */
  Set<String> logicalIds() {
    Set<String> ids = new LinkedHashSet<>();
    names.keySet().stream().filter(n -> !n.contains(".")).forEach(ids::add);
    return ids;
  }

  /** How to name what {@code name} was meant to be, when SAM generates it under another name. */
  Optional<String> hint(String name) {
    return Optional.ofNullable(hints.get(name));
  }

  /**
   * Dependencies SAM adds to declared resources: an API whose OpenAPI document SAM writes depends
   * on the functions it integrates; a bucket or user pool an event names depends on the function
   * (and the bucket on the permission) once SAM writes its notification or Lambda configuration.
   */
  Map<String, Set<String>> edges() {
    return edges;
  }

  private void generate(JsonNode functionGlobals) {
    List<String> implicitRest = new ArrayList<>();
    List<String> implicitHttp = new ArrayList<>();
    for (var it = resources.fields(); it.hasNext(); ) {
      var resource = it.next();
      String id = resource.getKey();
      JsonNode properties = resource.getValue().path("Properties");
      JsonNode connectors = resource.getValue().path("Connectors");
      connectors.fieldNames().forEachRemaining(name -> pattern(id + name, "[A-Za-z0-9]*", id));
      switch (resource.getValue().path("Type").asText()) {
        case "AWS::Serverless::Function" ->
            function(id, merged(functionGlobals, properties), implicitRest, implicitHttp);
        case "AWS::Serverless::StateMachine" -> stateMachine(id, properties, implicitRest);
        case "AWS::Serverless::Api" -> restApi(id, properties.path("StageName"));
        case "AWS::Serverless::HttpApi" -> httpApi(id, properties.path("StageName"));
        case "AWS::Serverless::LayerVersion" -> pattern(id, HASH, id);
        case "AWS::Serverless::SimpleTable", "AWS::Serverless::Application" -> { }
        default -> {
          if (resource.getValue().path("Type").asText().startsWith("AWS::Serverless::")) {
            // Connector, GraphQLApi, WebSocketApi and later types: many generated ids, all prefixed
            pattern(id, "[A-Za-z0-9]+", id);
          }
        }
      }
    }
    if (!implicitRest.isEmpty() && !resources.has(REST_API)) {
      add(REST_API, REST_API, implicitRest);
      restApi(REST_API, JsonNodeFactory.instance.textNode("Prod"));
    }
    if (!implicitHttp.isEmpty() && !resources.has(HTTP_API)) {
      add(HTTP_API, HTTP_API, implicitHttp);
      httpApi(HTTP_API, JsonNodeFactory.instance.missingNode());
    }
  }

  private void function(String id, JsonNode properties, List<String> implicitRest, List<String> implicitHttp) {
    JsonNode role = properties.path("Role");
    if (role.isMissingNode() || role.has("Fn::If")) {
      add(id + "Role", id);
    }
    Optional<String> alias = alias(properties.path("AutoPublishAlias"));
    if (properties.has("AutoPublishAlias")) {
      if (alias.isPresent()) {
        add(id + "Alias" + alias.get().replace("-", "D").replace("_", "U"), id, id);
      } else {
        pattern(id + "Alias", "[A-Za-z0-9]+", id, id);
      }
      add(id + ".Alias", id, id);
      add(id + ".Version", id, id);
      pattern(id + "Version", HASH, id, id);
      hints.put(id + "Version", "SAM names the version " + id + "Version<hash>; use !Ref " + id + ".Version");
    } else {
      for (String property : List.of("Alias", "Version")) {
        hints.put(id + "." + property, "SAM makes " + id + "." + property + " only for a function with AutoPublishAlias;"
            + " add AutoPublishAlias: live to " + id);
      }
    }
    if (properties.has("DeploymentPreference")) {
      add("ServerlessDeploymentApplication", id);
      add("CodeDeployServiceRole", id);
      add(id + "DeploymentGroup", id, id);
    }
    if (properties.has("FunctionUrlConfig")) {
      add(id + "Url", id, id);
      add(id + "UrlPublicPermissions", id, id);
      add(id + "URLInvokeAllowPublicAccess", id, id);
    }
    JsonNode eventInvoke = properties.path("EventInvokeConfig");
    if (eventInvoke.isObject()) {
      add(id + "EventInvokeConfig", id, id);
      for (String outcome : List.of("OnSuccess", "OnFailure")) {
        JsonNode destination = eventInvoke.path("DestinationConfig").path(outcome);
        String type = destination.path("Type").asText();
        // SAM makes the queue or topic when no Destination is given, or one Fn::If leaves out
        boolean made = !destination.has("Destination") || destination.get("Destination").has("Fn::If");
        if (made && (type.equals("SQS") || type.equals("SNS"))) {
          String kind = type.equals("SQS") ? "Queue" : "Topic";
          add(id + "EventInvokeConfig" + outcome + kind, id);
          add(id + ".Destination" + kind, id);
        }
      }
    }
    for (var it = properties.path("Events").fields(); it.hasNext(); ) {
      var event = it.next();
      String eventId = id + event.getKey();
      JsonNode eventProperties = event.getValue().path("Properties");
      String type = event.getValue().path("Type").asText();
      switch (type) {
        case "S3" -> {
          // SAM writes the bucket's NotificationConfiguration and makes it depend on the permission
          add(eventId + "Permission", id, id);
          String bucket = logicalId(eventProperties.path("Bucket"));
          if (resources.has(bucket)) {
            edge(bucket, eventId + "Permission");
            edge(bucket, id);
          }
        }
        case "AlexaSkill" -> add(eventId + "Permission", id, id);
        case "SNS" -> {
          add(eventId + "Permission", id, id);
          add(eventId, id, id);
          if (eventProperties.has("SqsSubscription")) {
            add(eventId + "Queue", id);
            add(eventId + "QueuePolicy", id);
            add(eventId + "EventSourceMapping", id, id);
          }
        }
        case "Api" -> {
          pattern(eventId + "Permission", "[A-Za-z0-9]*", id, id);
          api(eventProperties.path("RestApiId"), id, implicitRest);
        }
        case "HttpApi" -> {
          add(eventId + "Permission", id, id);
          api(eventProperties.path("ApiId"), id, implicitHttp);
        }
        case "ScheduleV2" -> {
          add(eventId, id, id);
          add(eventId + "Role", id);
          add(eventId + "Queue", id);
        }
        case "CloudWatchLogs", "IoTRule" -> {
          add(eventId, id, id);
          add(eventId + "Permission", id, id);
        }
        case "Cognito" -> {
          // SAM writes the user pool's LambdaConfig
          add(id + "CognitoPermission", id, id);
          String pool = logicalId(eventProperties.path("UserPool"));
          if (resources.has(pool)) {
            edge(pool, id);
          }
        }
        default -> {
          if (PULL_EVENTS.contains(type)) {
            add(eventId, id, id);
          } else if (RULE_EVENTS.contains(type)) {
            add(eventId, id, id);
            add(eventId + "Permission", id, id);
            add(eventId + "Queue", id);
            add(eventId + "QueuePolicy", id);
          } else {
            pattern(eventId, "[A-Za-z0-9]*", id, id);
          }
        }
      }
    }
  }

  private void stateMachine(String id, JsonNode properties, List<String> implicitRest) {
    if (!properties.has("Role")) {
      add(id + "Role", id);
    }
    if (properties.has("AutoPublishAlias")) {
      add(id + "Version", id, id);
      alias(properties.path("AutoPublishAlias"))
          .ifPresentOrElse(a -> add(id + "Alias" + a, id, id), () -> pattern(id + "Alias", "[A-Za-z0-9]+", id, id));
    }
    for (var it = properties.path("Events").fields(); it.hasNext(); ) {
      var event = it.next();
      String eventId = id + event.getKey();
      String type = event.getValue().path("Type").asText();
      add(eventId + "Role", id);
      if (type.equals("Api")) {
        api(event.getValue().path("Properties").path("RestApiId"), id, implicitRest);
      } else {
        add(eventId, id, id);
        add(eventId + "Queue", id);
        add(eventId + "QueuePolicy", id);
      }
    }
  }

  /** An Api or HttpApi event: on the implicit API, or on an API of the template that SAM writes. */
  private void api(JsonNode apiId, String target, List<String> implicit) {
    if (apiId.isMissingNode()) {
      implicit.add(target);
      return;
    }
    String api = logicalId(apiId);
    JsonNode apiProperties = resources.path(api).path("Properties");
    if (resources.has(api) && !apiProperties.has("DefinitionBody") && !apiProperties.has("DefinitionUri")) {
      edge(api, target);
    }
  }

  /** The logical id a SAM event property names: a string or a {@code Ref}. */
  private static String logicalId(JsonNode reference) {
    return reference.isTextual() ? reference.asText() : reference.path("Ref").asText();
  }

  private void edge(String from, String to) {
    edges.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
  }

  private void restApi(String id, JsonNode stageName) {
    stage(id, stageName, false);
    add(id + ".Stage", id, id);
    add(id + ".Deployment", id, id);
    pattern(id + "Deployment", HASH, id, id);
    hints.put(id + "Deployment", "SAM names the deployment " + id + "Deployment<hash>; use !Ref " + id + ".Deployment");
    add(id + ".DomainName", id, id);
    add(id + ".DomainNameV2", id, id);
    add(id + ".UsagePlan", id, id);
    add(id + ".UsagePlanKey", id, id);
    add(id + ".ApiKey", id, id);
    for (String name : List.of("UsagePlan", "ApiKey", "UsagePlanKey")) {
      add(id + name, id, id);
      add("Serverless" + name, id, id);
    }
    pattern("ApiGatewayDomainName", "(V2)?" + HASH, id, id);
    pattern("RecordSetGroup", HASH, id, id);
    pattern(id, "[A-Za-z0-9]*(BasePathMapping|AuthorizerPermission)", id, id);
  }

  private void httpApi(String id, JsonNode stageName) {
    stage(id, stageName, true);
    add(id + ".Stage", id, id);
    add(id + ".DomainName", id, id);
    pattern("ApiGatewayDomainNameV2", HASH, id, id);
    pattern("RecordSetGroup", HASH, id, id);
    pattern(id, "[A-Za-z0-9]*(ApiMapping|AuthorizerPermission)", id, id);
  }

  private void stage(String api, JsonNode stageName, boolean http) {
    String name = stageName.isTextual() ? stageName.asText() : "";
    if (http && (name.isEmpty() || name.equals("$default"))) {
      add(api + "ApiGatewayDefaultStage", api, api);
    } else if (!name.isEmpty() && name.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
      add(api + name + "Stage", api, api);
    } else if (name.isEmpty()) {
      add(api + "Stage", api, api);
    } else {
      pattern(api + "Stage", HASH, api, api);
    }
  }

  /** The alias name: a string, or a Ref to a parameter with a Default. */
  private Optional<String> alias(JsonNode alias) {
    if (alias.isTextual()) {
      return Optional.of(alias.asText());
    }
    JsonNode defaultValue = parameters.path(alias.path("Ref").asText()).path("Default");
    return defaultValue.isValueNode() ? Optional.of(defaultValue.asText()) : Optional.empty();
  }

  private void add(String name, String owner, String... dependsOn) {
    names.putIfAbsent(name, new Generated(owner, List.of(dependsOn)));
  }

  private void add(String name, String owner, List<String> dependsOn) {
    names.putIfAbsent(name, new Generated(owner, List.copyOf(dependsOn)));
  }

  /** Generated ids: {@code prefix} as it is, then what {@code suffix} (a regular expression) matches. */
  private void pattern(String prefix, String suffix, String owner, String... dependsOn) {
    patterns.put(Pattern.compile(Pattern.quote(prefix) + suffix), new Generated(owner, List.of(dependsOn)));
  }

  /** A function's properties with the template's {@code Globals.Function} under them. */
  private static JsonNode merged(JsonNode globals, JsonNode properties) {
    if (!globals.isObject()) {
      return properties;
    }
    ObjectNode merged = ((ObjectNode) globals).deepCopy();
    if (properties.isObject()) {
      merged.setAll((ObjectNode) properties);
    }
    return merged;
  }
}
