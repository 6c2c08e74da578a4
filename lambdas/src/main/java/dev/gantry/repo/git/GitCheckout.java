package dev.gantry.repo.git;

import dev.gantry.repo.RepositoryCheckout;
import dev.gantry.repo.RepositoryFetchException;
import dev.gantry.repo.ScratchSpace;
import dev.gantry.repo.SnapshotArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Checks out one commit of a Git repository over smart HTTP(S) or {@code file://} with JGit (the
 * Lambda runtime has no {@code git} binary) and writes its tree into a {@link SnapshotArchive}.
 *
 * <p>The ref is resolved with ls-remote ({@code HEAD} when none is given; a short name is tried as
 * {@code refs/heads/}, then {@code refs/tags/}); then only that commit is fetched, shallow (depth
 * 1), without tags, submodules or LFS content (LFS files stay pointer files). A given commit is
 * fetched by its id, which GitHub, GitLab and Gitea serve for reachable commits
 * ({@code uploadpack.allowReachableSHA1InWant}). Submodules and symbolic links leaving the tree are
 * counted as dropped.
 *
 * <p>Errors are {@link RepositoryFetchException}s without tokens in them: authentication and
 * missing refs are final; unknown hosts, refused connections and timeouts may be retried.
 */
public final class GitCheckout {
  private static final String SNAPSHOT_REF = "refs/gantry/snapshot";

  private final Supplier<GitCredentials> tokens;
  private final Optional<AwsCredentialsProvider> aws;
  private final Duration timeout;

  /**
   * @param tokens the tokens per host, asked for at each checkout (in AWS they come from a secret)
   * @param aws the AWS credentials that sign CodeCommit logins ({@link CodeCommitCredentials}), if any
   * @param timeout the most one network operation may take (JGit's timeout, in whole seconds)
   */
  public GitCheckout(Supplier<GitCredentials> tokens, Optional<AwsCredentialsProvider> aws, Duration timeout) {
    this.tokens = tokens;
    this.aws = aws;
    this.timeout = timeout;
  }

  /** A checkout with fixed tokens and no AWS credentials. */
  public GitCheckout(GitCredentials tokens, Duration timeout) {
    this(() -> tokens, Optional.empty(), timeout);
  }

  /**
   * Fetches {@code commit} (or the commit {@code ref} points at) and writes its files to {@code
   * archive}.
   *
   * @param url an {@code https://}, {@code http://} or {@code file://} clone URL without credentials
   * @param ref a ref name ({@code main}, {@code refs/heads/main}, {@code v1.2}), or null for the
   *     remote's HEAD; ignored for the fetch when {@code commit} is given, but recorded
   * @param commit a 40-hex commit id, or null to resolve {@code ref}
   * @param archive where the files go; the caller closes it
   * @param scratch a folder for the temporary bare repository (removed before returning)
   * @return the resolved ref and commit and what the snapshot holds
   * @throws RepositoryFetchException when the repository cannot be read
   * @throws dev.gantry.repo.SnapshotLimitException when the commit's tree passes a limit
   */
  public RepositoryCheckout checkout(String url, String ref, String commit, SnapshotArchive.Writer archive, Path scratch) {
    if (commit != null && !ObjectId.isId(commit)) {
      throw new RepositoryFetchException("commit " + commit + " is not a SHA-1 commit id (40 hex digits); the checkout reads "
          + "SHA-1 repositories", false, null);
    }
    GitCredentials credentials = tokens.get();
    CredentialsProvider login = login(URI.create(url), credentials);
    Path gitDir = null;
    try {
      gitDir = Files.createTempDirectory(scratch, "git-");
      try (Git git = Git.init().setBare(true).setDirectory(gitDir.toFile()).call()) {
        // no background garbage collection after the fetch: the folder is deleted right after
        git.getRepository().getConfig().setInt("gc", null, "auto", 0);
        git.getRepository().getConfig().save();
        String resolvedRef = ref;
        String want = commit;
        if (commit == null) {
          Ref found = resolve(url, ref, login, credentials);
          resolvedRef = found.getName();
          want = found.getName();
        }
        fetch(git, url, login, new RefSpec("+" + want + ":" + SNAPSHOT_REF), commit != null, credentials);
        Repository repository = git.getRepository();
        // a fetch by id brings the objects but JGit writes no ref for it: look the commit up directly
        Ref fetched = repository.exactRef(SNAPSHOT_REF);
        ObjectId target = commit != null ? ObjectId.fromString(commit) : fetched == null ? null : fetched.getObjectId();
        if (target == null || !repository.getObjectDatabase().has(target)) {
          throw new RepositoryFetchException(url + " sent nothing for " + want, false, null);
        }
        try (RevWalk walk = new RevWalk(repository)) {
          RevCommit revCommit = walk.parseCommit(target);
          writeTree(repository, revCommit, archive);
          return new RepositoryCheckout(url, resolvedRef, revCommit.name(), archive.files(), archive.bytes(), archive.dropped());
        }
      }
    } catch (GitAPIException e) {
      throw translate(url, "fetch", e, credentials);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the temporary repository for " + url, e);
    } finally {
      ScratchSpace.delete(gitDir);
    }
  }

  /** The configured token for {@code url}'s host, if any (for the forge's API, e.g. commit statuses). */
  public Optional<String> tokenFor(String url) {
    return tokens.get().tokenFor(URI.create(url));
  }

  /**
   * Whether {@link #pushBranch} can authenticate to {@code url}: a {@code file://} repository, a
   * CodeCommit URL with AWS credentials, or a host with a configured token. Without one, a push to a
   * forge would be refused, so the patch is left as the deliverable instead.
   */
  public boolean canPush(String url) {
    URI uri = URI.create(url);
    return "file".equals(uri.getScheme())
        || CodeCommitCredentials.region(uri).isPresent() && aws.isPresent()
        || tokens.get().tokenFor(uri).isPresent();
  }

  /**
   * Pushes {@code patch} applied on top of {@code commit} as a new commit to branch {@code branch}
   * of {@code url}: fetches the commit (depth 1), applies the patch with JGit to its files, commits
   * as Gantry with {@code message} at {@code when}, and pushes {@code refs/heads/<branch>} without
   * force. The commit is the same for the same inputs, so a retried push finds the branch up to date;
   * a branch that holds anything else is refused by the remote, never overwritten.
   *
   * @param when the commit's author and committer time (e.g. the approval's), so retries agree
   * @param scratch a folder for the temporary repository (removed before returning)
   * @return the id of the pushed commit
   * @throws RepositoryFetchException when the repository cannot be read or refuses the push
   */
  public String pushBranch(String url, String commit, String patch, String branch, String message,
      java.time.Instant when, Path scratch) {
    GitCredentials credentials = tokens.get();
    CredentialsProvider login = login(URI.create(url), credentials);
    Path work = null;
    try {
      Files.createDirectories(scratch);
      work = Files.createTempDirectory(scratch, "push-");
      try (Git git = Git.init().setDirectory(work.toFile()).call()) {
        git.getRepository().getConfig().setInt("gc", null, "auto", 0);
        git.getRepository().getConfig().save();
        fetch(git, url, login, new RefSpec("+" + commit + ":" + SNAPSHOT_REF), true, credentials);
        git.checkout().setName(commit).call();
        git.apply().setPatch(new java.io.ByteArrayInputStream(patch.getBytes(StandardCharsets.UTF_8))).call();
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call(); // deletions
        org.eclipse.jgit.lib.PersonIdent gantry =
            new org.eclipse.jgit.lib.PersonIdent("Gantry", "gantry@users.noreply.local", when, java.time.ZoneOffset.UTC);
        RevCommit pushed = git.commit().setMessage(message).setAuthor(gantry).setCommitter(gantry).setSign(false).call();
        Iterable<org.eclipse.jgit.transport.PushResult> results = git.push().setRemote(url).setCredentialsProvider(login)
            .setTimeout(seconds()).setRefSpecs(new RefSpec(pushed.name() + ":" + Constants.R_HEADS + branch)).call();
        for (org.eclipse.jgit.transport.PushResult result : results) {
          for (org.eclipse.jgit.transport.RemoteRefUpdate update : result.getRemoteUpdates()) {
            if (update.getStatus() != org.eclipse.jgit.transport.RemoteRefUpdate.Status.OK
                && update.getStatus() != org.eclipse.jgit.transport.RemoteRefUpdate.Status.UP_TO_DATE) {
              throw new RepositoryFetchException(url + " refused the push of " + branch + ": " + update.getStatus()
                  + (update.getMessage() == null ? "" : " (" + scrub(update.getMessage(), credentials) + ")"), false, null);
            }
          }
        }
        return pushed.name();
      }
    } catch (GitAPIException e) {
      throw translate(url, "push to", e, credentials);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the temporary repository for " + url, e);
    } finally {
      ScratchSpace.delete(work);
    }
  }

  /**
   * A CodeCommit login signed with the AWS credentials, else the host's token, else none; given only
   * to requests for the URL's own scheme, host and port, so a redirect to another host never gets it.
   */
  private CredentialsProvider login(URI url, GitCredentials credentials) {
    if (CodeCommitCredentials.region(url).isPresent() && aws.isPresent()) {
      software.amazon.awssdk.auth.credentials.AwsCredentials role;
      try {
        role = aws.get().resolveCredentials();
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        throw new RepositoryFetchException("no AWS credentials to sign the CodeCommit login for " + url + " ("
            + e.getClass().getSimpleName() + ")", e.retryable(), e);
      }
      CodeCommitCredentials.Login signed = CodeCommitCredentials.login(url, role, java.time.Instant.now());
      return new HostBoundLogin(url, signed.userName(), signed.password());
    }
    return credentials.tokenFor(url).<CredentialsProvider>map(token -> new HostBoundLogin(url, GitCredentials.USER_NAME, token))
        .orElse(null);
  }

  /** Basic credentials JGit gets only when it asks for the origin they were made for. */
  private static final class HostBoundLogin extends CredentialsProvider {
    private final URI origin;
    private final UsernamePasswordCredentialsProvider login;

    HostBoundLogin(URI origin, String userName, String password) {
      this.origin = origin;
      this.login = new UsernamePasswordCredentialsProvider(userName, password);
    }

    @Override
    public boolean isInteractive() {
      return false;
    }

    @Override
    public boolean supports(org.eclipse.jgit.transport.CredentialItem... items) {
      return login.supports(items);
    }

    @Override
    public boolean get(org.eclipse.jgit.transport.URIish uri, org.eclipse.jgit.transport.CredentialItem... items) {
      boolean sameOrigin = uri != null && origin.getScheme().equalsIgnoreCase(uri.getScheme())
          && origin.getHost().equalsIgnoreCase(uri.getHost()) && port(origin.getPort(), origin.getScheme()) == port(uri.getPort(), uri.getScheme());
      return sameOrigin && login.get(uri, items);
    }

    private static int port(int port, String scheme) {
      return port > 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }
  }

  /** The ref {@code ref} names on the remote: HEAD's target when null. */
  private Ref resolve(String url, String ref, CredentialsProvider login, GitCredentials credentials) {
    Map<String, Ref> refs;
    try {
      refs = Git.lsRemoteRepository().setRemote(url).setCredentialsProvider(login).setTimeout(seconds())
          .setHeads(false).setTags(false).callAsMap();
    } catch (GitAPIException e) {
      throw translate(url, "list the refs of", e, credentials);
    }
    if (ref == null || ref.isBlank() || ref.equals(Constants.HEAD)) {
      Ref head = refs.get(Constants.HEAD);
      if (head == null) {
        throw new RepositoryFetchException(url + " has no HEAD (an empty repository?): name a branch with ref", false, null);
      }
      if (head.isSymbolic()) {
        return head.getTarget();
      }
      return refs.values().stream()
          .filter(r -> r.getName().startsWith(Constants.R_HEADS) && head.getObjectId().equals(r.getObjectId()))
          .min(Comparator.comparing(Ref::getName)).orElse(head);
    }
    for (String candidate : List.of(ref, Constants.R_HEADS + ref, Constants.R_TAGS + ref)) {
      Ref found = refs.get(candidate);
      if (found != null) {
        return found;
      }
    }
    List<String> branches = refs.keySet().stream().filter(n -> n.startsWith(Constants.R_HEADS))
        .map(n -> n.substring(Constants.R_HEADS.length())).sorted().limit(20).toList();
    throw new RepositoryFetchException("ref '" + ref + "' not found in " + url + "; branches: "
        + (branches.isEmpty() ? "none" : String.join(", ", branches)), false, null);
  }

  private void fetch(Git git, String url, CredentialsProvider login, RefSpec spec, boolean byId, GitCredentials credentials)
      throws GitAPIException {
    FetchCommand fetch = git.fetch().setRemote(url).setCredentialsProvider(login).setTimeout(seconds())
        .setRefSpecs(spec).setDepth(1).setTagOpt(TagOpt.NO_TAGS);
    try {
      fetch.call();
    } catch (TransportException e) {
      if (byId && missingObject(e)) {
        throw new RepositoryFetchException("commit " + spec.getSource() + " could not be fetched from " + url
            + " (" + scrub(firstLine(e), credentials) + "): check that it exists and is reachable from a branch", false, e);
      }
      throw e;
    }
  }

  private void writeTree(Repository repository, RevCommit commit, SnapshotArchive.Writer archive) throws IOException {
    java.util.Set<String> links = new java.util.HashSet<>();
    try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        if (walk.getFileMode(0) == FileMode.SYMLINK) {
          links.add(walk.getPathString());
        }
      }
    }
    try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        String path = walk.getPathString();
        FileMode mode = walk.getFileMode(0);
        if (!SnapshotArchive.safePath(path) || mode == FileMode.GITLINK) {
          archive.drop();
          continue;
        }
        ObjectId id = walk.getObjectId(0);
        if (mode == FileMode.SYMLINK) {
          ObjectLoader target = reader.open(id);
          if (target.getSize() > SnapshotArchive.MAX_LINK_TARGET) {
            archive.drop();
          } else {
            archive.addLink(path, new String(target.getCachedBytes(), StandardCharsets.UTF_8), links);
          }
        } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          ObjectLoader loader = reader.open(id);
          archive.checkFits(path, loader.getSize());
          try (java.io.InputStream content = loader.openStream()) {
            archive.addFile(path, content, loader.getSize(), mode == FileMode.EXECUTABLE_FILE);
          }
        } else {
          archive.drop();
        }
      }
    } catch (MissingObjectException e) {
      throw new RepositoryFetchException("the fetched commit " + commit.name() + " is missing object " + e.getObjectId().name(),
          true, e);
    }
  }

  private RepositoryFetchException translate(String url, String action, GitAPIException e, GitCredentials credentials) {
    if (e instanceof InvalidRemoteException || e.getCause() instanceof NoRemoteRepositoryException) {
      return new RepositoryFetchException("no Git repository at " + url + ": check the URL (and the token, for a private "
          + "repository)", false, e);
    }
    if (e instanceof TransportException transport) {
      if (authentication(transport)) {
        URI uri = URI.create(url);
        String fix = CodeCommitCredentials.region(uri).isPresent()
            ? "the checkout's IAM role needs codecommit:GitPull on the repository (context codeCommitRepositoryArns)"
            : credentials.tokenFor(uri).isPresent() ? "check the token's access to the repository"
                : "a private repository needs a token (GANTRY_GIT_TOKEN, GANTRY_GIT_TOKENS or the Git secret)";
        return new RepositoryFetchException(url + " refused the credentials (HTTP 401/403): " + fix, false, e);
      }
      Optional<Throwable> network = causes(e).filter(c -> c instanceof UnknownHostException || c instanceof ConnectException
          || c instanceof SocketTimeoutException).findFirst();
      if (network.isPresent()) {
        String what = network.get() instanceof UnknownHostException ? "unknown host"
            : network.get() instanceof ConnectException ? "connection refused" : "timed out after " + seconds() + " s";
        return new RepositoryFetchException("cannot " + action + " " + url + ": " + what, true, e);
      }
      return new RepositoryFetchException("cannot " + action + " " + url + ": " + scrub(firstLine(e), credentials), true, e);
    }
    return new RepositoryFetchException("cannot " + action + " " + url + ": " + scrub(firstLine(e), credentials), false, e);
  }

  /** 401 ("not authorized", "Authentication is required") and 403 (JGit: "... not permitted on ..."). */
  private static boolean authentication(Exception e) {
    return causes(e).map(Throwable::getMessage).filter(m -> m != null).anyMatch(m -> m.contains("not authorized")
        || m.contains("Authentication is required") || m.contains("authentication not supported") || m.contains("not permitted"));
  }

  /** The server refused a wanted object id: "want ... not valid", "not our ref", "does not have ... available". */
  private static boolean missingObject(Exception e) {
    return !authentication(e) && causes(e).map(Throwable::getMessage).filter(m -> m != null)
        .anyMatch(m -> m.contains("not valid") || m.contains("not our ref") || m.contains("does not have")
            || m.contains("Missing commit") || m.contains("missing object"));
  }

  private static Stream<Throwable> causes(Throwable e) {
    return Stream.iterate(e, c -> c != null, Throwable::getCause);
  }

  private static String scrub(String message, GitCredentials credentials) {
    String scrubbed = message;
    for (String token : credentials.all()) {
      scrubbed = scrubbed.replace(token, "***");
    }
    return scrubbed;
  }

  private static String firstLine(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
  }

  private int seconds() {
    return (int) Math.max(1, timeout.toSeconds());
  }


}
