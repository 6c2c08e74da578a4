package dev.gantry.infra;

import dev.gantry.config.EnvironmentVariables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Function;

/**
 * Which models the stage functions may invoke, and how they are told. Invoke permission is scoped
 * to the configured ids: an inference profile in this account and region, plus the foundation
 * model it routes to in any region, but only when called through that profile ({@code
 * bedrock:InferenceProfileArn} condition); a plain model id gets its foundation-model ARN in this
 * region. Converse needs {@code bedrock:InvokeModel}, ConverseStream {@code
 * bedrock:InvokeModelWithResponseStream}. Source: Amazon Bedrock User Guide, "Prerequisites for
 * inference profiles" and "Actions, resources, and condition keys for Amazon Bedrock".
 */
public final class ModelAccess {
  /** Geography prefixes of cross-region inference profile ids ({@code us.anthropic....}). */
  private static final Pattern PROFILE_ID = Pattern.compile("^(us|eu|apac|jp|au|ca|us-gov|global)\\.(.+)$");
  static final List<String> ACTIONS = List.of("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");

  private final String provider;
  private final List<String> modelIds;
  private final Stack stack;

  /**
   * @param stack the stack (for region, account and partition)
   * @param provider {@code GANTRY_MODEL_PROVIDER}
   * @param modelIds model or inference profile ids; the first is the default model
   */
  public ModelAccess(Stack stack, String provider, List<String> modelIds) {
    this.stack = stack;
    this.provider = provider;
    this.modelIds = List.copyOf(modelIds);
  }

  /**
   * The stage functions' model environment variables: the provider, the default model (the first
   * id), and each agent alias ({@code sonnet}, {@code opus}, {@code haiku}) set to the first
   * configured id that names it, else to the default, so every agent resolves to a model IAM allows.
   */
  public Map<String, String> environment() {
    Map<String, String> environment = new java.util.TreeMap<>();
    environment.put(EnvironmentVariables.MODEL_PROVIDER, provider);
    environment.put(EnvironmentVariables.MODEL_ID, modelIds.get(0));
    for (String alias : List.of("sonnet", "opus", "haiku")) {
      environment.put(EnvironmentVariables.MODEL_ALIAS_PREFIX + alias.toUpperCase(java.util.Locale.ROOT),
          modelIds.stream().filter(id -> id.contains(alias)).findFirst().orElse(modelIds.get(0)));
    }
    return environment;
  }

  /** Adds the invoke statements for the configured models to {@code function}'s role. */
  public void grantInvoke(Function function) {
    List<String> profiles = new ArrayList<>();
    List<String> models = new ArrayList<>();
    for (String id : modelIds) {
      var profile = PROFILE_ID.matcher(id);
      if (profile.matches()) {
        String profileArn = arn(stack.getRegion(), stack.getAccount(), "inference-profile/" + id);
        profiles.add(profileArn);
        function.addToRolePolicy(PolicyStatement.Builder.create()
            .sid("InvokeThroughProfile" + profiles.size())
            .effect(Effect.ALLOW)
            .actions(ACTIONS)
            .resources(List.of(arn("*", "", "foundation-model/" + profile.group(2))))
            .conditions(Map.of("StringEquals", Map.of("bedrock:InferenceProfileArn", profileArn)))
            .build());
      } else {
        models.add(arn(stack.getRegion(), "", "foundation-model/" + id));
      }
    }
    List<String> direct = new ArrayList<>(profiles);
    direct.addAll(models);
    function.addToRolePolicy(PolicyStatement.Builder.create()
        .sid("InvokeConfiguredModels")
        .effect(Effect.ALLOW)
        .actions(ACTIONS)
        .resources(direct)
        .build());
  }

  private String arn(String region, String account, String resource) {
    return "arn:" + stack.getPartition() + ":bedrock:" + region + ":" + account + ":" + resource;
  }

}
