package dev.gantry.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * Entry point of the Gantry CDK app, run by {@code cdk.json}'s {@code app} command: one {@link
 * GantryStack} named {@code Gantry} (context {@code stackName} changes it), checked by cdk-nag's
 * {@code AwsSolutionsChecks}. The stack is environment-agnostic unless {@code CDK_DEFAULT_ACCOUNT}
 * and {@code CDK_DEFAULT_REGION} are set, as the CDK CLI does with credentials.
 */
public final class GantryApp {
  private GantryApp() {}

  /**
   * CDK feature flags the stack relies on, whatever cdk.json says: server access logs are granted by
   * a bucket policy instead of the legacy log-delivery ACL (S3 User Guide, "Enabling Amazon S3
   * server access logging").
   */
  static final java.util.Map<String, Object> FEATURE_FLAGS = java.util.Map.of(
      "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

  /** Where {@code mvn package} leaves the functions' deployment packages, one per {@link LambdaRole}. */
  static final String DEFAULT_LAMBDA_JARS = "lambdas/target";

  /**
   * Builds the app and its stack, with cdk-nag applied.
   *
   * @param props the app's properties (tests pass an {@code outdir} and context)
   * @param lambdaJars the directory holding each role's deployment package
   */
  public static App build(AppProps props, Path lambdaJars) {
    App app = new App(AppProps.builder()
        .outdir(props.getOutdir())
        .context(props.getContext())
        .postCliContext(FEATURE_FLAGS)
        .build());
    String stackName = String.valueOf(java.util.Objects.requireNonNullElse(app.getNode().tryGetContext("stackName"), "Gantry"));
    DeploymentSettings settings = DeploymentSettings.fromContext(app.getNode()::tryGetContext, lambdaJars);
    String account = System.getenv("CDK_DEFAULT_ACCOUNT");
    String region = System.getenv("CDK_DEFAULT_REGION");
    StackProps.Builder stack = StackProps.builder().description("Gantry: LLM agent pipelines on Step Functions and Lambda");
    if (account != null && region != null) {
      stack.env(Environment.builder().account(account).region(region).build());
    }
    new GantryStack(app, stackName, stack.build(), settings);
    Aspects.of(app).add(new AwsSolutionsChecks());
    return app;
  }

  /**
   * Synthesizes into {@code cdk.out}, or the directory the CDK CLI passes in {@code CDK_OUTDIR}.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Path jars = Path.of(System.getProperty("gantry.lambdaJars", DEFAULT_LAMBDA_JARS));
    AppProps.Builder props = AppProps.builder();
    if (System.getenv("CDK_OUTDIR") == null) {
      props.outdir("cdk.out");
    }
    build(props.build(), jars).synth();
  }
}
