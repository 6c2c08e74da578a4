package dev.gantry.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.endpoints.DynamoDbEndpointProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * The one place SDK clients are built: explicit region, credentials provider and the
 * URL-connection HTTP client (no Netty, no Apache), with an optional endpoint override for the
 * embedded engines. Build clients once and reuse them (AWS SDK for Java 2.x developer guide,
 * "Best practices": reuse clients; Lambda start-up guide: use UrlConnectionHttpClient).
 */
public final class AwsClients {
  private AwsClients() {}

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
  private static volatile boolean closingConnections;

  /** Adds {@code Connection: close} to every request while {@link #closeConnectionsAfterEachRequest} is on. */
  private static final ExecutionInterceptor CLOSE_WHILE_PRIMING = new ExecutionInterceptor() {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      // the one restricted header HttpURLConnection sends; the server closes the connection after its response
      return closingConnections ? context.httpRequest().toBuilder().putHeader("Connection", "close").build()
          : context.httpRequest();
    }
  };

  /**
   * The HTTP client for AWS service calls: 2 s connect, 30 s socket timeouts; the SDK's own
   * connection factory (TLS, the proxy from system properties or {@code HTTPS_PROXY}).
   */
  public static SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT).build();
  }

  /**
   * While on, every request asks for its connection to be closed after the response ({@code
   * Connection: close}, RFC 9112 section 9.6), so it is never kept alive: priming before a SnapStart
   * snapshot turns it on, and the snapshot then holds no socket to an AWS endpoint nor the JDK's
   * keep-alive timer thread (AWS Lambda Developer Guide, "Maximize Lambda SnapStart performance",
   * networking best practices: connections made during init are not guaranteed to survive a restore).
   * Off by default: other requests keep their connections alive.
   */
  public static void closeConnectionsAfterEachRequest(boolean on) {
    closingConnections = on;
  }

  /** A DynamoDB client; {@code endpoint} points it at DynamoDB Local. */
  public static DynamoDbClient dynamoDb(
      String region, AwsCredentialsProvider credentials, Optional<URI> endpoint) {
    var builder =
        DynamoDbClient.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .httpClient(httpClient())
            .overrideConfiguration(o -> o.addExecutionInterceptor(CLOSE_WHILE_PRIMING));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * A DynamoDB client whose endpoint is asked of {@code endpoint} at each request rather than when
   * it is built: for a local server still starting, so building the client (the slow part of a first
   * client: loading the SDK) overlaps the server's start. {@code endpoint} may block until it listens.
   */
  public static DynamoDbClient dynamoDb(String region, AwsCredentialsProvider credentials, Supplier<URI> endpoint) {
    DynamoDbEndpointProvider rules = DynamoDbEndpointProvider.defaultProvider();
    return DynamoDbClient.builder()
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClient(httpClient())
        .overrideConfiguration(o -> o.addExecutionInterceptor(CLOSE_WHILE_PRIMING))
        .endpointProvider(params -> rules.resolveEndpoint(params.toBuilder().endpoint(endpoint.get().toString()).build()))
        .build();
  }

  /** A client of another AWS service (Step Functions, EventBridge, Secrets Manager, KMS), built the same way. */
  public static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
          & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, C>, C> C client(
      B builder, String region, AwsCredentialsProvider credentials, Optional<URI> endpoint) {
    builder.region(Region.of(region)).credentialsProvider(credentials).httpClient(httpClient())
        .overrideConfiguration(o -> o.addExecutionInterceptor(CLOSE_WHILE_PRIMING));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * An S3 client; {@code endpoint} points it at an S3-compatible server (path-style addressing).
   * Uploads are sent without {@code Expect: 100-continue} (see {@link NoExpectContinue}).
   */
  public static S3Client s3(String region, AwsCredentialsProvider credentials, Optional<URI> endpoint) {
    var builder =
        S3Client.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .httpClient(httpClient())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new NoExpectContinue()).addExecutionInterceptor(CLOSE_WHILE_PRIMING));
    endpoint.ifPresent(
        uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }

  /**
   * An S3 client for an S3-compatible server (path-style addressing) whose endpoint is asked of
   * {@code endpoint} at each request, as {@link #dynamoDb(String, AwsCredentialsProvider, Supplier)}
   * does. Uploads are sent without {@code Expect: 100-continue}.
   */
  public static S3Client s3(String region, AwsCredentialsProvider credentials, Supplier<URI> endpoint) {
    S3EndpointProvider rules = S3EndpointProvider.defaultProvider();
    return S3Client.builder()
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClient(httpClient())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new NoExpectContinue()).addExecutionInterceptor(CLOSE_WHILE_PRIMING))
        .endpointProvider(params -> rules.resolveEndpoint(
            params.toBuilder().endpoint(endpoint.get().toString()).forcePathStyle(true).build()))
        .build();
  }
}
