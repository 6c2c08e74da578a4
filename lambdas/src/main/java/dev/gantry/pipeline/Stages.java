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
        ReviewFindings.DOCUMENT, (content, context) -> ReviewFindings.problems(content, context.repository())),
        checkout.scratch());
    return Map.ofEntries(
        Map.entry(PipelineDefinition.CHECKOUT, checkout),
        Map.entry(PipelineDefinition.ARCHITECT, agentStage),
        Map.entry(PipelineDefinition.PLAN, agentStage),
        Map.entry(PipelineDefinition.REVIEW_STAGE, agentStage),
        Map.entry(PipelineDefinition.IMPLEMENT_STAGE, agentStage),
        Map.entry(PipelineDefinition.PUBLISH, checkout.publishing()),
        Map.entry(PipelineDefinition.VALIDATE, new ValidateStage()),
        Map.entry(PipelineDefinition.CHANGESET, new ChangeSetStage(step, deployments)),
        Map.entry(PipelineDefinition.DEPLOY, new DeployStage(deployments)),
        Map.entry(PipelineDefinition.VERIFY, new VerifyStage(deployments)),
        Map.entry(PipelineDefinition.REPORT, new ReportStage(clock, modelLabel, checkout.reviewStatuses())));
  }
}
