package dev.gantry.local;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The embedded engines of one machine: DynamoDB Local and s3proxy (an S3-compatible server), each
 * on a free port bound to 127.0.0.1, persisted under a data directory ({@code dynamodb/} and {@code s3/}), so
 * a second {@code gantry} command sees the first one's sessions. Spoken to through the real AWS SDK
 * clients with static local credentials, which s3proxy checks with SigV4.
 *
 * <p>s3proxy was chosen over S3Mock after trying both here (fresh JVM, C1 only, serial GC, median
 * of 3): s3proxy 4.1.0 starts in 0.35 s and checks SigV4 signatures as S3 does; S3Mock 5.2.0 takes
 * 1.6 s, brings Spring Boot 4 and Tomcat (62 jars, 30 MB), needs slf4j 2 pinned, and does not check
 * signatures. Both stop with a zero graceful-stop timeout: a command ends with nothing in flight,
 * and Jetty's default wait cost about 2 s per command.
 *
 * <p>A command starts only the engines it needs ({@link Engine}), each on its own thread, and goes on
 * with its own start-up meanwhile: {@link #dynamoDbEndpoint()} and {@link #s3Endpoint()} wait for
 * their engine, so SDK clients can be built before the engines listen (see {@link LocalStores}).
 */
public final class EmbeddedEngines implements AutoCloseable {
  /** The access key the embedded engines accept (DynamoDB Local allows letters and digits only). */
  public static final String ACCESS_KEY = "gantrylocal";
  private static final String SECRET_KEY = "gantrylocalsecret";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  /** An embedded engine, and the folder under the data directory it keeps its files in. */
  public enum Engine {
    /** DynamoDB Local: sessions, audit log, leases. */
    DYNAMODB("dynamodb"),
    /** s3proxy: documents and audit anchors. */
    S3("s3");

    private final String folder;

    Engine(String folder) {
      this.folder = folder;
    }

    /** The engine's folder under the data directory. */
    public String folder() {
      return folder;
    }
  }

  /** A started engine: how to stop it and where it listens. */
  private record Started(AutoCloseable stop, URI endpoint) {}

  private final Path dataDirectory;
  private final CompletableFuture<Started> dynamoDb;
  private final CompletableFuture<Started> s3;

  private EmbeddedEngines(Path dataDirectory, CompletableFuture<Started> dynamoDb, CompletableFuture<Started> s3) {
    this.dataDirectory = dataDirectory;
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
  }

  /**
   * Starts both engines in parallel, persisted under {@code dataDirectory}, and waits for them.
   *
   * @throws IllegalStateException when an engine does not start within 30 s
   */
  public static EmbeddedEngines start(Path dataDirectory) {
    EmbeddedEngines engines = start(dataDirectory, EnumSet.allOf(Engine.class));
    try {
      engines.dynamoDbEndpoint();
      engines.s3Endpoint();
    } catch (RuntimeException e) {
      engines.close(); // the one that started
      throw e;
    }
    return engines;
  }

  /**
   * Starts {@code engines} in parallel, each on a thread of its own, persisted under {@code
   * dataDirectory}, and returns at once; an engine not named is not started and its folder is not
   * created. The endpoint accessors wait for their engine.
   */
  public static EmbeddedEngines start(Path dataDirectory, Set<Engine> engines) {
    try {
      for (Engine engine : engines) {
        Files.createDirectories(dataDirectory.resolve(engine.folder()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDirectory, e);
    }
    if (!engines.isEmpty()) {
      // Initialise logging once, before two threads race to (which makes SLF4J print replay warnings).
      org.slf4j.LoggerFactory.getILoggerFactory();
    }
    CompletableFuture<Started> dynamo = engines.contains(Engine.DYNAMODB)
        ? CompletableFuture.supplyAsync(() -> startDynamoDb(dataDirectory.resolve(Engine.DYNAMODB.folder())), EmbeddedEngines::onOwnThread)
        : null;
    CompletableFuture<Started> objects = engines.contains(Engine.S3)
        ? CompletableFuture.supplyAsync(() -> startS3(dataDirectory.resolve(Engine.S3.folder())), EmbeddedEngines::onOwnThread)
        : null;
    return new EmbeddedEngines(dataDirectory, dynamo, objects);
  }

  /** Each engine starts on a daemon thread of its own (the common pool may have a single thread on 2 cores). */
  private static void onOwnThread(Runnable task) {
    Thread thread = new Thread(task, "gantry-engine-start");
    thread.setDaemon(true);
    thread.start();
  }

  private static Started startDynamoDb(Path dynamoDir) {
    // DynamoDB Local's command line has no bind-address option and listens on every
    // interface; its request handler is served here on a Jetty connector bound to
    // 127.0.0.1 instead (the same handler ServerRunner.createServer builds).
    Server jetty = new Server();
    jetty.setStopTimeout(0); // as for s3proxy: nothing is in flight at stop
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(0);
    jetty.addConnector(connector);
    try {
      LocalDynamoDBServerHandler handler =
          new LocalDynamoDBServerHandler(
              new LocalDynamoDBRequestHandler(0, false, dynamoDir.toString(), true, false), null);
      jetty.setHandler(new DynamoDBProxyServer(0, handler).setUpHandler(handler));
      jetty.start();
      AutoCloseable stop = () -> {
        jetty.stop();
        handler.close(); // closes the database file, as DynamoDBProxyServer.stop() does
      };
      return new Started(stop, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
    }
  }

  private static Started startS3(Path s3Dir) {
    // Port 0: the kernel picks a free port at bind time, so no other process can take it first.
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(s3Dir.toString()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .stopTimeout(0) // no request is in flight when a command ends: stop at once
            .build();
    try {
      proxy.start();
      Instant deadline = Instant.now().plus(START_TIMEOUT);
      while (!"STARTED".equals(proxy.getState())) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("s3proxy did not start within " + START_TIMEOUT);
        }
        Thread.onSpinWait();
      }
      return new Started(proxy::stop, URI.create("http://127.0.0.1:" + proxy.getPort()));
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start: " + e.getMessage(), e);
    }
  }

  /** The directory the engines keep their files under ({@code GANTRY_HOME}). */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Whether {@code engine} was started (it may still be starting). */
  public boolean started(Engine engine) {
    return (engine == Engine.DYNAMODB ? dynamoDb : s3) != null;
  }

  /**
   * DynamoDB Local's endpoint, once it listens.
   *
   * @throws IllegalStateException when it was not started or failed to start
   */
  public URI dynamoDbEndpoint() {
    return await(Engine.DYNAMODB, dynamoDb).endpoint();
  }

  /**
   * s3proxy's endpoint, once it listens.
   *
   * @throws IllegalStateException when it was not started or failed to start
   */
  public URI s3Endpoint() {
    return await(Engine.S3, s3).endpoint();
  }

  private static Started await(Engine engine, CompletableFuture<Started> starting) {
    if (starting == null) {
      throw new IllegalStateException("the embedded " + engine + " engine was not started for this command");
    }
    try {
      return starting.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** Credentials the engines accept. */
  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /**
   * Stops the engines that were started, waiting for one still starting. DynamoDB Local's data is
   * already in its file: every write is committed before the session store's call returns ({@link
   * LocalStores#committingTransactions}), so a process killed without stopping them ({@code kill -9})
   * loses no acknowledged write ({@code DurabilityIT}).
   */
  @Override
  public void close() {
    for (CompletableFuture<Started> engine : java.util.Arrays.asList(s3, dynamoDb)) {
      try {
        if (engine != null) {
          engine.join().stop().close();
        }
      } catch (Exception e) {
        // stopping is best effort (an engine that failed to start has nothing to stop); the process exits next
      }
    }
  }
}
