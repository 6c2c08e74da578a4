package dev.gantry.session.keyfile;

import dev.gantry.session.AuditMac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 with a key held in memory, through the JDK's {@link Mac} ({@code HmacSHA256}, RFC
 * 2104). Comparison of MACs is constant-time ({@link MessageDigest#isEqual}).
 */
public final class HmacAuditMac implements AuditMac {
  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;
  private final String keyId;

  /**
   * @param key the secret, 32 bytes or more (RFC 2104: at least the hash's output length)
   * @param keyId how verification results name the key
   * @throws IllegalArgumentException for a key shorter than 32 bytes
   */
  public HmacAuditMac(byte[] key, String keyId) {
    if (key.length < 32) {
      throw new IllegalArgumentException("an audit MAC key needs at least 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.keyId = keyId;
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public String mac(String message) {
    return Base64.getEncoder().encodeToString(raw(message));
  }

  @Override
  public boolean verify(String message, String mac) {
    byte[] given = AuditMac.decode(mac);
    return given != null && MessageDigest.isEqual(raw(message), given);
  }

  private byte[] raw(String message) {
    try {
      Mac hmac = Mac.getInstance(ALGORITHM);
      hmac.init(key);
      return hmac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
    }
  }
}
