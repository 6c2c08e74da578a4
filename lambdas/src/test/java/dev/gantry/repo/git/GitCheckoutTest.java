package dev.gantry.repo.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.repo.RepositoryCheckout;
import dev.gantry.repo.RepositoryFetchException;
import dev.gantry.repo.SnapshotArchive;
import dev.gantry.repo.SnapshotLimitException;
import dev.gantry.repo.SnapshotLimits;
import dev.gantry.testing.GitFixtures;
import dev.gantry.testing.GitHttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkouts over smart HTTP from JGit's own upload-pack on loopback, and over file://. */
class GitCheckoutTest {
  static final String TOKEN = "tok-" + java.util.UUID.randomUUID();

  @TempDir Path served;
  @TempDir Path scratch;
  @TempDir Path extracted;
  Git origin;
  RevCommit first;
  GitHttpServer server;

  @BeforeEach
  void repository() throws Exception {
    Path work = Files.createDirectories(served.resolve("orders"));
    origin = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
    Files.writeString(work.resolve("README.md"), "# Orders\n");
    Files.createDirectories(work.resolve("src/handlers"));
    Files.writeString(work.resolve("src/handlers/create.js"), "exports.handler = async () => ({statusCode: 201});\n");
    Path script = Files.writeString(work.resolve("build.sh"), "#!/bin/sh\necho build\n");
    script.toFile().setExecutable(true);
    Files.createSymbolicLink(work.resolve("docs"), Path.of("src"));
    Files.createSymbolicLink(work.resolve("escape"), Path.of("../../../etc/passwd"));
    first = GitFixtures.commitAll(origin, "first");
    origin.branchCreate().setName("dev").call();
    server = GitHttpServer.serve(served, Optional.empty());
  }

  @AfterEach
  void stop() {
    server.close();
    origin.close();
  }

  private RevCommit commitMore() throws Exception {
    Path work = origin.getRepository().getWorkTree().toPath();
    Files.writeString(work.resolve("CHANGELOG.md"), "second\n");
    return GitFixtures.commitAll(origin, "second");
  }

  record Result(RepositoryCheckout checkout, byte[] archive) {}

  private Result checkout(GitCheckout git, String url, String ref, String commit, SnapshotLimits limits) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RepositoryCheckout checkout;
    try (SnapshotArchive.Writer archive = new SnapshotArchive.Writer(bytes, limits)) {
      checkout = git.checkout(url, ref, commit, archive, scratch);
    }
    return new Result(checkout, bytes.toByteArray());
  }

  private static GitCheckout anonymous() {
    return new GitCheckout(GitCredentials.none(), Duration.ofSeconds(20));
  }

  @Test
  void the_remote_head_is_resolved_fetched_shallow_and_snapshotted_without_the_link_that_leaves_the_tree() throws IOException {
    Result result = checkout(anonymous(), server.url("orders"), null, null, SnapshotLimits.DEFAULT);

    assertThat(result.checkout().commit()).isEqualTo(first.name());
    assertThat(result.checkout().ref()).isEqualTo("refs/heads/main");
    assertThat(result.checkout().fileCount()).isEqualTo(4); // 3 files and the link that stays inside
    assertThat(result.checkout().droppedCount()).isEqualTo(1);
    SnapshotArchive.extract(new ByteArrayInputStream(result.archive()), extracted, SnapshotLimits.DEFAULT);
    assertThat(extracted.resolve("src/handlers/create.js")).hasContent("exports.handler = async () => ({statusCode: 201});");
    assertThat(Files.isExecutable(extracted.resolve("build.sh"))).isTrue();
    assertThat(Files.readSymbolicLink(extracted.resolve("docs"))).isEqualTo(Path.of("src"));
    assertThat(extracted.resolve("escape")).doesNotExist();
    assertThat(extracted.resolve(".git")).doesNotExist();
  }

  @Test
  void the_same_commit_makes_the_same_snapshot_bytes() throws IOException {
    Result one = checkout(anonymous(), server.url("orders"), null, null, SnapshotLimits.DEFAULT);
    Result two = checkout(anonymous(), server.url("orders"), null, first.name(), SnapshotLimits.DEFAULT);

    assertThat(dev.gantry.hash.Sha256.hex(two.archive())).isEqualTo(dev.gantry.hash.Sha256.hex(one.archive()));
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.util.zip.GZIPInputStream(new ByteArrayInputStream(one.archive())))) {
      for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        assertThat(entry.getModTime().getTime()).as(entry.getName()).isZero(); // no clock in the bytes
      }
    }
  }

  @Test
  void a_given_commit_is_fetched_by_id_even_after_the_branch_moved_on() throws Exception {
    RevCommit second = commitMore();
    origin.branchDelete().setBranchNames("dev").setForce(true).call(); // no ref advertises the first commit now

    Result pinned = checkout(anonymous(), server.url("orders"), "refs/heads/main", first.name(), SnapshotLimits.DEFAULT);
    Result tip = checkout(anonymous(), server.url("orders"), "main", null, SnapshotLimits.DEFAULT);

    assertThat(pinned.checkout().commit()).isEqualTo(first.name());
    assertThat(pinned.checkout().fileCount()).isEqualTo(4);
    assertThat(tip.checkout().commit()).isEqualTo(second.name());
    assertThat(tip.checkout().fileCount()).isEqualTo(5);
  }

  @Test
  void a_ref_that_does_not_exist_is_refused_at_once_naming_the_branches() {
    assertThatThrownBy(() -> checkout(anonymous(), server.url("orders"), "mian", null, SnapshotLimits.DEFAULT))
        .isInstanceOf(RepositoryFetchException.class)
        .hasMessage("ref 'mian' not found in " + server.url("orders") + "; branches: dev, main")
        .satisfies(e -> assertThat(((RepositoryFetchException) e).retryable()).isFalse());
  }

  @Test
  void a_private_repository_needs_the_token_and_no_message_holds_it() throws IOException {
    try (GitHttpServer locked = GitHttpServer.serve(served, Optional.of(TOKEN))) {
      String url = locked.url("orders");

      assertThatThrownBy(() -> checkout(anonymous(), url, null, null, SnapshotLimits.DEFAULT))
          .isInstanceOf(RepositoryFetchException.class)
          .hasMessage(url + " refused the credentials (HTTP 401/403): a private repository needs a token "
              + "(GANTRY_GIT_TOKEN, GANTRY_GIT_TOKENS or the Git secret)")
          .satisfies(e -> assertThat(((RepositoryFetchException) e).retryable()).isFalse());
      GitCheckout wrong = new GitCheckout(new GitCredentials("guess", Map.of()), Duration.ofSeconds(20));
      assertThatThrownBy(() -> checkout(wrong, url, null, null, SnapshotLimits.DEFAULT))
          .hasMessageEndingWith("check the token's access to the repository").hasMessageNotContaining("guess");
      GitCheckout right = new GitCheckout(new GitCredentials("guess", Map.of("127.0.0.1", TOKEN)), Duration.ofSeconds(20));
      assertThat(checkout(right, url, null, null, SnapshotLimits.DEFAULT).checkout().commit()).isEqualTo(first.name());
    }
  }

  @Test
  void a_token_without_access_403_fails_at_once() throws IOException {
    try (GitHttpServer forbidden = GitHttpServer.serve(served, Optional.empty()).refusing(403)) {
      GitCheckout git = new GitCheckout(new GitCredentials(null, Map.of("127.0.0.1", TOKEN)), Duration.ofSeconds(20));

      assertThatThrownBy(() -> checkout(git, forbidden.url("orders"), null, null, SnapshotLimits.DEFAULT))
          .isInstanceOf(RepositoryFetchException.class)
          .hasMessage(forbidden.url("orders") + " refused the credentials (HTTP 401/403): check the token's access to the repository")
          .satisfies(e -> assertThat(((RepositoryFetchException) e).retryable()).isFalse());
    }
  }

  @Test
  void a_redirect_to_another_origin_never_receives_the_token() throws IOException {
    try (GitHttpServer elsewhere = GitHttpServer.serve(served, Optional.of(TOKEN));
         GitHttpServer redirecting = GitHttpServer.serve(served, Optional.empty())) {
      redirecting.redirectingTo(elsewhere.url("").replaceAll("/$", ""));
      // both listen on 127.0.0.1, but a login is bound to the origin it was made for: scheme, host and port
      String origin = redirecting.url("orders");
      GitCheckout git = new GitCheckout(new GitCredentials(null, Map.of("127.0.0.1", TOKEN)), Duration.ofSeconds(20));

      assertThatThrownBy(() -> checkout(git, origin, null, null, SnapshotLimits.DEFAULT)).isInstanceOf(RepositoryFetchException.class);
      assertThat(elsewhere.requests()).as("the redirect was followed").isPositive();
      assertThat(elsewhere.authorizations()).isEmpty();
    }
  }

  @Test
  void a_fetch_by_id_that_cannot_connect_may_be_retried() {
    assertThatThrownBy(() -> checkout(anonymous(), "http://127.0.0.1:1/orders", "main", first.name(), SnapshotLimits.DEFAULT))
        .isInstanceOf(RepositoryFetchException.class).hasMessageContaining("connection refused")
        .satisfies(e -> assertThat(((RepositoryFetchException) e).retryable()).isTrue());
  }

  @Test
  void a_token_is_never_sent_over_plain_http_to_another_host() {
    GitCredentials credentials = new GitCredentials("secret", Map.of());

    assertThat(credentials.tokenFor(java.net.URI.create("https://github.com/octo/app.git"))).contains("secret");
    assertThat(credentials.tokenFor(java.net.URI.create("http://git.example.com/octo/app.git"))).isEmpty();
    assertThat(credentials.tokenFor(java.net.URI.create("http://127.0.0.1:8080/app.git"))).contains("secret");
  }

  @Test
  void each_limit_fails_the_checkout_naming_its_setting() {
    assertThatThrownBy(() -> checkout(anonymous(), server.url("orders"), null, null, new SnapshotLimits(1 << 20, 2, 1 << 20)))
        .isInstanceOf(SnapshotLimitException.class).hasMessageContaining("more than 2 files (GANTRY_SNAPSHOT_MAX_FILES)");
    assertThatThrownBy(() -> checkout(anonymous(), server.url("orders"), null, null, new SnapshotLimits(1 << 20, 100, 20)))
        .isInstanceOf(SnapshotLimitException.class).hasMessageContaining("more than one file may (20, GANTRY_SNAPSHOT_MAX_FILE_BYTES)");
    assertThatThrownBy(() -> checkout(anonymous(), server.url("orders"), null, null, new SnapshotLimits(40, 100, 1 << 20)))
        .isInstanceOf(SnapshotLimitException.class).hasMessageContaining("more than 40 bytes (GANTRY_SNAPSHOT_MAX_BYTES)");
  }

  @Test
  void a_refused_connection_may_be_retried_and_a_file_url_works_like_http() {
    assertThatThrownBy(() -> checkout(anonymous(), "http://127.0.0.1:1/orders", null, null, SnapshotLimits.DEFAULT))
        .isInstanceOf(RepositoryFetchException.class).hasMessageContaining("connection refused")
        .satisfies(e -> assertThat(((RepositoryFetchException) e).retryable()).isTrue());

    String fileUrl = served.resolve("orders").toUri().toString();
    assertThat(checkout(anonymous(), fileUrl, "dev", null, SnapshotLimits.DEFAULT).checkout().commit()).isEqualTo(first.name());
  }
}
