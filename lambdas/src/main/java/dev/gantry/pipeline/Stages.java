package dev.gantry.pipeline;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentRunner;
import dev.gantry.deploy.StackDeployments;
import dev.gantry.model.ModelSelection;
import java.time.Clock;
import java.util.Map;

/** The implementations of the stages of {@link Pipelines#standard()}, by stage name. */
public final class Stages {
  private Stages() {}

  /**
   * @param agents the catalog the agent stages look their agent up in
   * @param runner the agent runner (holds the model client)
   * @param models alias resolution for agents' model fields
   * @param limits per-run turn and token limits
   * @param clock time source for the report
   * @param modelLabel the model's description, for the report
   * @param checkout the checkout stage
   * @param deployments how the changeset, deploy and verify stages reach stacks
   */
  public static Map<String, Stage> standard(
      AgentCatalog agents, AgentRunner runner, ModelSelection models, AgentRunner.Limits limits, Clock clock,
      String modelLabel, CheckoutStage checkout, StackDeployments deployments) {
    return standard(agents, runner, models, limits, Long.MAX_VALUE, clock, modelLabel, checkout, deployments);
  }

  /**
   * As above, with a cost budget for the whole session.
   *
   * @param sessionBudgetMicrodollars the most a session's stages may cost together, in millionths of a US dollar
   */
  public static Map<String, Stage> standard(
      AgentCatalog agents, AgentRunner runner, ModelSelection models, AgentRunner.Limits limits,
      long sessionBudgetMicrodollars, Clock clock, String modelLabel, CheckoutStage checkout,
      StackDeployments deployments) {
    AgentStep step = new AgentStep(agents, runner, models, limits, sessionBudgetMicrodollars);
    AgentStage agentStage = new AgentStage(step, Map.of(
        ReviewFindings.DOCUMENT, (content, context) -> ReviewFindings.problems(content, context.repository())));
    return Map.of(
        PipelineDefinition.CHECKOUT, checkout,
        PipelineDefinition.ARCHITECT, agentStage,
        PipelineDefinition.PLAN, agentStage,
        PipelineDefinition.REVIEW_STAGE, agentStage,
        PipelineDefinition.VALIDATE, new ValidateStage(),
        PipelineDefinition.CHANGESET, new ChangeSetStage(step, deployments),
        PipelineDefinition.DEPLOY, new DeployStage(deployments),
        PipelineDefinition.VERIFY, new VerifyStage(deployments),
        PipelineDefinition.REPORT, new ReportStage(clock, modelLabel));
  }
}
