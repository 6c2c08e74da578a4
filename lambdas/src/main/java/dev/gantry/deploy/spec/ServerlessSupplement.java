package dev.gantry.deploy.spec;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the resource specification does not say about AWS SAM ({@code Transform:
 * AWS::Serverless-2016-10-31}). The database's {@code AWS::Serverless::*} types come from an old
 * SAM specification: it lacks properties SAM has added since ({@code LoggingConfig}, {@code
 * SnapStart}, {@code PropagateTags} …) and four resource types, and names three properties
 * differently from SAM ({@code AccessLogSetting}, {@code PermissionsBoundaries}, {@code
 * NotificationArns}). The names here are those of AWS SAM 1.110.0's schema
 * ({@code schema_source/sam.schema.json} in https://github.com/aws/serverless-application-model)
 * that the specification lacks, so that a valid SAM template is not reported; they are names only.
 *
 * <p>{@code Fn::GetAtt} on a SAM resource reaches the resource SAM generates under the same logical
 * id (AWS SAM Developer Guide, each resource's "Return values"), so its attributes are those of
 * {@link #generatedType}; {@code MyFunction.Alias} and the like name other generated resources
 * ({@link #isReferable}; Developer Guide, "Referencing AWS SAM generated resources").
 */
public final class ServerlessSupplement {
  /** The SAM transform. */
  public static final String TRANSFORM = "AWS::Serverless-2016-10-31";

  private static final String PREFIX = "AWS::Serverless::";

  /** Properties SAM accepts that the specification does not list, by SAM resource type (after the prefix). */
  private static final Map<String, Set<String>> EXTRA_PROPERTIES =
      Map.ofEntries(
          Map.entry("Api", Set.of("ApiKeySourceType", "EndpointAccessMode", "FailOnWarnings",
              "MergeDefinitions", "Mode", "Policy", "PropagateTags", "SecurityPolicy")),
          Map.entry("Application", Set.of("NotificationARNs")),
          Map.entry("Function", Set.of("AutoPublishAliasAllProperties", "CapacityProviderConfig",
              "DurableConfig", "FunctionScalingConfig", "LoggingConfig", "PropagateTags",
              "PublishToLatestPublished", "RecursiveLoop", "RolePath", "RuntimeManagementConfig",
              "SnapStart", "SourceKMSKeyArn", "TenancyConfig", "VersionDeletionPolicy")),
          Map.entry("HttpApi", Set.of("AccessLogSettings", "Name", "PropagateTags")),
          Map.entry("LayerVersion", Set.of("CompatibleArchitectures", "PublishLambdaVersion")),
          Map.entry("SimpleTable", Set.of("PointInTimeRecoverySpecification")),
          Map.entry("StateMachine", Set.of("AutoPublishAlias", "DeploymentPreference",
              "PermissionsBoundary", "PropagateTags", "RolePath", "UseAliasAsEventTarget")),
          // SAM resource types the specification does not have at all: every property they take
          Map.entry("CapacityProvider", Set.of("CapacityProviderName", "InstanceRequirements",
              "KmsKeyArn", "OperatorRole", "PropagateTags", "ScalingConfig", "Tags", "VpcConfig")),
          Map.entry("Connector", Set.of("Destination", "Permissions", "Source")),
          Map.entry("GraphQLApi", Set.of("ApiKeys", "Auth", "Cache", "DataSources", "DomainName",
              "Functions", "IntrospectionConfig", "Logging", "Name", "OwnerContact", "QueryDepthLimit",
              "ResolverCountLimit", "Resolvers", "SchemaInline", "SchemaUri", "Tags", "Visibility",
              "XrayEnabled")),
          Map.entry("WebSocketApi", Set.of("AccessLogSettings", "ApiKeySelectionExpression", "Auth",
              "DefaultRouteSettings", "Description", "DisableExecuteApiEndpoint",
              "DisableSchemaValidation", "Domain", "IpAddressType", "Name", "PropagateTags",
              "RouteSelectionExpression", "RouteSettings", "Routes", "StageName", "StageVariables",
              "Tags")));

  private static final Set<String> MISSING_TYPES =
      Set.of("CapacityProvider", "Connector", "GraphQLApi", "WebSocketApi");

  /** The resource SAM generates under a SAM resource's logical id, whose attributes GetAtt reaches. */
  private static final Map<String, String> GENERATED =
      Map.of(
          "Function", "AWS::Lambda::Function",
          "Api", "AWS::ApiGateway::RestApi",
          "HttpApi", "AWS::ApiGatewayV2::Api",
          "WebSocketApi", "AWS::ApiGatewayV2::Api",
          "SimpleTable", "AWS::DynamoDB::Table",
          "StateMachine", "AWS::StepFunctions::StateMachine",
          "Application", "AWS::CloudFormation::Stack",
          "GraphQLApi", "AWS::AppSync::GraphQLApi",
          "CapacityProvider", "AWS::Lambda::CapacityProvider");

  /**
   * SAM's referable properties: {@code MyFunction.Alias} names the alias SAM generates, so {@code
   * !GetAtt MyFunction.Alias.Name} and {@code ${MyFunction.Version}} reach another resource
   * ({@code referable_properties} in SAM 1.110.0's {@code samtranslator/model/sam_resources.py}).
   */
  private static final Map<String, Set<String>> REFERABLE =
      Map.of(
          "Function", Set.of("Alias", "Version", "DestinationTopic", "DestinationQueue"),
          "Api", Set.of("Stage", "Deployment", "DomainName", "DomainNameV2", "UsagePlan", "UsagePlanKey", "ApiKey"),
          "HttpApi", Set.of("Stage", "DomainName"),
          "WebSocketApi", Set.of("Stage", "DomainName"));

  private ServerlessSupplement() {}

  /**
   * Whether {@code attribute} of a resource of SAM {@code type} starts with a referable property
   * ({@code Alias.Name} of a Function), so it names a generated resource, not an attribute.
   */
  public static boolean isReferable(String type, String attribute) {
    if (!isServerless(type)) {
      return false;
    }
    int dot = attribute.indexOf('.');
    return REFERABLE.getOrDefault(kind(type), Set.of()).contains(dot < 0 ? attribute : attribute.substring(0, dot));
  }

  /** Whether {@code type} is an {@code AWS::Serverless::*} type. */
  public static boolean isServerless(String type) {
    return type.startsWith(PREFIX);
  }

  /** The part after {@code AWS::Serverless::}: {@code Function}; also the type's key in {@code Globals}. */
  public static String kind(String type) {
    return type.substring(PREFIX.length());
  }

  /** Properties SAM accepts on {@code type} that the specification does not list. */
  public static Set<String> extraProperties(String type) {
    return isServerless(type) ? EXTRA_PROPERTIES.getOrDefault(kind(type), Set.of()) : Set.of();
  }

  /** Whether {@code type} is a SAM resource type the specification lacks ({@code AWS::Serverless::Connector} …). */
  public static boolean isMissingFromSpecification(String type) {
    return isServerless(type) && MISSING_TYPES.contains(kind(type));
  }

  /** The CloudFormation type whose attributes {@code Fn::GetAtt} reaches on a SAM resource; empty when unknown. */
  public static Optional<String> generatedType(String type) {
    return isServerless(type) ? Optional.ofNullable(GENERATED.get(kind(type))) : Optional.empty();
  }
}
