package dev.gantry.model.bedrock;

import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelPrices;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.ModelThrottledException;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import dev.gantry.model.ToolSpec;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointBlock;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointType;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultStatus;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * The model port on Amazon Bedrock's Converse API (AWS SDK v2 {@code bedrockruntime}). A request
 * becomes: the system prompt then a {@code cachePoint}; the tool specifications then a {@code
 * cachePoint} (so repeated turns and stages read the prompt and tools from the cache); the
 * conversation; {@code inferenceConfig.maxTokens}. The answer's usage includes cache reads and
 * writes and is priced with {@link ModelPrices}. Source: Amazon Bedrock API reference, Converse;
 * User Guide, "Prompt caching for faster model inference".
 *
 * <p>Errors: throttling ({@code ThrottlingException}, {@code ServiceUnavailableException}, {@code
 * ModelNotReadyException}) and other 5xx answers are retried by the SDK's standard retry strategy
 * with exponential backoff and full jitter, {@value #MAX_ATTEMPTS} attempts in all, then surface as
 * {@link ModelThrottledException} (the stage's policy may retry the stage). A read timeout or any
 * other I/O error is never retried: the generation may have run and been billed. {@code
 * ValidationException}, {@code AccessDeniedException} and {@code ResourceNotFoundException} fail at
 * once with what to check.
 */
public final class BedrockConverseModel implements ModelClient {
  /** Attempts per call, the first included. */
  public static final int MAX_ATTEMPTS = 4;

  private final java.util.function.Supplier<BedrockRuntimeClient> bedrock;

  /** @param bedrock a client built once, e.g. with {@link #client} */
  public BedrockConverseModel(BedrockRuntimeClient bedrock) {
    this(() -> bedrock);
  }

  /**
   * @param bedrock the client, built on first use (a stage function that calls no agent, such as
   *     checkout or validate, never builds it)
   */
  public BedrockConverseModel(java.util.function.Supplier<BedrockRuntimeClient> bedrock) {
    this.bedrock = bedrock;
  }

  /**
   * A Bedrock Runtime client for Converse: URL-connection HTTP client with {@code readTimeout} (it
   * must outlast the longest generation {@code maxTokens} allows), the retry strategy above.
   *
   * @param region the AWS region
   * @param credentials the credentials provider (the default chain in Lambda and on a laptop)
   * @param endpoint an endpoint override ({@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME}, a test stub)
   * @param readTimeout socket read timeout
   */
  public static BedrockRuntimeClient client(
      String region, AwsCredentialsProvider credentials, Optional<URI> endpoint, Duration readTimeout) {
    return client(region, credentials, endpoint, readTimeout, Duration.ofSeconds(1));
  }

  /** As above, with the first retry's backoff ceiling (tests shorten it). */
  static BedrockRuntimeClient client(
      String region, AwsCredentialsProvider credentials, Optional<URI> endpoint, Duration readTimeout, Duration backoff) {
    var builder = BedrockRuntimeClient.builder()
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(readTimeout)
            .build())
        .overrideConfiguration(o -> o.retryStrategy(retryStrategy(backoff)));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Retries throttling and 5xx answers only; never an I/O error such as a read timeout. */
  static StandardRetryStrategy retryStrategy(Duration backoff) {
    return StandardRetryStrategy.builder()
        .useClientDefaults(false)
        .maxAttempts(MAX_ATTEMPTS)
        .retryOnException(BedrockConverseModel::retryable)
        .treatAsThrottling(BedrockConverseModel::throttled)
        .backoffStrategy(BackoffStrategy.exponentialDelay(backoff, Duration.ofSeconds(20)))
        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(backoff, Duration.ofSeconds(20)))
        .circuitBreakerEnabled(false)
        .build();
  }

  private static boolean retryable(Throwable error) {
    return error instanceof AwsServiceException service && (service.isThrottlingException() || service.statusCode() >= 500);
  }

  private static boolean throttled(Throwable error) {
    return error instanceof AwsServiceException service && (service.isThrottlingException() || service.statusCode() == 429);
  }

  @Override
  public ModelResponse converse(ModelRequest request) {
    List<Tool> tools = new ArrayList<>();
    for (ToolSpec spec : request.tools()) {
      tools.add(Tool.fromToolSpec(ToolSpecification.builder()
          .name(spec.name())
          .description(spec.description())
          .inputSchema(ToolInputSchema.fromJson(JsonDocuments.toDocument(spec.inputSchema())))
          .build()));
    }
    CachePointBlock cachePoint = CachePointBlock.builder().type(CachePointType.DEFAULT).build();
    ConverseResponse response;
    try {
      response = bedrock.get().converse(b -> {
        b.modelId(request.modelId())
            .system(SystemContentBlock.fromText(request.system()), SystemContentBlock.fromCachePoint(cachePoint))
            .messages(request.messages().stream().map(BedrockConverseModel::message).toList())
            .inferenceConfig(i -> i.maxTokens(request.maxTokens()));
        if (!tools.isEmpty()) {
          tools.add(Tool.fromCachePoint(cachePoint));
          b.toolConfig(t -> t.tools(tools));
        }
      });
    } catch (SdkException e) {
      throw translate(request.modelId(), e);
    }
    var usage = response.usage();
    TokenUsage counted = new TokenUsage(number(usage.inputTokens()), number(usage.outputTokens()),
        number(usage.cacheReadInputTokens()), number(usage.cacheWriteInputTokens()), 0);
    TokenUsage tokens = counted.withCost(ModelPrices.of(request.modelId()).map(p -> p.costMicrodollars(counted)).orElse(0L));
    long latency = response.metrics() == null || response.metrics().latencyMs() == null ? 0 : response.metrics().latencyMs();
    return new ModelResponse(fromBedrock(response.output().message()), stopReason(response.stopReasonAsString()), tokens, latency);
  }

  /** Known when {@link ModelPrices} lists the model. */
  @Override
  public boolean knowsCost(String modelId) {
    return ModelPrices.of(modelId).isPresent();
  }

  @Override
  public String describe() {
    return "Amazon Bedrock (Converse)";
  }

  private static ModelException translate(String modelId, SdkException e) {
    if (e instanceof ValidationException) {
      return new ModelException("Bedrock refused the request for " + modelId + " (ValidationException: "
          + e.getMessage() + "): check the model id and maxTokens", false, e);
    }
    if (e instanceof AccessDeniedException) {
      return new ModelException("Bedrock denied access to " + modelId + ": enable the model in the Bedrock console "
          + "(Model access) and allow bedrock:InvokeModel on it", false, e);
    }
    if (e instanceof ResourceNotFoundException) {
      return new ModelException("Bedrock has no model " + modelId + " in this region: check the id or use an "
          + "inference profile", false, e);
    }
    if (e instanceof AwsServiceException service && retryable(service)) {
      return new ModelThrottledException("Bedrock still throttled or unavailable after " + MAX_ATTEMPTS + " attempts ("
          + service.awsErrorDetails().errorCode() + ")", e);
    }
    if (e instanceof SdkClientException && causedBy(e, SocketTimeoutException.class)) {
      return new ModelException("the Bedrock call for " + modelId + " outlived the read timeout; not retried, since "
          + "the generation may have been billed", false, e);
    }
    if (e instanceof SdkClientException && causedBy(e, IOException.class)) {
      return new ModelException("the Bedrock call for " + modelId + " failed on the network (" + e.getMessage()
          + "); not retried, since the generation may have been billed", false, e);
    }
    return new ModelException("the Bedrock call for " + modelId + " failed: " + e.getMessage(), false, e);
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static long number(Integer value) {
    return value == null ? 0 : value;
  }

  private static software.amazon.awssdk.services.bedrockruntime.model.Message message(Message message) {
    List<software.amazon.awssdk.services.bedrockruntime.model.ContentBlock> blocks = new ArrayList<>();
    for (ContentBlock block : message.content()) {
      if (block instanceof ContentBlock.Text text) {
        blocks.add(software.amazon.awssdk.services.bedrockruntime.model.ContentBlock.fromText(text.text()));
      } else if (block instanceof ContentBlock.ToolUse use) {
        blocks.add(software.amazon.awssdk.services.bedrockruntime.model.ContentBlock.fromToolUse(
            u -> u.toolUseId(use.toolUseId()).name(use.name()).input(JsonDocuments.toDocument(use.input()))));
      } else if (block instanceof ContentBlock.ToolResult result) {
        blocks.add(software.amazon.awssdk.services.bedrockruntime.model.ContentBlock.fromToolResult(
            r -> r.toolUseId(result.toolUseId())
                .content(ToolResultContentBlock.fromText(result.content()))
                .status(result.status() == ContentBlock.ToolResult.Status.SUCCESS ? ToolResultStatus.SUCCESS : ToolResultStatus.ERROR)));
      }
    }
    return software.amazon.awssdk.services.bedrockruntime.model.Message.builder()
        .role(message.role() == Message.Role.USER ? ConversationRole.USER : ConversationRole.ASSISTANT)
        .content(blocks)
        .build();
  }

  private static Message fromBedrock(software.amazon.awssdk.services.bedrockruntime.model.Message message) {
    List<ContentBlock> blocks = new ArrayList<>();
    for (var block : message.content()) {
      if (block.text() != null) {
        blocks.add(new ContentBlock.Text(block.text()));
      } else if (block.toolUse() != null) {
        blocks.add(new ContentBlock.ToolUse(block.toolUse().toolUseId(), block.toolUse().name(),
            JsonDocuments.toJson(block.toolUse().input())));
      }
    }
    return new Message(message.role() == ConversationRole.USER ? Message.Role.USER : Message.Role.ASSISTANT, blocks);
  }

  private static StopReason stopReason(String reason) {
    return switch (reason == null ? "" : reason) {
      case "tool_use" -> StopReason.TOOL_USE;
      case "max_tokens" -> StopReason.MAX_TOKENS;
      case "stop_sequence" -> StopReason.STOP_SEQUENCE;
      case "guardrail_intervened", "content_filtered" -> StopReason.CONTENT_FILTERED;
      default -> StopReason.END_TURN;
    };
  }
}
