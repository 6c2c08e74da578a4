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
