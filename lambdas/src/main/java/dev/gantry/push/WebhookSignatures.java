package dev.gantry.push;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook delivery came from the provider, comparing in constant time.
 *
 * <p>GitHub: {@code X-Hub-Signature-256} is {@code sha256=} followed by the lowercase hex
 * HMAC-SHA256 of the raw request body keyed with the webhook secret (GitHub Docs, "Validating
 * webhook deliveries"). GitLab: {@code X-Gitlab-Token} carries the secret token itself (GitLab
 * Docs, "Webhooks": secret token).
 */
public final class WebhookSignatures {
  private static final String PREFIX = "sha256=";

  private WebhookSignatures() {}

  /** The {@code X-Hub-Signature-256} value GitHub sends for {@code body} signed with {@code secret}. */
  public static String gitHubSignature(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /**
   * Whether {@code header} is the right {@code X-Hub-Signature-256} for {@code body}.
   *
   * @param header the header value, or null when absent
   */
  public static boolean gitHubSignatureValid(byte[] secret, byte[] body, String header) {
    if (header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] expected = gitHubSignature(secret, body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = header.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  /** Whether a GitLab {@code X-Gitlab-Token} equals the configured token, in constant time. */
  public static boolean gitLabTokenValid(String configured, String header) {
    if (header == null || configured == null) {
      return false;
    }
    return MessageDigest.isEqual(configured.getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8));
  }
}
