package dev.gantry.pipeline;

import java.util.List;

/**
 * Runs the planner agent on the architecture, which must write {@code plan.md} and a
 * CloudFormation template ({@code template.yaml}, {@code template.yml} or {@code template.json}).
 */
public final class PlanStage implements Stage {
  /** Names a template document may have, in order of preference. */
  public static final List<String> TEMPLATE_NAMES = List.of("template.yaml", "template.yml", "template.json");

  private final AgentStep agent;

  PlanStage(AgentStep agent) {
    this.agent = agent;
  }

  @Override
  public StageOutcome run(StageContext context) {
    String architecture =
        context
            .documents()
            .read("architecture.md")
            .orElseThrow(() -> new StageFailedException("architecture.md is missing: the architect stage did not write it"));
    String task =
        """
        Stage: plan
        Goal: %s
        Repository: %s
        Stack name: %s

        Turn the architecture below into plan.md (ordered implementation and deployment steps)
        and template.yaml (an AWS CloudFormation template for the stack), both with
        write_document. The template must parse, declare Resources, reference only declared
        resources and parameters, and grant least privilege (no "*" actions). Give every parameter
        a Default. Every IAM role must set PermissionsBoundary: !Ref PermissionsBoundaryArn, with a
        String parameter PermissionsBoundaryArn (Default "") that Gantry fills; create no IAM
        users, groups, instance profiles or managed policies (use the role's inline Policies).

        <architecture>
        %s
        </architecture>"""
            .formatted(
                context.session().goal(), context.session().repository(), context.session().stackName(), architecture);
    AgentStep.Run run =
        agent.run(
            context, "You are running as Gantry's plan stage.", task, List.of(List.of("plan.md"), TEMPLATE_NAMES));
    return new StageOutcome(true, AgentStep.summary(run, context), run.result().usage(), run.droppedTools(), null,
        run.result().modelCalls());
  }
}
