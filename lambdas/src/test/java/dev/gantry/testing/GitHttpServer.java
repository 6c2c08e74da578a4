package dev.gantry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A Git server on loopback speaking smart HTTP (protocol v0, stateless RPC) for the fetch side:
 * {@code GET /NAME/info/refs?service=git-upload-pack} and {@code POST /NAME/git-upload-pack},
 * answered by JGit's own {@link UploadPack}, so clients meet the real protocol. Like GitHub, it
 * serves reachable commits by id. With a token it asks for HTTP Basic credentials (401 with {@code
 * WWW-Authenticate}) and refuses any other password.
 */
public final class GitHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final Path root;
  private final Optional<String> token;
  private final AtomicInteger uploads = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final java.util.List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int refuseWith;
  private volatile String redirectTo;
  private volatile java.util.concurrent.CountDownLatch stall = new java.util.concurrent.CountDownLatch(0);

  private GitHttpServer(Path root, Optional<String> token) throws IOException {
    this.root = root;
    this.token = token;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "git-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /**
   * Serves every repository under {@code root}: {@code NAME} is a work tree with {@code .git} or a
   * bare repository folder.
   *
   * @param token the password clients must send, or empty for public access
   */
  public static GitHttpServer serve(Path root, Optional<String> token) throws IOException {
    return new GitHttpServer(root, token);
  }

  /** The clone URL of the repository in folder {@code name}. */
  public String url(String name) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name).toString();
  }

  /** How many upload-pack requests (fetches) were served. */
  public int uploads() {
    return uploads.get();
  }

  /** How many requests of any kind arrived. */
  public int requests() {
    return requests.get();
  }

  /** Every Authorization header received, in order. */
  public java.util.List<String> authorizations() {
    return java.util.List.copyOf(authorizations);
  }

  /** From now on answers every request with {@code status} (403: a token without access). */
  public GitHttpServer refusing(int status) {
    this.refuseWith = status;
    return this;
  }

  /** From now on answers every request 302 to the same path under {@code base}. */
  public GitHttpServer redirectingTo(String base) {
    this.redirectTo = base;
    return this;
  }

  /**
   * From now on holds every request unanswered until {@link #answering} (a fetch hanging on the
   * network), so a test can stop the client mid-fetch.
   */
  public GitHttpServer stalling() {
    this.stall = new java.util.concurrent.CountDownLatch(1);
    return this;
  }

  /** Answers again, the held requests included. */
  public GitHttpServer answering() {
    stall.countDown();
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      try {
        stall.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        authorizations.add(authorization);
      }
      if (redirectTo != null) {
        String query = exchange.getRequestURI().getRawQuery();
        exchange.getResponseHeaders().add("Location", redirectTo + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      if (refuseWith != 0) {
        exchange.sendResponseHeaders(refuseWith, -1);
        return;
      }
      if (token.isPresent() && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      boolean advertise = path.endsWith("/info/refs") && "service=git-upload-pack".equals(exchange.getRequestURI().getQuery());
      boolean upload = path.endsWith("/git-upload-pack") && exchange.getRequestMethod().equals("POST");
      if (!advertise && !upload) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String name = path.substring(1, path.lastIndexOf(advertise ? "/info/refs" : "/git-upload-pack"));
      Path folder = root.resolve(name);
      if (!folder.normalize().startsWith(root) || !folder.toFile().isDirectory()) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      try (Repository repository = new FileRepositoryBuilder().findGitDir(folder.toFile()).setMustExist(true).build()) {
        UploadPack pack = new UploadPack(repository);
        pack.setBiDirectionalPipe(false);
        pack.setRequestPolicy(UploadPack.RequestPolicy.REACHABLE_COMMIT);
        if (advertise) {
          exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          PacketLineOut packets = new PacketLineOut(out);
          packets.writeString("# service=git-upload-pack\n");
          packets.end();
          pack.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(packets));
          out.flush();
        } else {
          uploads.incrementAndGet();
          InputStream in = exchange.getRequestBody();
          if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
          exchange.sendResponseHeaders(200, 0);
          pack.upload(in, exchange.getResponseBody(), null);
        }
      }
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    return decoded.substring(decoded.indexOf(':') + 1).equals(token.get());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
