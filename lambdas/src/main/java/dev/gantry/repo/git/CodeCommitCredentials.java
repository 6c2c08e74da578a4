package dev.gantry.repo.git;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * HTTPS Git credentials for AWS CodeCommit made from AWS credentials (a function's IAM role), so no
 * Git secret is stored: the user name is the access key id ({@code %} and the session token
 * appended for temporary credentials) and the password is {@code <timestamp>Z<signature>}, a
 * Signature Version 4 signature of the canonical request {@code GIT\n<path>\n\nhost:<host>\n\nhost\n}
 * for service {@code codecommit}. This is the scheme AWS's own git-remote-codecommit helper uses
 * (aws/git-remote-codecommit, {@code sign}); the role needs {@code codecommit:GitPull} on the
 * repository.
 */
public final class CodeCommitCredentials {
  private static final Pattern HOST = Pattern.compile("git-codecommit(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private CodeCommitCredentials() {}

  /** A user name and password for HTTP Basic authentication. */
  public record Login(String userName, String password) {}

  /** The region of a CodeCommit clone URL ({@code https://git-codecommit.REGION.amazonaws.com/v1/repos/NAME}), if it is one. */
  public static Optional<String> region(URI url) {
    if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
      return Optional.empty();
    }
    Matcher m = HOST.matcher(url.getHost().toLowerCase(java.util.Locale.ROOT));
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Signs a login for {@code url} at {@code now}.
   *
   * @param url a CodeCommit clone URL ({@link #region} is present)
   * @param credentials the AWS credentials to sign with
   * @param now the signing time (the login is valid for a few minutes around it)
   */
  public static Login login(URI url, AwsCredentialsIdentity credentials, Instant now) {
    String region = region(url).orElseThrow(() -> new IllegalArgumentException(url + " is not a CodeCommit clone URL"));
    String host = url.getHost().toLowerCase(java.util.Locale.ROOT);
    String timestamp = TIMESTAMP.format(now);
    String date = timestamp.substring(0, 8);
    String scope = date + "/" + region + "/codecommit/aws4_request";
    String canonicalRequest = "GIT\n" + url.getRawPath() + "\n\nhost:" + host + "\n\nhost\n";
    String stringToSign = "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + HexFormat.of().formatHex(sha256(canonicalRequest));
    byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, "codecommit");
    key = hmac(key, "aws4_request");
    String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
    String user = credentials.accessKeyId()
        + (credentials instanceof AwsSessionCredentialsIdentity session ? "%" + session.sessionToken() : "");
    return new Login(user, timestamp + "Z" + signature);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
