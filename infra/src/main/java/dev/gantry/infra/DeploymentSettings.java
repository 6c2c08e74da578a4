package dev.gantry.infra;

import dev.gantry.config.Settings;
import dev.gantry.push.PushRule;
import dev.gantry.push.PushRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a team chooses at deploy time, read from CDK context ({@code cdk deploy -c key=value} or
 * {@code cdk.json}'s {@code context}). Every value has a default, so a plain {@code cdk deploy}
 * works.
 *
 * <table>
 *   <caption>Context keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code modelProvider}</td><td>{@code bedrock}</td><td>{@code GANTRY_MODEL_PROVIDER} of the stage functions</td></tr>
 *   <tr><td>{@code bedrockModelIds}</td><td>{@value Settings#DEFAULT_MODEL_ID}</td><td>comma-separated model or
 *       inference profile ids the stages may invoke; the first is the default model</td></tr>
 *   <tr><td>{@code jwtIssuer}, {@code jwtAudience}</td><td>unset</td><td>a JWT authorizer instead of IAM: issuer URL,
 *       comma-separated audiences (required with an issuer); each route requires the scopes of its permission
 *       ({@code gantry/sessions.read}, {@code gantry/sessions.write}, {@code gantry/sessions.read-all},
 *       {@code gantry/approvals}; see {@code dev.gantry.api.Permission})</td></tr>
 *   <tr><td>{@code sessionReaders}</td><td>unset</td><td>with IAM authorization, comma-separated IAM ARN patterns
 *       ({@code *}, {@code ?}) of the principals that see every principal's sessions: auditors and approvers</td></tr>
 *   <tr><td>{@code codeCommitRepositoryArns}</td><td>unset</td><td>comma-separated CodeCommit repository ARNs whose
 *       {@code referenceUpdated} events start sessions</td></tr>
 *   <tr><td>{@code pushRulesFile}</td><td>unset</td><td>a push rules file (YAML or JSON), passed to the functions</td></tr>
 *   <tr><td>{@code throttleRatePerSecond}, {@code throttleBurst}</td><td>25, 50</td><td>API route throttling</td></tr>
 *   <tr><td>{@code sessionRetentionDays}</td><td>365</td><td>days after its end a session item expires (TTL); the
 *       audit log is kept</td></tr>
 *   <tr><td>{@code stackPrefix}</td><td>{@value #DEFAULT_STACK_PREFIX}</td><td>every stack Gantry deploys, and every
 *       role or user such a stack creates, is named with it: a letter, then at most 63 letters, digits or hyphens;
 *       Gantry's own stack name must not start with it</td></tr>
 *   <tr><td>{@code deployServices}</td><td>{@code lambda,apigateway,dynamodb,s3,sqs,sns,events,states,logs}</td>
 *       <td>comma-separated IAM service prefixes the CloudFormation service role and the deployed stacks'
 *       permissions boundary allow; never {@code iam}, {@code organizations}, {@code sts}, {@code account} or
 *       {@code cloudformation} (see {@link StackDeploymentAccess})</td></tr>
 *   <tr><td>{@code allowSelfApproval}</td><td>false</td><td>whether the principal that started a session may decide
 *       its approval (separation of duties is on unless this is {@code true})</td></tr>
 *   <tr><td>{@code alarmEmail}</td><td>unset</td><td>an email address subscribed to the alarm topic (AWS sends a
 *       confirmation mail first); without it the topic has no subscription, subscribe to it yourself</td></tr>
 *   <tr><td>{@code dailyCostAlarmUsd}</td><td>{@value #DEFAULT_DAILY_COST_ALARM_USD}</td><td>the alarm fires when the
 *       model cost of all sessions over the last 24 hours reaches this many US dollars (metric {@code
 *       ModelCostUsd})</td></tr>
 * </table>
 *
 * @param lambdaJars where the functions' deployment packages are, one {@link LambdaRole#jarName()} per role
 *     ({@code lambdas/target})
 * @param modelProvider the stage functions' model provider
 * @param bedrockModelIds model or inference profile ids, at least one
 * @param jwt the JWT authorizer, if chosen
 * @param sessionReaders IAM ARN patterns of the principals in the reader role
 * @param codeCommitRepositoryArns repositories whose pushes start sessions through CodeCommit events
 * @param pushRules push rules text, {@code rules: []} when none
 * @param throttleRatePerSecond steady requests per second per route
 * @param throttleBurst burst requests per route
 * @param sessionRetentionDays days a finished session item is kept
 * @param stackPrefix the prefix of every deployed stack's name
 * @param deployServices IAM service prefixes deployed stacks may use
 * @param allowSelfApproval whether a session's starter may decide its approval
 * @param alarmEmail where alarm notifications are mailed, if anywhere
 * @param dailyCostAlarmUsd the 24-hour model cost, in US dollars, at which the cost alarm fires
 */
public record DeploymentSettings(
    Path lambdaJars,
    String modelProvider,
    List<String> bedrockModelIds,
    Optional<Jwt> jwt,
    List<String> sessionReaders,
    List<String> codeCommitRepositoryArns,
    String pushRules,
    int throttleRatePerSecond,
    int throttleBurst,
    int sessionRetentionDays,
    String stackPrefix,
    List<String> deployServices,
    boolean allowSelfApproval,
    Optional<String> alarmEmail,
    double dailyCostAlarmUsd) {

  /** The stack prefix when context {@code stackPrefix} is unset. */
  public static final String DEFAULT_STACK_PREFIX = Settings.DEFAULT_STACK_PREFIX;
  /** The daily cost alarm's threshold when context {@code dailyCostAlarmUsd} is unset, in US dollars. */
  public static final int DEFAULT_DAILY_COST_ALARM_USD = 50;

  /** The services of a serverless application, when context {@code deployServices} is unset. */
  public static final List<String> DEFAULT_DEPLOY_SERVICES =
      List.of("lambda", "apigateway", "dynamodb", "s3", "sqs", "sns", "events", "states", "logs");

  /**
   * A JWT authorizer's settings (API Gateway HTTP API, "Controlling access with JWT authorizers").
   *
   * @param issuer the issuer URL, {@code https://...}
   * @param audiences accepted {@code aud} values
   */
  public record Jwt(String issuer, List<String> audiences) {}

  public DeploymentSettings {
    bedrockModelIds = List.copyOf(bedrockModelIds);
    codeCommitRepositoryArns = List.copyOf(codeCommitRepositoryArns);
    sessionReaders = List.copyOf(sessionReaders);
    try {
      dev.gantry.api.IamReaders.parse(String.join(",", sessionReaders));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("context sessionReaders: " + e.getMessage().substring(e.getMessage().indexOf(' ') + 1), e);
    }
    deployServices = List.copyOf(new java.util.LinkedHashSet<>(deployServices));
    if (bedrockModelIds.isEmpty()) {
      throw new IllegalArgumentException("context bedrockModelIds: give at least one model or inference profile id");
    }
    StackDeploymentAccess.prefixProblem(stackPrefix).ifPresent(problem -> {
      throw new IllegalArgumentException("context stackPrefix: " + problem);
    });
    alarmEmail.ifPresent(email -> {
      if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
        throw new IllegalArgumentException("context alarmEmail: " + email + " is not an email address");
      }
    });
    if (!(dailyCostAlarmUsd > 0) || Double.isInfinite(dailyCostAlarmUsd)) {
      throw new IllegalArgumentException("context dailyCostAlarmUsd: give a positive number of US dollars");
    }
    if (deployServices.isEmpty()) {
      throw new IllegalArgumentException("context deployServices: give at least one IAM service prefix");
    }
    for (String service : deployServices) {
      StackDeploymentAccess.serviceProblem(service).ifPresent(problem -> {
        throw new IllegalArgumentException("context deployServices: " + problem);
      });
    }
  }

  /**
   * Reads the settings.
   *
   * @param context looks a context key up, null when unset ({@code node::tryGetContext})
   * @param lambdaJars the directory holding each role's deployment package
   * @throws IllegalArgumentException naming the context key of a malformed value
   */
  public static DeploymentSettings fromContext(Function<String, Object> context, Path lambdaJars) {
    Optional<String> issuer = text(context, "jwtIssuer");
    Optional<Jwt> jwt = issuer.map(url -> {
      if (!url.startsWith("https://")) {
        throw new IllegalArgumentException("context jwtIssuer: " + url + " is not an https:// issuer URL");
      }
      List<String> audiences = list(context, "jwtAudience");
      if (audiences.isEmpty()) {
        throw new IllegalArgumentException("context jwtAudience: a JWT authorizer needs at least one audience");
      }
      return new Jwt(url, audiences);
    });
    if (!list(context, "jwtScopes").isEmpty()) {
      throw new IllegalArgumentException("context jwtScopes is no longer read: each route requires the scopes of its permission "
          + "(gantry/sessions.read, gantry/sessions.write, gantry/sessions.read-all, gantry/approvals); remove jwtScopes and "
          + "grant those scopes in your identity provider");
    }
    for (String arn : list(context, "codeCommitRepositoryArns")) {
      if (!arn.startsWith("arn:aws") || !arn.contains(":codecommit:")) {
        throw new IllegalArgumentException("context codeCommitRepositoryArns: " + arn + " is not a CodeCommit repository ARN");
      }
    }
    String prefix = text(context, "stackPrefix").orElse(DEFAULT_STACK_PREFIX);
    String rules = text(context, "pushRulesFile").map(file -> pushRules(file, prefix)).orElse("rules: []");
    List<String> models = list(context, "bedrockModelIds");
    List<String> services = list(context, "deployServices");
    return new DeploymentSettings(
        lambdaJars,
        text(context, "modelProvider").orElse("bedrock"),
        models.isEmpty() ? List.of(Settings.DEFAULT_MODEL_ID) : models,
        jwt,
        list(context, "sessionReaders"),
        list(context, "codeCommitRepositoryArns"),
        rules,
        number(context, "throttleRatePerSecond", 25),
        number(context, "throttleBurst", 50),
        number(context, "sessionRetentionDays", 365),
        prefix,
        services.isEmpty() ? DEFAULT_DEPLOY_SERVICES : services,
        text(context, "allowSelfApproval").map(v -> switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
          case "true" -> true;
          case "false" -> false;
          default -> throw new IllegalArgumentException("context allowSelfApproval must be true or false, not '" + v + "'");
        }).orElse(false),
        text(context, "alarmEmail"),
        text(context, "dailyCostAlarmUsd").map(v -> {
          try {
            return Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("context dailyCostAlarmUsd: " + v + " is not a number of US dollars");
          }
        }).orElse((double) DEFAULT_DAILY_COST_ALARM_USD));
  }

  /**
   * Reads and checks a push rules file at synth time, so a mistake fails {@code cdk synth} with the
   * field named instead of failing the API and push functions at start-up.
   *
   * @param stackPrefix the prefix every deployed stack's name must have
   * @throws IllegalArgumentException for an unreadable file, bad YAML, an unknown field, a rule with
   *     a local {@code path} (only {@code gantry serve} has local checkouts), or a rule's stack not
   *     named with {@code stackPrefix} (the deploy functions may not touch it)
   */
  static String pushRules(String file, String stackPrefix) {
    String text;
    try {
      text = Files.readString(Path.of(file));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("context pushRulesFile: cannot read " + file + " (" + e.getMessage() + ")");
    }
    List<PushRule> rules = PushRules.parse(text, "context pushRulesFile " + file).rules();
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).path() != null) {
        throw new IllegalArgumentException("context pushRulesFile " + file + ": rules[" + i + "].path names a local "
            + "checkout, which only gantry serve has: remove it, and the session reads the pushed repository");
      }
      String stack = rules.get(i).stack();
      if (stack != null && !stack.startsWith(stackPrefix)) {
        throw new IllegalArgumentException("context pushRulesFile " + file + ": rules[" + i + "].stack " + stack
            + " does not start with the stack prefix " + stackPrefix + ": Gantry may deploy only " + stackPrefix + "* stacks");
      }
    }
    return text;
  }

  private static Optional<String> text(Function<String, Object> context, String key) {
    Object value = context.apply(key);
    return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString().strip());
  }

  private static List<String> list(Function<String, Object> context, String key) {
    Object value = context.apply(key);
    if (value instanceof List<?> items) {
      return items.stream().map(Object::toString).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
    return text(context, key).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }

  private static int number(Function<String, Object> context, String key, int fallback) {
    Optional<String> value = text(context, key);
    try {
      int parsed = value.map(Integer::parseInt).orElse(fallback);
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("context " + key + ": " + value.orElse("") + " is not a positive whole number");
    }
  }
}
