package dev.gantry.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The deployment packages of the Gantry functions, {@code target/gantry-lambda-<role>.jar}, as
 * {@code mvn package} leaves them (one per role: see the shade executions in this module's pom).
 * What each role's jar must and must not hold is checked by infra's {@code LambdaPackagesTest},
 * next to the role table the CDK app deploys from; this test runs the jars.
 */
class LambdaJarIT {
  static final Path TARGET = Path.of("target");

  static List<Path> jars() throws IOException {
    try (Stream<Path> files = Files.list(TARGET)) {
      return files.filter(f -> f.getFileName().toString().matches("gantry-lambda-[a-z]+\\.jar")).sorted().toList();
    }
  }

  static List<String> entries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void every_jar_has_the_url_connection_client_the_session_store_and_no_test_libraries() throws IOException {
    assertThat(jars()).hasSize(6);
    for (Path jar : jars()) {
      List<String> names = entries(jar);
      assertThat(names).as(jar.toString()).contains(
          "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
          "dev/gantry/session/DynamoDbSessionStore.class", "log4j2.xml");
      assertThat(names).as(jar.toString())
          .noneMatch(n -> n.startsWith("com/amazonaws/services/dynamodbv2/local/") || n.startsWith("org/junit/"));
    }
  }

  @Test
  void every_jar_is_below_lambdas_direct_upload_limit() throws IOException {
    for (Path jar : jars()) {
      assertThat(Files.size(jar)).as(jar.toString()).isLessThan(50L * 1024 * 1024);
    }
  }

  @Test
  void no_jar_carries_lambda_event_classes_the_handlers_read_raw_json_with_gantrys_mapper() throws IOException {
    for (Path jar : jars()) {
      assertThat(entries(jar)).as(jar.toString()).noneMatch(n -> n.startsWith("com/amazonaws/services/lambda/runtime/events/")
          || n.startsWith("com/amazonaws/services/lambda/runtime/serialization/"));
    }
  }

  @Test
  void a_line_logged_from_each_jar_is_powertools_json_with_the_mdc_keys_at_the_level_the_environment_sets() throws Exception {
    // each jar's shaded log4j2 plugin cache must hold the JSON layout and Powertools' resolver, or nothing is written
    for (Path jar : jars()) {
      ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", jar + java.io.File.pathSeparator + TARGET.resolve("test-classes"), LogOneLine.class.getName());
      launch.environment().put("POWERTOOLS_LOG_LEVEL", "WARN");
      Process process = launch.start();
      String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(jar.toString()).isZero();

      List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).as(jar + ": " + out).hasSize(1);
      var line = dev.gantry.json.Json.MAPPER.readTree(lines.get(0));
      assertThat(line.path("level").asText()).as(jar.toString()).isEqualTo("WARN");
      assertThat(line.path("message").asText()).isEqualTo("a warning");
      assertThat(line.path("sessionId").asText()).isEqualTo("s-1");
      assertThat(line.has("timestamp")).isTrue();
    }
  }

  /** Each role's handler, by the role in its jar's name (infra's {@code LambdaRole} deploys the same pairs). */
  static final java.util.Map<String, Class<?>> HANDLERS = java.util.Map.of(
      "api", ApiHandler.class, "stage", StageHandler.class, "approval", ApprovalRequestHandler.class,
      "recorder", FailureRecorderHandler.class, "push", PushEventHandler.class, "redelivery", DecisionRedeliveryHandler.class);

  @Test
  void each_roles_handler_starts_and_primes_from_its_own_jar_alone() throws Exception {
    // a jar lacking a class its handler's init or priming loads fails here, not in AWS
    for (Path jar : jars()) {
      String role = jar.getFileName().toString().replaceAll("gantry-lambda-([a-z]+)\\.jar", "$1");
      ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // the checkpoint runs every registered resource, Powertools' among them, as Lambda's runtime does
          "-Dorg.crac.Core.Compat=" + dev.gantry.testing.crac.Core.class.getPackageName(),
          "-cp", jar + java.io.File.pathSeparator + TARGET.resolve("test-classes"), StartAndPrime.class.getName(),
          HANDLERS.get(role).getName()).redirectErrorStream(true);
      launch.environment().putAll(dev.gantry.config.AwsGantryTest.LAMBDA_ENVIRONMENT);
      // SnapStart: nothing primes at init; the checkpoint hook primes against an endpoint that refuses at once
      launch.environment().put(Priming.INITIALIZATION_TYPE, Priming.SNAP_START);
      launch.environment().put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
      launch.environment().put("AWS_ACCESS_KEY_ID", "test");
      launch.environment().put("AWS_SECRET_ACCESS_KEY", "test");
      launch.environment().put("AWS_MAX_ATTEMPTS", "1");
      Process process = launch.start();
      String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

      assertThat(process.waitFor()).as(role + ": " + out).isZero();
      assertThat(out).as(role).contains("started and primed " + HANDLERS.get(role).getName())
          .doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
    }
  }

  /**
   * Constructs a handler as the Lambda runtime does, then runs every registered resource's
   * checkpoint and restore hooks, as SnapStart does around its snapshot (a hook that throws fails
   * the function version's publication).
   */
  public static final class StartAndPrime {
    public static void main(String[] args) throws Exception {
      Object handler = Class.forName(args[0]).getConstructor().newInstance();
      if (dev.gantry.testing.crac.Core.registered() == 0) {
        throw new AssertionError("the handler registered no org.crac resource");
      }
      org.crac.Core.checkpointRestore();
      System.out.println("started and primed " + handler.getClass().getName());
    }
  }

  /** Logs an INFO and a WARN line with a session key, run from a jar by the test above. */
  public static final class LogOneLine {
    public static void main(String[] args) {
      org.slf4j.MDC.put("sessionId", "s-1");
      org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LambdaJarIT.class);
      log.info("below the level");
      log.warn("a warning");
    }
  }
}
