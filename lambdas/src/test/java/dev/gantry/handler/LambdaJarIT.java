package dev.gantry.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The deployment package every Gantry function runs from, as {@code mvn package} leaves it. */
class LambdaJarIT {
  static final Path JAR = Path.of("target", "gantry-lambdas-aws.jar");

  static List<String> entries() throws IOException {
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      return zip.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void the_jar_has_the_url_connection_client_and_no_netty_or_apache_http_client() throws IOException {
    List<String> names = entries();

    assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/http/urlconnection/"));
    assertThat(names).noneMatch(n -> n.startsWith("io/netty/") || n.startsWith("org/apache/http/")
        || n.startsWith("software/amazon/awssdk/http/apache/") || n.startsWith("software/amazon/awssdk/http/nio/netty/"));
  }

  @Test
  void the_jar_carries_every_handler_the_stack_names_gantrys_agents_and_the_openapi_document() throws IOException {
    List<String> names = entries();

    assertThat(names).contains(
        "dev/gantry/handler/ApiHandler.class", "dev/gantry/handler/PushEventHandler.class",
        "dev/gantry/handler/StageHandler.class", "dev/gantry/handler/ApprovalRequestHandler.class",
        "dev/gantry/handler/FailureRecorderHandler.class",
        "agents/architect.md", "agents/planner.md", "agents/deployer.md", "dev/gantry/api/openapi.yaml");
    assertThat(names).noneMatch(n -> n.startsWith("com/amazonaws/services/dynamodbv2/local/") || n.startsWith("org/junit/"));
  }

  @Test
  void the_jar_carries_no_lambda_event_classes_the_handlers_read_raw_json_with_gantrys_mapper() throws IOException {
    assertThat(entries()).noneMatch(n -> n.startsWith("com/amazonaws/services/lambda/runtime/events/")
        || n.startsWith("com/amazonaws/services/lambda/runtime/serialization/"));
  }

  @Test
  void the_jar_is_below_lambdas_direct_upload_limit() throws IOException {
    assertThat(Files.size(JAR)).isLessThan(50L * 1024 * 1024);
  }

  @Test
  void a_line_logged_from_the_jar_is_powertools_json_with_the_mdc_keys_at_the_level_the_environment_sets() throws Exception {
    // the shaded log4j2 plugin cache must hold the JSON layout and Powertools' resolver, or nothing is written
    ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", JAR + java.io.File.pathSeparator + Path.of("target", "test-classes"), LogOneLine.class.getName());
    launch.environment().put("POWERTOOLS_LOG_LEVEL", "WARN");
    Process process = launch.start();
    String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isZero();

    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as(out).hasSize(1);
    var line = dev.gantry.json.Json.MAPPER.readTree(lines.get(0));
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("message").asText()).isEqualTo("a warning");
    assertThat(line.path("sessionId").asText()).isEqualTo("s-1");
    assertThat(line.has("timestamp")).isTrue();
  }

  /** Logs an INFO and a WARN line with a session key, run from the jar by the test above. */
  public static final class LogOneLine {
    public static void main(String[] args) {
      org.slf4j.MDC.put("sessionId", "s-1");
      org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LambdaJarIT.class);
      log.info("below the level");
      log.warn("a warning");
    }
  }
}
