package dev.gantry.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Each function role's deployment package as the lambdas module's {@code mvn package} leaves it
 * (read from {@link Synthesized#LAMBDA_JARS}), and which package each synthesized function runs.
 */
class LambdaPackagesTest {
  /** Netty, the Apache HTTP clients and the AWS CRT: the functions use the URL-connection client. */
  static final List<String> NO_JAR_HOLDS = List.of("io/netty/", "software/amazon/awssdk/http/nio/netty/",
      "org/apache/http/", "org/apache/hc/", "software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/apache5/",
      "software/amazon/awssdk/crt/", "software/amazon/awssdk/http/crt/");
  /** What only the stage functions use: Git, the model runtime, CloudFormation, the template checks. */
  static final List<String> ONLY_STAGE_HOLDS = List.of("org/eclipse/jgit/", "org/apache/commons/compress/",
      "software/amazon/awssdk/services/bedrockruntime/", "software/amazon/awssdk/services/cloudformation/",
      "dev/gantry/deploy/rules/", "dev/gantry/deploy/spec/resource-specification.txt");

  static List<String> entries(LambdaRole role) throws IOException {
    try (ZipFile zip = new ZipFile(role.jar(Synthesized.LAMBDA_JARS).toFile())) {
      return zip.stream().map(ZipEntry::getName).toList();
    }
  }

  static List<String> startingWithAny(List<String> names, List<String> prefixes) {
    return names.stream().filter(n -> prefixes.stream().anyMatch(n::startsWith)).toList();
  }

  @Test
  void no_jar_holds_netty_an_apache_http_client_the_crt_or_a_native_library() throws IOException {
    for (LambdaRole role : LambdaRole.values()) {
      List<String> names = entries(role);
      assertThat(startingWithAny(names, NO_JAR_HOLDS)).as(role.jarName()).isEmpty();
      assertThat(names).as(role.jarName()).noneMatch(n -> n.endsWith(".so") || n.endsWith(".dylib") || n.endsWith(".dll"));
    }
  }

  @Test
  void only_the_stage_jar_holds_jgit_bedrock_cloudformation_and_the_template_rules() throws IOException {
    for (LambdaRole role : LambdaRole.values()) {
      List<String> found = startingWithAny(entries(role), ONLY_STAGE_HOLDS);
      if (role == LambdaRole.STAGE) {
        assertThat(ONLY_STAGE_HOLDS).allSatisfy(prefix -> assertThat(found).anyMatch(n -> n.startsWith(prefix)));
      } else {
        assertThat(found).as(role.jarName()).isEmpty();
      }
    }
  }

  @Test
  void each_jar_holds_its_handler_the_session_store_and_the_sdk_clients_its_role_builds() throws IOException {
    String services = "software/amazon/awssdk/services/";
    for (LambdaRole role : LambdaRole.values()) {
      assertThat(entries(role)).as(role.jarName()).contains(role.handler().replace('.', '/') + ".class",
          "dev/gantry/session/DynamoDbSessionStore.class", services + "dynamodb/DynamoDbClient.class",
          services + "s3/S3Client.class", services + "kms/KmsClient.class");
    }
    assertThat(entries(LambdaRole.API)).contains(services + "sfn/SfnClient.class", services + "eventbridge/EventBridgeClient.class",
        services + "secretsmanager/SecretsManagerClient.class", "software/amazon/awssdk/services/s3/presigner/S3Presigner.class",
        "dev/gantry/api/openapi.yaml", "agents/architect.md", "agents/planner.md", "agents/deployer.md");
    assertThat(entries(LambdaRole.STAGE)).contains(services + "secretsmanager/SecretsManagerClient.class",
        "agents/architect.md", "agents/planner.md", "agents/deployer.md");
    assertThat(entries(LambdaRole.APPROVAL)).contains(services + "eventbridge/EventBridgeClient.class");
    assertThat(entries(LambdaRole.PUSH)).contains(services + "sfn/SfnClient.class");
    assertThat(entries(LambdaRole.REDELIVERY)).contains(services + "sfn/SfnClient.class");
    assertThat(startingWithAny(entries(LambdaRole.RECORDER),
        List.of(services + "sfn/", services + "eventbridge/", services + "secretsmanager/"))).isEmpty();
  }

  @Test
  void every_gantry_function_runs_its_roles_jar() throws IOException {
    Synthesized synthesized = Synthesized.defaults();
    JsonNode files = Json.MAPPER.readTree(synthesized.outdir.resolve("Gantry.assets.json").toFile()).path("files");
    Map<String, Path> stagedByKey = new java.util.HashMap<>();
    files.properties().forEach(asset -> asset.getValue().path("destinations").properties().forEach(destination ->
        stagedByKey.put(destination.getValue().path("objectKey").asText(),
            synthesized.outdir.resolve(asset.getValue().path("source").path("path").asText()))));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> functions = (Map<String, Map<String, Object>>) (Map<?, ?>)
        synthesized.template.findResources("AWS::Lambda::Function");

    Map<LambdaRole, String> keyByRole = new EnumMap<>(LambdaRole.class);
    for (var function : functions.entrySet()) {
      Map<String, Object> props = GantryStackTest.props(function.getValue());
      String handler = String.valueOf(props.get("Handler"));
      if (!handler.startsWith("dev.gantry.")) {
        continue; // the CDK's own helper functions
      }
      LambdaRole role = Stream.of(LambdaRole.values()).filter(r -> r.handler().equals(handler)).findFirst()
          .orElseThrow(() -> new AssertionError(function.getKey() + " runs " + handler + ", no role's handler"));
      String key = String.valueOf(((Map<?, ?>) props.get("Code")).get("S3Key"));
      assertThat(stagedByKey).as(function.getKey()).containsKey(key);
      assertThat(Files.mismatch(stagedByKey.get(key), role.jar(Synthesized.LAMBDA_JARS)))
          .as(function.getKey() + " (" + role + ") runs " + stagedByKey.get(key)).isEqualTo(-1L);
      String previous = keyByRole.putIfAbsent(role, key);
      assertThat(previous == null || previous.equals(key)).as(role + " functions share one asset").isTrue();
    }
    assertThat(keyByRole).containsOnlyKeys(LambdaRole.values());
    // two roles share an asset only when their jars are the same bytes (push and redelivery build the same today)
    for (LambdaRole a : LambdaRole.values()) {
      for (LambdaRole b : LambdaRole.values()) {
        boolean sameBytes = Files.mismatch(a.jar(Synthesized.LAMBDA_JARS), b.jar(Synthesized.LAMBDA_JARS)) == -1L;
        assertThat(keyByRole.get(a).equals(keyByRole.get(b))).as(a + " and " + b + " share an asset").isEqualTo(sameBytes);
      }
    }
  }
}
