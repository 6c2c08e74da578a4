package dev.gantry.repo.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.AwsClients;
import dev.gantry.json.Json;
import dev.gantry.testing.AwsWireStub;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The real SecretsManagerClient against a loopback stub speaking GetSecretValue's wire format (AWS
 * JSON 1.1, {@code X-Amz-Target: secretsmanager.GetSecretValue}).
 */
class SecretsManagerGitCredentialsTest {
  static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gantry-git-AbCdEf";
  final AtomicReference<String> secretString = new AtomicReference<>();
  AwsWireStub stub;
  SecretsManagerClient secrets;

  @BeforeEach
  void start() {
    stub = AwsWireStub.start(request -> AwsWireStub.Reply.json(200, "application/x-amz-json-1.1",
        Json.write(Map.of("ARN", ARN, "Name", "gantry-git", "SecretString", secretString.get()))));
    secrets = AwsClients.client(SecretsManagerClient.builder(), "eu-west-1", AwsWireStub.CREDENTIALS, Optional.of(stub.endpoint()));
  }

  @AfterEach
  void stop() {
    secrets.close();
    stub.close();
  }

  @Test
  void tokens_are_read_per_host_on_first_use_and_reused_for_the_ttl() {
    secretString.set("{\"github.com\": \"ghp_one\", \"*\": \"not-a-host\"}");
    Clock[] clock = {Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC)};
    SecretsManagerGitCredentials tokens = new SecretsManagerGitCredentials(secrets, ARN, new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return clock[0].instant(); }
    });
    assertThat(stub.received()).isEmpty(); // nothing is read when the function starts

    assertThat(tokens.get().tokenFor(URI.create("https://github.com/octo/app.git"))).contains("ghp_one");
    assertThat(tokens.get().tokenFor(URI.create("https://evil.example.com/g/app.git"))).isEmpty(); // no token for any host
    assertThat(stub.received()).singleElement().satisfies(r -> {
      assertThat(r.header("X-Amz-Target")).isEqualTo("secretsmanager.GetSecretValue");
      assertThat(Json.tree(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).path("SecretId").asText()).isEqualTo(ARN);
    });

    secretString.set("{\"github.com\": \"ghp_rotated\"}");
    clock[0] = Clock.offset(clock[0], SecretsManagerGitCredentials.TTL.plus(Duration.ofSeconds(1)));
    assertThat(tokens.get().tokenFor(URI.create("https://github.com/octo/app.git"))).contains("ghp_rotated");
    assertThat(stub.received()).hasSize(2);
  }

  @Test
  void a_secret_that_is_not_an_object_of_strings_is_refused_without_echoing_it() {
    secretString.set("ghp_plain_token_not_json");

    assertThatThrownBy(() -> new SecretsManagerGitCredentials(secrets, ARN, Clock.systemUTC()).get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the Git secret " + ARN + " is not a JSON object of host names to tokens")
        .hasMessageNotContaining("ghp_plain");
  }
}
