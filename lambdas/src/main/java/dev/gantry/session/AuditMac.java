package dev.gantry.session;

/**
 * The key audit entries are authenticated with: HMAC-SHA-256 by a key that writers use only through
 * a service, never read. In AWS a KMS HMAC key ({@link dev.gantry.session.kms.KmsAuditMac}: writers
 * hold {@code kms:GenerateMac}, readers {@code kms:VerifyMac}); locally a key file under {@code
 * GANTRY_HOME} ({@link dev.gantry.session.keyfile.LocalAuditKey}).
 */
public interface AuditMac {

  /** Names the key in verification results, e.g. a KMS key ARN or {@code local:/home/me/.gantry/audit-mac.key}. */
  String keyId();

  /**
   * The MAC of {@code message} (UTF-8), base64 (RFC 4648, with padding; 44 characters for HMAC-SHA-256).
   *
   * @throws AuditKeyUnavailableException when the key cannot be used (service unreachable, access denied)
   */
  String mac(String message);

  /**
   * Whether {@code mac} (base64) is this key's MAC of {@code message}. A malformed or wrong MAC is
   * {@code false}, never an exception.
   *
   * @throws AuditKeyUnavailableException when the key cannot be used (service unreachable, access denied)
   */
  boolean verify(String message, String mac);

  /** The bytes of a base64 MAC, or null for one that is not base64 or is empty (a wrong MAC, not an error). */
  static byte[] decode(String mac) {
    try {
      byte[] bytes = java.util.Base64.getDecoder().decode(mac);
      return bytes.length == 0 ? null : bytes;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
