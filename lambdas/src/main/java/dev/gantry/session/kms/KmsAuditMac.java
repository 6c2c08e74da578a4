package dev.gantry.session.kms;

import dev.gantry.session.AuditKeyUnavailableException;
import dev.gantry.session.AuditMac;
import java.util.Base64;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsInvalidMacException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;

/**
 * Audit MACs by an AWS KMS HMAC key ({@code KeySpec HMAC_256}, {@code KeyUsage GENERATE_VERIFY_MAC}):
 * {@code GenerateMac} to write, {@code VerifyMac} to check, both with {@code HMAC_SHA_256}. The key
 * never leaves KMS, so a writer holding only {@code kms:GenerateMac} can authenticate entries as they
 * are written but cannot take the key away. Source: AWS KMS API reference, GenerateMac and VerifyMac
 * (a MAC that does not verify is answered with {@code KMSInvalidMacException}, read here as {@code
 * false}).
 */
public final class KmsAuditMac implements AuditMac {
  private final java.util.function.Supplier<KmsClient> kms;
  private final String keyId;

  /** With a client already built (tests, the gantry command). */
  public KmsAuditMac(KmsClient kms, String keyId) {
    this(() -> kms, keyId);
  }

  /**
   * @param kms the client, built on first use (a role builds at init only the clients its first request needs)
   * @param keyId the HMAC key's id, ARN or alias
   */
  public KmsAuditMac(java.util.function.Supplier<KmsClient> kms, String keyId) {
    this.kms = kms;
    this.keyId = keyId;
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public String mac(String message) {
    try {
      byte[] mac = kms.get().generateMac(b -> b.keyId(keyId).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
          .message(SdkBytes.fromUtf8String(message))).mac().asByteArray();
      return Base64.getEncoder().encodeToString(mac);
    } catch (SdkException e) {
      throw new AuditKeyUnavailableException("KMS GenerateMac with key " + keyId + " failed: " + e.getClass().getSimpleName(), e);
    }
  }

  /** The length of an HMAC-SHA-256 MAC (RFC 2104 with SHA-256): 32 bytes. */
  static final int HMAC_SHA_256_BYTES = 32;

  @Override
  public boolean verify(String message, String mac) {
    byte[] given = AuditMac.decode(mac);
    if (given == null || given.length != HMAC_SHA_256_BYTES) {
      return false; // not an HMAC-SHA-256 MAC, so never sent: KMS would refuse some (over 6,144 bytes) as invalid input, not a bad MAC
    }
    try {
      return kms.get().verifyMac(b -> b.keyId(keyId).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
          .message(SdkBytes.fromUtf8String(message)).mac(SdkBytes.fromByteArray(given))).macValid();
    } catch (KmsInvalidMacException e) {
      return false;
    } catch (SdkException e) {
      throw new AuditKeyUnavailableException("KMS VerifyMac with key " + keyId + " failed: " + e.getClass().getSimpleName(), e);
    }
  }
}
