package dev.gantry.session.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.AwsClients;
import dev.gantry.json.Json;
import dev.gantry.session.AuditKeyUnavailableException;
import dev.gantry.session.keyfile.HmacAuditMac;
import dev.gantry.testing.AwsWireStub;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The real KmsClient against a loopback stub speaking GenerateMac's and VerifyMac's wire format (AWS
 * JSON 1.1, {@code X-Amz-Target: TrentService.GenerateMac} / {@code TrentService.VerifyMac}). The
 * stub holds an HMAC key as KMS would and answers a wrong MAC as KMS does: 400 with {@code
 * KMSInvalidMacException} (AWS KMS API reference, VerifyMac).
 */
class KmsAuditMacTest {
  static final String KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  static final String JSON_11 = "application/x-amz-json-1.1";
  final HmacAuditMac keyInKms = new HmacAuditMac(new byte[32], "in-kms");
  volatile boolean denied;
  AwsWireStub stub;
  KmsClient kms;

  @BeforeEach
  void start() {
    stub = AwsWireStub.start(this::answer);
    kms = AwsClients.client(KmsClient.builder(), "eu-west-1", AwsWireStub.CREDENTIALS, Optional.of(stub.endpoint()));
  }

  private AwsWireStub.Reply answer(AwsWireStub.Received request) {
    if (denied) {
      return AwsWireStub.Reply.json(400, JSON_11, "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized\"}");
    }
    JsonNode body = Json.tree(new String(request.body(), StandardCharsets.UTF_8));
    String message = new String(Base64.getDecoder().decode(body.path("Message").asText()), StandardCharsets.UTF_8);
    switch (request.header("X-Amz-Target")) {
      case "TrentService.GenerateMac":
        return AwsWireStub.Reply.json(200, JSON_11, Json.write(Map.of("KeyId", KEY_ARN, "MacAlgorithm", "HMAC_SHA_256",
            "Mac", keyInKms.mac(message))));
      case "TrentService.VerifyMac":
        if (keyInKms.verify(message, body.path("Mac").asText())) {
          return AwsWireStub.Reply.json(200, JSON_11, Json.write(Map.of("KeyId", KEY_ARN, "MacAlgorithm", "HMAC_SHA_256",
              "MacValid", true)));
        }
        return AwsWireStub.Reply.json(400, JSON_11, "{\"__type\":\"KMSInvalidMacException\",\"message\":\"\"}");
      default:
        return AwsWireStub.Reply.json(400, JSON_11, "{\"__type\":\"UnsupportedOperationException\"}");
    }
  }

  @AfterEach
  void stop() {
    kms.close();
    stub.close();
  }

  @Test
  void a_mac_is_generated_by_the_key_with_hmac_sha_256_and_verifies() throws Exception {
    KmsAuditMac mac = new KmsAuditMac(kms, KEY_ARN);
    String message = "{\"hash\":\"ab\",\"seq\":1,\"sessionId\":\"s-1\"}";

    String generated = mac.mac(message);

    assertThat(generated).isEqualTo(keyInKms.mac(message));
    assertThat(mac.verify(message, generated)).isTrue();
    AwsWireStub.Received first = stub.received().get(0);
    assertThat(first.header("X-Amz-Target")).isEqualTo("TrentService.GenerateMac");
    JsonNode body = Json.tree(new String(first.body(), StandardCharsets.UTF_8));
    assertThat(body.path("KeyId").asText()).isEqualTo(KEY_ARN);
    assertThat(body.path("MacAlgorithm").asText()).isEqualTo("HMAC_SHA_256");
    assertThat(new String(Base64.getDecoder().decode(body.path("Message").asText()), StandardCharsets.UTF_8)).isEqualTo(message);
    assertThat(stub.received().get(1).header("X-Amz-Target")).isEqualTo("TrentService.VerifyMac");
  }

  @Test
  void a_wrong_mac_is_false_as_kms_answers_kms_invalid_mac_exception() {
    KmsAuditMac mac = new KmsAuditMac(kms, KEY_ARN);
    String forged = new HmacAuditMac("x".repeat(32).getBytes(StandardCharsets.UTF_8), "attacker").mac("m");

    assertThat(mac.verify("m", forged)).isFalse();
    assertThat(mac.verify("m", "")).isFalse(); // never sent: VerifyMac needs at least one byte
    assertThat(stub.received()).hasSize(1);
  }

  @Test
  void a_refused_call_is_an_unavailable_key_naming_the_key_not_a_wrong_mac() {
    KmsAuditMac mac = new KmsAuditMac(kms, KEY_ARN);
    denied = true;

    assertThatThrownBy(() -> mac.mac("m")).isInstanceOf(AuditKeyUnavailableException.class)
        .hasMessageContaining("GenerateMac with key " + KEY_ARN);
    String wellFormed = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    assertThatThrownBy(() -> mac.verify("m", wellFormed)).isInstanceOf(AuditKeyUnavailableException.class)
        .hasMessageContaining("VerifyMac");
  }

  @Test
  void a_stored_mac_that_is_not_32_bytes_is_a_wrong_mac_never_sent_to_kms_so_tampering_never_reads_as_an_outage() {
    KmsAuditMac mac = new KmsAuditMac(kms, KEY_ARN);
    denied = true; // would answer an error if asked

    assertThat(mac.verify("m", java.util.Base64.getEncoder().encodeToString(new byte[7000]))).isFalse();
    assertThat(mac.verify("m", "AAAA")).isFalse();
    assertThat(stub.received()).isEmpty();
  }
}
