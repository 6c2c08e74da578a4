package dev.gantry.repo.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * CodeCommit logins signed from AWS credentials. The expected password was computed with botocore's
 * SigV4Auth the way AWS's git-remote-codecommit helper calls it (method GIT, service codecommit,
 * the canonical request {@code GIT\n<path>\n\nhost:<host>\n\nhost\n}), for the AWS documentation's
 * example key pair.
 */
class CodeCommitCredentialsTest {
  static final URI URL = URI.create("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/inventory");
  static final Instant AT = Instant.parse("2026-12-01T09:30:00Z");

  @Test
  void the_password_is_the_timestamp_and_the_sigv4_signature_botocore_computes() {
    CodeCommitCredentials.Login login = CodeCommitCredentials.login(URL,
        AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), AT);

    assertThat(login.userName()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
    assertThat(login.password()).isEqualTo("20261201T093000Z334ddc4c14f7c5c093315c68247eba992e20dbdd45081914c1cc3e85191b3364");
  }

  @Test
  void temporary_credentials_append_the_session_token_to_the_user_name() {
    CodeCommitCredentials.Login login = CodeCommitCredentials.login(URL,
        AwsSessionCredentials.create("ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE"), AT);

    assertThat(login.userName()).isEqualTo("ASIAEXAMPLE%FwoGZXIvYXdzEXAMPLE");
    assertThat(login.password()).isEqualTo("20261201T093000Z334ddc4c14f7c5c093315c68247eba992e20dbdd45081914c1cc3e85191b3364");
  }

  @Test
  void only_https_codecommit_hosts_are_recognised_with_their_region() {
    assertThat(CodeCommitCredentials.region(URL)).contains("eu-west-1");
    assertThat(CodeCommitCredentials.region(URI.create("https://git-codecommit-fips.us-gov-west-1.amazonaws.com/v1/repos/x")))
        .contains("us-gov-west-1");
    assertThat(CodeCommitCredentials.region(URI.create("https://github.com/octo/app.git"))).isEmpty();
    assertThat(CodeCommitCredentials.region(URI.create("http://git-codecommit.eu-west-1.amazonaws.com/v1/repos/x"))).isEmpty();
  }
}
