package dev.gantry.infra;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One Gantry Lambda function: Java 21 on arm64 from its role's deployment package, SnapStart on
 * published versions, invoked through its {@code live} alias (SnapStart only applies to published
 * versions; Lambda developer guide, "Improving startup performance with Lambda SnapStart"). Its
 * own role holds only what {@code grant*} calls add, plus writing to its own log group (no
 * AWSLambdaBasicExecutionRole managed policy) and X-Ray's trace writes: every function is traced
 * actively (Lambda developer guide, "Visualize Lambda function invocations using AWS X-Ray"). Its
 * logs are Powertools' JSON lines ({@value #SERVICE_NAME} service, level {@code POWERTOOLS_LOG_LEVEL})
 * and its metrics EMF documents in namespace {@value dev.gantry.telemetry.GantryMetrics#NAMESPACE}.
 */
public final class GantryFunction extends Construct {
  /** Flags that favour start-up over peak throughput, as Lambda's Java guidance suggests. */
  static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
  /** Powertools' {@code service} key on every log line. */
  static final String SERVICE_NAME = "gantry";
  /** The functions' log level unless a function's environment is changed ({@code DEBUG} to see more). */
  static final String LOG_LEVEL = "INFO";

  private final Function function;
  private final LogGroup logs;
  private final Alias alias;
  private final Role role;

  /**
   * The function's shape.
   *
   * @param role what the function does: its handler class and deployment package
   * @param description shown in the Lambda console
   * @param memoryMb memory in MB (CPU scales with it)
   * @param timeout the function timeout
   * @param packages the deployment package of each role
   * @param environment environment variables
   * @param ephemeralStorageMb the size of {@code /tmp} in MiB, 512 (Lambda's default) to 10240
   */
  public record Props(LambdaRole role, String description, int memoryMb, Duration timeout, LambdaPackages packages,
      Map<String, String> environment, int ephemeralStorageMb) {

    /** A function with Lambda's default {@code /tmp} of 512 MiB. */
    public Props(LambdaRole role, String description, int memoryMb, Duration timeout, LambdaPackages packages,
        Map<String, String> environment) {
      this(role, description, memoryMb, timeout, packages, environment, 512);
    }
  }

  /** Creates the function, its log group, role, published version and {@code live} alias. */
  public GantryFunction(Construct scope, String id, Props props) {
    super(scope, id);
    this.logs = LogGroup.Builder.create(this, "Logs")
        .retention(RetentionDays.THREE_MONTHS)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    this.role = Role.Builder.create(this, "Role")
        .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
        .description("Gantry " + id + " function")
        .build();
    logs.grantWrite(role);
    this.function = Function.Builder.create(this, "Function")
        .runtime(Runtime.JAVA_21)
        .architecture(Architecture.ARM_64)
        .handler(props.role().handler())
        .description(props.description())
        .code(props.packages().of(props.role()))
        .memorySize(props.memoryMb())
        .ephemeralStorageSize(Size.mebibytes(props.ephemeralStorageMb()))
        .timeout(props.timeout())
        .role(role)
        .logGroup(logs)
        .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
        .tracing(Tracing.ACTIVE)
        .environment(withJavaOptions(props.environment()))
        .build();
    this.alias = Alias.Builder.create(this, "Live")
        .aliasName("live")
        .version(function.getCurrentVersion())
        .build();
    Acknowledgements.javaRuntime(function);
    Acknowledgements.tracing(role);
  }

  private static Map<String, String> withJavaOptions(Map<String, String> environment) {
    java.util.Map<String, String> all = new java.util.TreeMap<>(environment);
    all.putIfAbsent("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
    all.putIfAbsent("POWERTOOLS_SERVICE_NAME", SERVICE_NAME);
    all.putIfAbsent("POWERTOOLS_LOG_LEVEL", LOG_LEVEL);
    all.putIfAbsent("POWERTOOLS_METRICS_NAMESPACE", dev.gantry.telemetry.GantryMetrics.NAMESPACE);
    return all;
  }

  /** The function (for its configuration). */
  public Function function() {
    return function;
  }

  /** What callers invoke: the {@code live} alias of the latest published version. */
  public IFunction live() {
    return alias;
  }

  /** The function's log group (its name is CloudFormation's). */
  public LogGroup logGroup() {
    return logs;
  }

  /** The function's own role. */
  public Role role() {
    return role;
  }

  /** The function's role, for {@code grant*} calls. */
  public IGrantable grantee() {
    return function;
  }
}
