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
import java.util.concurrent.CompletableFuture;
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
 */
public final class EmbeddedEngines implements AutoCloseable {
  /** The access key the embedded engines accept (DynamoDB Local allows letters and digits only). */
  public static final String ACCESS_KEY = "gantrylocal";
  private static final String SECRET_KEY = "gantrylocalsecret";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final AutoCloseable dynamoDb;
  private final S3Proxy s3;
  private final URI dynamoDbEndpoint;
  private final URI s3Endpoint;
  private final Path dataDirectory;

  private EmbeddedEngines(Path dataDirectory, AutoCloseable dynamoDb, URI dynamoDbEndpoint, S3Proxy s3, URI s3Endpoint) {
    this.dataDirectory = dataDirectory;
    this.dynamoDb = dynamoDb;
    this.dynamoDbEndpoint = dynamoDbEndpoint;
    this.s3 = s3;
    this.s3Endpoint = s3Endpoint;
  }

  /**
   * Starts both engines in parallel, persisted under {@code dataDirectory}.
   *
   * @throws IllegalStateException when an engine does not start within 30 s
   */
  public static EmbeddedEngines start(Path dataDirectory) {
    Path dynamoDir = dataDirectory.resolve("dynamodb");
    Path s3Dir = dataDirectory.resolve("s3");
    try {
      Files.createDirectories(dynamoDir);
      Files.createDirectories(s3Dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDirectory, e);
    }
    // Initialise logging once, before two threads race to (which makes SLF4J print replay warnings).
    org.slf4j.LoggerFactory.getILoggerFactory();
    CompletableFuture<Object[]> dynamo =
        CompletableFuture.supplyAsync(
            () -> {
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
                return new Object[] {stop, URI.create("http://127.0.0.1:" + connector.getLocalPort())};
              } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
              }
            });
    CompletableFuture<Object[]> objects =
        CompletableFuture.supplyAsync(
            () -> {
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
                return new Object[] {proxy, URI.create("http://127.0.0.1:" + proxy.getPort())};
              } catch (IllegalStateException e) {
                throw e;
              } catch (Exception e) {
                throw new IllegalStateException("s3proxy did not start: " + e.getMessage(), e);
              }
            });
    Object[] d = dynamo.join();
    Object[] s = objects.join();
    return new EmbeddedEngines(dataDirectory, (AutoCloseable) d[0], (URI) d[1], (S3Proxy) s[0], (URI) s[1]);
  }

  /** The directory the engines keep their files under ({@code GANTRY_HOME}). */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** DynamoDB Local's endpoint. */
  public URI dynamoDbEndpoint() {
    return dynamoDbEndpoint;
  }

  /** s3proxy's endpoint. */
  public URI s3Endpoint() {
    return s3Endpoint;
  }

  /** Credentials the engines accept. */
  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /**
   * Stops both engines. DynamoDB Local's data is already in its file: every write is committed before
   * the session store's call returns ({@link LocalStores#committingTransactions}), so a process
   * killed without stopping them ({@code kill -9}) loses no acknowledged write ({@code DurabilityIT}).
   */
  @Override
  public void close() {
    try {
      s3.stop();
    } catch (Exception e) {
      // stopping is best effort; the process exits next
    }
    try {
      dynamoDb.close();
    } catch (Exception e) {
      // as above
    }
  }
}
