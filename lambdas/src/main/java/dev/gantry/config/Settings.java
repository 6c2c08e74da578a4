package dev.gantry.config;

import dev.gantry.agent.AgentRunner;
import dev.gantry.model.ModelSelection;
import dev.gantry.repo.SnapshotLimits;
import dev.gantry.repo.git.GitCredentials;
import dev.gantry.session.RepositoryRoots;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Gantry's settings, read once from the environment ({@link EnvironmentVariables}); services get
 * them through their constructors and never read the environment themselves.
 *
 * @param region AWS region
 * @param sessionsTable sessions table name
 * @param auditTable audit table name
 * @param documentsBucket documents bucket name
 * @param modelProvider {@code offline}, {@code bedrock} or {@code openai-compatible}
 * @param modelId default model or inference profile id
 * @param modelAliases the agents' {@code model} aliases ({@code sonnet}, {@code opus}, {@code haiku})
 *     mapped to model ids; {@code GANTRY_MODEL_SONNET} and friends override the defaults
 * @param modelEndpoint the model endpoint: {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME} for Bedrock (empty
 *     for the region's endpoint), {@code GANTRY_MODEL_ENDPOINT} for an OpenAI-compatible server
 * @param modelApiKey bearer token for an OpenAI-compatible server ({@code GANTRY_MODEL_API_KEY}), may be empty
 * @param maxTurns most model calls per agent run, 1..200
 * @param tokenBudget most tokens per agent run
 * @param readLimitBytes most bytes per read_file
 * @param outputTokenBudget most output tokens per agent run ({@code GANTRY_OUTPUT_TOKEN_BUDGET})
 * @param stageBudgetMicrodollars most model cost per stage ({@code GANTRY_STAGE_BUDGET_USD}, default $5)
 * @param sessionBudgetMicrodollars most model cost per session ({@code GANTRY_SESSION_BUDGET_USD}, default $20)
 * @param snapshotLimits the most a repository snapshot may hold ({@code GANTRY_SNAPSHOT_MAX_BYTES},
 *     {@code _MAX_FILES}, {@code _MAX_FILE_BYTES}; defaults {@link SnapshotLimits#DEFAULT})
 * @param gitCredentials Git tokens: {@code GANTRY_GIT_TOKEN} for any host, {@code GANTRY_GIT_TOKENS}
 *     (JSON object, host to token) per host
 * @param scratchDirectory where checkouts work and snapshots are extracted ({@code GANTRY_SCRATCH_DIR};
 *     default {@code <java.io.tmpdir>/gantry}, which is {@code /tmp/gantry} in Lambda)
 * @param snapshotsKept how many extracted snapshots stay on disk ({@code GANTRY_SNAPSHOTS_KEPT}, default
 *     4: the sessions a process runs at once; the stack sets 1)
 * @param deploy how the deploy stages reach stacks
 * @param sessionLink where a person reads a session, {@code {sessionId}} standing for its id ({@code
 *     GANTRY_SESSION_LINK}, e.g. {@code https://abc.execute-api.eu-west-1.amazonaws.com/sessions/{sessionId}};
 *     the stack sets it), linked from the commit statuses of reviews; empty when unset
 * @param repositoryRoots where a session's {@code repository.path} may lie: under the folders {@code
 *     GANTRY_REPOSITORY_ROOTS} lists (path-separator or comma separated; none when unset), never inside
 *     or around {@code GANTRY_HOME} (when set) or the scratch folder
 * @param allowSelfApproval {@code GANTRY_ALLOW_SELF_APPROVAL} when set: whether the principal that
 *     started a session may decide its approval; empty for the transport's default (off in AWS, on
 *     locally)
 * @param leaseDuration how long the local executor's lease on a running session lasts unless renewed
 *     ({@code GANTRY_LEASE_SECONDS}, 1..3600, default 60; renewed every third of it): after it a
 *     session whose process stopped is recovered. Unused in AWS, where Step Functions owns executions
 */
public record Settings(
    String region,
    String sessionsTable,
    String auditTable,
    String documentsBucket,
    String modelProvider,
    String modelId,
    Map<String, String> modelAliases,
    Optional<String> modelEndpoint,
    Optional<String> modelApiKey,
    int maxTurns,
    long tokenBudget,
    long readLimitBytes,
    long outputTokenBudget,
    long stageBudgetMicrodollars,
    long sessionBudgetMicrodollars,
    SnapshotLimits snapshotLimits,
    GitCredentials gitCredentials,
    Path scratchDirectory,
    int snapshotsKept,
    Deploy deploy,
    Optional<String> sessionLink,
    RepositoryRoots repositoryRoots,
    Optional<Boolean> allowSelfApproval,
    java.time.Duration leaseDuration) {

  /** {@code GANTRY_DEPLOY_MODE=dry-run}: change sets are previews and nothing is executed (the default on one machine). */
  public static final String DEPLOY_DRY_RUN = "dry-run";
  /** {@code GANTRY_DEPLOY_MODE=cloudformation}: real change sets, executed after approval (the stack sets it). */
  public static final String DEPLOY_CLOUDFORMATION = "cloudformation";
  /** The deploy modes, in the order help lists them. */
  public static final java.util.List<String> DEPLOY_MODES = java.util.List.of(DEPLOY_DRY_RUN, DEPLOY_CLOUDFORMATION);
  /** The stack name prefix when {@code GANTRY_STACK_PREFIX} is unset. */
  public static final String DEFAULT_STACK_PREFIX = dev.gantry.session.SessionService.DEFAULT_STACK_PREFIX;

  /**
   * How the deploy stages reach stacks.
   *
   * @param mode {@link #DEPLOY_DRY_RUN} or {@link #DEPLOY_CLOUDFORMATION} ({@code GANTRY_DEPLOY_MODE})
   * @param roleArn the CloudFormation service role passed as {@code RoleARN} ({@code GANTRY_DEPLOY_ROLE_ARN});
   *     empty to let CloudFormation use the caller's credentials (a laptop without a role)
   * @param boundaryArn the permissions boundary roles of deployed stacks must carry ({@code
   *     GANTRY_DEPLOY_BOUNDARY_ARN}), passed as the template parameter {@code PermissionsBoundaryArn}
   * @param stackPrefix every stack name starts with it ({@code GANTRY_STACK_PREFIX}, default {@value #DEFAULT_STACK_PREFIX})
   * @param endpoint a CloudFormation endpoint override: {@code AWS_ENDPOINT_URL_CLOUDFORMATION}, else
   *     {@code AWS_ENDPOINT_URL} (the AWS SDKs' endpoint variables); empty for the region's endpoint
   */
  public record Deploy(String mode, Optional<String> roleArn, Optional<String> boundaryArn, String stackPrefix,
      Optional<java.net.URI> endpoint) {}

  /** Default model: a Claude Sonnet cross-region inference profile (Bedrock model ids page). */
  public static final String DEFAULT_MODEL_ID = "us.anthropic.claude-sonnet-4-20250514-v1:0";

  /**
   * Reads settings from {@code environment}, with defaults for one machine.
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed
   */
  public static Settings fromEnvironment(Map<String, String> environment) {
    String provider = environment.getOrDefault(EnvironmentVariables.MODEL_PROVIDER, OFFLINE).strip();
    boolean local = provider.equals(OPENAI_COMPATIBLE);
    // a local server serves the one model it was started with: the aliases name it unless set
    String modelId = text(environment, EnvironmentVariables.MODEL_ID).orElse(local ? "" : DEFAULT_MODEL_ID);
    Map<String, String> aliases = new java.util.TreeMap<>();
    DEFAULT_ALIASES.forEach((alias, id) -> aliases.put(alias,
        text(environment, EnvironmentVariables.MODEL_ALIAS_PREFIX + alias.toUpperCase(java.util.Locale.ROOT))
            .orElse(local ? modelId : id)));
    Optional<String> endpoint = provider.equals(BEDROCK)
        ? text(environment, EnvironmentVariables.BEDROCK_ENDPOINT)
        : text(environment, EnvironmentVariables.MODEL_ENDPOINT);
    Path scratch = text(environment, EnvironmentVariables.SCRATCH_DIR).map(Path::of)
        .orElse(Path.of(System.getProperty("java.io.tmpdir"), "gantry"));
    return new Settings(
        environment.getOrDefault(EnvironmentVariables.AWS_REGION, "us-east-1"),
        environment.getOrDefault(EnvironmentVariables.SESSIONS_TABLE, "gantry-sessions"),
        environment.getOrDefault(EnvironmentVariables.AUDIT_TABLE, "gantry-audit"),
        environment.getOrDefault(EnvironmentVariables.DOCUMENTS_BUCKET, "gantry-documents"),
        provider,
        modelId,
        Map.copyOf(aliases),
        endpoint,
        text(environment, EnvironmentVariables.MODEL_API_KEY),
        (int) number(environment, EnvironmentVariables.MAX_TURNS, 20, 1, 200),
        number(environment, EnvironmentVariables.TOKEN_BUDGET, 400_000, 1_000, 10_000_000),
        number(environment, EnvironmentVariables.READ_LIMIT_BYTES, 64 * 1024, 1024, 10 * 1024 * 1024),
        number(environment, EnvironmentVariables.OUTPUT_TOKEN_BUDGET, 64_000, 1_000, 1_000_000),
        microdollars(environment, EnvironmentVariables.STAGE_BUDGET_USD, 5.0),
        microdollars(environment, EnvironmentVariables.SESSION_BUDGET_USD, 20.0),
        new SnapshotLimits(
            number(environment, EnvironmentVariables.SNAPSHOT_MAX_BYTES, SnapshotLimits.DEFAULT.maxTotalBytes(), 1, 1L << 40),
            (int) number(environment, EnvironmentVariables.SNAPSHOT_MAX_FILES, SnapshotLimits.DEFAULT.maxFiles(), 1, 10_000_000),
            number(environment, EnvironmentVariables.SNAPSHOT_MAX_FILE_BYTES, SnapshotLimits.DEFAULT.maxFileBytes(), 1, 1L << 40)),
        new GitCredentials(environment.get(EnvironmentVariables.GIT_TOKEN), gitTokens(environment)),
        scratch,
        (int) number(environment, EnvironmentVariables.SNAPSHOTS_KEPT, 4, 1, 100),
        deploy(environment),
        sessionLink(environment),
        repositoryRoots(environment, scratch),
        flag(environment, EnvironmentVariables.ALLOW_SELF_APPROVAL),
        java.time.Duration.ofSeconds(number(environment, EnvironmentVariables.LEASE_SECONDS, 60, 1, 3600)));
  }

  /** A {@code true}/{@code false} variable, empty when unset. */
  private static Optional<Boolean> flag(Map<String, String> environment, String name) {
    return text(environment, name).map(value -> switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    });
  }

  /** {@code GANTRY_REPOSITORY_ROOTS} split at the path separator and commas; GANTRY_HOME and the scratch folder reserved. */
  private static RepositoryRoots repositoryRoots(Map<String, String> environment, Path scratch) {
    java.util.List<Path> roots = new java.util.ArrayList<>();
    for (String root : text(environment, EnvironmentVariables.REPOSITORY_ROOTS).orElse("")
        .split("[," + java.util.regex.Pattern.quote(java.io.File.pathSeparator) + "]")) {
      if (!root.isBlank()) {
        try {
          roots.add(Path.of(root.strip()).toAbsolutePath().normalize());
        } catch (java.nio.file.InvalidPathException e) {
          throw new IllegalArgumentException(EnvironmentVariables.REPOSITORY_ROOTS + " names '" + root.strip()
              + "', which is not a path: list folders separated by '" + java.io.File.pathSeparator + "' or ','");
        }
      }
    }
    Map<String, Path> reserved = new java.util.LinkedHashMap<>();
    text(environment, EnvironmentVariables.GANTRY_HOME).ifPresent(home -> reserved.put(EnvironmentVariables.GANTRY_HOME, Path.of(home)));
    reserved.put(EnvironmentVariables.SCRATCH_DIR, scratch);
    return new RepositoryRoots(roots, reserved);
  }

  private static Optional<String> sessionLink(Map<String, String> environment) {
    Optional<String> link = text(environment, EnvironmentVariables.SESSION_LINK);
    if (link.isPresent() && (!link.get().matches("https?://.+") || !link.get().contains("{sessionId}"))) {
      throw new IllegalArgumentException(EnvironmentVariables.SESSION_LINK + " must be an http(s) URL containing {sessionId}, e.g. "
          + "https://api.example.com/sessions/{sessionId}");
    }
    return link;
  }

  private static Deploy deploy(Map<String, String> environment) {
    String mode = text(environment, EnvironmentVariables.DEPLOY_MODE).orElse(DEPLOY_DRY_RUN);
    if (!DEPLOY_MODES.contains(mode)) {
      throw new IllegalArgumentException(EnvironmentVariables.DEPLOY_MODE + "=" + mode + " is not a deploy mode: use "
          + String.join(" or ", DEPLOY_MODES));
    }
    Optional<String> role = text(environment, EnvironmentVariables.DEPLOY_ROLE_ARN);
    if (role.isPresent() && !role.get().matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+")) {
      throw new IllegalArgumentException(EnvironmentVariables.DEPLOY_ROLE_ARN + "=" + role.get()
          + " is not an IAM role ARN, e.g. arn:aws:iam::123456789012:role/gantry-deploy");
    }
    Optional<String> boundary = text(environment, EnvironmentVariables.DEPLOY_BOUNDARY_ARN);
    if (boundary.isPresent() && !boundary.get().matches("arn:aws[a-z-]*:iam::\\d{12}:policy/[\\w+=,.@/-]+")) {
      throw new IllegalArgumentException(EnvironmentVariables.DEPLOY_BOUNDARY_ARN + "=" + boundary.get()
          + " is not an IAM policy ARN, e.g. arn:aws:iam::123456789012:policy/gantry-boundary");
    }
    String prefix = text(environment, EnvironmentVariables.STACK_PREFIX).orElse(DEFAULT_STACK_PREFIX);
    if (!prefix.matches("[A-Za-z][A-Za-z0-9-]{0,63}")) {
      throw new IllegalArgumentException(EnvironmentVariables.STACK_PREFIX + "=" + prefix
          + " cannot start a stack name: use a letter, then letters, digits and hyphens, e.g. gantry-");
    }
    String endpointVariable = environment.containsKey(EnvironmentVariables.CLOUDFORMATION_ENDPOINT)
        ? EnvironmentVariables.CLOUDFORMATION_ENDPOINT : EnvironmentVariables.AWS_ENDPOINT;
    Optional<java.net.URI> endpoint = text(environment, endpointVariable).map(value -> {
      try {
        java.net.URI uri = new java.net.URI(value);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new java.net.URISyntaxException(value, "no scheme or host");
        }
        return uri;
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(endpointVariable + "=" + value + " is not a URL, e.g. http://127.0.0.1:4566");
      }
    });
    return new Deploy(mode, role, boundary, prefix, endpoint);
  }

  private static Map<String, String> gitTokens(Map<String, String> environment) {
    Optional<String> json = text(environment, EnvironmentVariables.GIT_TOKENS);
    if (json.isEmpty()) {
      return Map.of();
    }
    // never echo the value: it holds tokens
    return GitCredentials.tokensByHost(json.get()).orElseThrow(() -> new IllegalArgumentException(
        EnvironmentVariables.GIT_TOKENS + " is not a JSON object of host names to tokens, e.g. {\"github.com\": \"...\"}"));
  }

  /** The per-call token limit ({@code maxTokens}): 8,192 tokens at 30 tokens/s fit well inside the model call timeout. */
  public static final int MAX_TOKENS_PER_CALL = 8192;

  /** The limits of one stage's agent run. */
  public AgentRunner.Limits stageLimits() {
    return new AgentRunner.Limits(maxTurns, tokenBudget, MAX_TOKENS_PER_CALL, outputTokenBudget, stageBudgetMicrodollars);
  }

  private static long microdollars(Map<String, String> environment, String name, double fallbackUsd) {
    String value = environment.get(name);
    double usd;
    try {
      usd = value == null || value.isBlank() ? fallbackUsd : Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not an amount of US dollars, e.g. 2.50");
    }
    if (!(usd > 0) || usd > 10_000) {
      throw new IllegalArgumentException(name + "=" + value + " is out of range: use more than 0 and at most 10000 (USD)");
    }
    return Math.round(usd * 1_000_000);
  }

  /** The offline model: deterministic, no LLM. */
  public static final String OFFLINE = "offline";
  /** Amazon Bedrock, Converse API. */
  public static final String BEDROCK = "bedrock";
  /** A server speaking OpenAI's chat completions API (Ollama, vLLM, LM Studio). */
  public static final String OPENAI_COMPATIBLE = "openai-compatible";
  /** The providers {@code GANTRY_MODEL_PROVIDER} accepts. */
  public static final java.util.List<String> PROVIDERS = java.util.List.of(OFFLINE, BEDROCK, OPENAI_COMPATIBLE);

  /** Default alias targets: Bedrock cross-region inference profiles (Bedrock User Guide, "Supported inference profiles"). */
  static final Map<String, String> DEFAULT_ALIASES = Map.of(
      "sonnet", DEFAULT_MODEL_ID,
      "opus", "us.anthropic.claude-opus-4-1-20250805-v1:0",
      "haiku", "us.anthropic.claude-3-5-haiku-20241022-v1:0");

  /** Model aliases of agent frontmatter mapped to model ids; {@code inherit} means {@link #modelId}. */
  public ModelSelection modelSelection() {
    return new ModelSelection(modelId, modelAliases);
  }

  private static Optional<String> text(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /**
   * A whole number from {@code environment}, {@code fallback} when unset.
   *
   * @throws IllegalArgumentException naming the variable when the value is not a number in min..max
   */
  static long number(Map<String, String> environment, String name, long fallback, long min, long max) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(name + "=" + value + " is out of range: use " + min + ".." + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
    }
  }
}
