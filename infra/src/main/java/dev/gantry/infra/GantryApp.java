package dev.gantry.infra;

import software.amazon.awscdk.App;

/**
 * Entry point of the Gantry CDK app, run by {@code cdk.json}'s {@code app} command.
 *
 * <p>For now the app holds no stack: the stack (API Gateway, Lambda, Step Functions, DynamoDB, S3,
 * EventBridge) is built from the pipeline declaration in a later change.
 */
public final class GantryApp {
  private GantryApp() {}

  /**
   * Synthesizes the app into {@code cdk.out} (or the directory the CDK CLI passes in {@code
   * CDK_OUTDIR}).
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    App app = new App();
    app.synth();
  }
}
