package dev.gantry.infra;

import dev.gantry.handler.ApiHandler;
import dev.gantry.handler.ApprovalRequestHandler;
import dev.gantry.handler.DecisionRedeliveryHandler;
import dev.gantry.handler.FailureRecorderHandler;
import dev.gantry.handler.PushEventHandler;
import dev.gantry.handler.StageHandler;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a Gantry function does, which names its handler class and its deployment package: the
 * lambdas module's {@code mvn package} builds {@code target/gantry-lambda-<role>.jar} for each role,
 * holding only the SDK modules and libraries that role uses (the shade executions in
 * {@code lambdas/pom.xml}, one per constant here).
 */
public enum LambdaRole {
  /** The HTTP API's routes. */
  API(ApiHandler.class),
  /** Every pipeline stage's task: checkout, agents, validate, change set, deploy, publish, report. */
  STAGE(StageHandler.class),
  /** The approval state: stores the task token and sends the approval notice. */
  APPROVAL(ApprovalRequestHandler.class),
  /** Records a session's end when its execution fails, times out or is rejected. */
  RECORDER(FailureRecorderHandler.class),
  /** Starts sessions for repository pushes that match the push rules (the bus rule's target). */
  PUSH(PushEventHandler.class),
  /** The scheduled sweep delivering approval decisions Step Functions did not take. */
  REDELIVERY(DecisionRedeliveryHandler.class);

  private final Class<?> handler;

  LambdaRole(Class<?> handler) {
    this.handler = handler;
  }

  /** The function's handler: a {@code RequestStreamHandler} class name. */
  public String handler() {
    return handler.getName();
  }

  /** The role's deployment package's file name, {@code gantry-lambda-<role>.jar}. */
  public String jarName() {
    return "gantry-lambda-" + name().toLowerCase(Locale.ROOT) + ".jar";
  }

  /** The role's deployment package in {@code directory} (the lambdas module's {@code target}). */
  public Path jar(Path directory) {
    return directory.resolve(jarName());
  }
}
