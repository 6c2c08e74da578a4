package dev.gantry.config;

import dev.gantry.model.ModelClient;
import dev.gantry.model.bedrock.BedrockConverseModel;
import dev.gantry.model.offline.OfflineModel;
import dev.gantry.model.openai.OpenAiCompatibleModel;
import dev.gantry.pipeline.PipelineDefinition;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** The model client {@code GANTRY_MODEL_PROVIDER} names, for the gantry command and the stage functions alike. */
public final class ModelClients {
  private ModelClients() {}

  /**
   * Builds the configured client once (Bedrock's SDK client on the first call). Bedrock uses the region, the default credentials chain and
   * {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME}; an OpenAI-compatible server {@code
   * GANTRY_MODEL_ENDPOINT} and {@code GANTRY_MODEL_API_KEY}. Read timeouts are {@link
   * PipelineDefinition#MODEL_CALL_TIMEOUT}, longer than any generation of the per-call token limit.
   *
   * @throws IllegalArgumentException naming the variable of an unknown provider or a missing endpoint
   */
  public static ModelClient fromSettings(Settings settings) {
    switch (settings.modelProvider()) {
      case Settings.BEDROCK:
        return new BedrockConverseModel(Lazy.of(() -> BedrockConverseModel.client(settings.region(),
            DefaultCredentialsProvider.builder().build(), settings.modelEndpoint().map(URI::create),
            PipelineDefinition.MODEL_CALL_TIMEOUT)));
      case Settings.OPENAI_COMPATIBLE:
        if (settings.modelId().isBlank()) {
          throw new IllegalArgumentException(EnvironmentVariables.MODEL_ID + " is not set: name the model the server serves, "
              + "e.g. qwen2.5-coder:14b (gantry: --model-id ID)");
        }
        URI endpoint = settings.modelEndpoint().map(URI::create).orElseThrow(() -> new IllegalArgumentException(
            EnvironmentVariables.MODEL_ENDPOINT + " is not set: an OpenAI-compatible provider needs the server's base URL, "
                + "e.g. http://localhost:11434/v1 (gantry: --endpoint URL)"));
        return new OpenAiCompatibleModel(endpoint, settings.modelApiKey(), PipelineDefinition.MODEL_CALL_TIMEOUT,
            Duration.ofSeconds(1));
      case Settings.OFFLINE:
        return new OfflineModel();
      default:
        throw new IllegalArgumentException(EnvironmentVariables.MODEL_PROVIDER + "=" + settings.modelProvider()
            + " is not a model provider: use " + String.join(", ", Settings.PROVIDERS));
    }
  }
}
