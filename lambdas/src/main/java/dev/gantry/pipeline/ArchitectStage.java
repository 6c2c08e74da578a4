package dev.gantry.pipeline;

import java.util.List;

/** Runs the architect agent, which must write {@code architecture.md}. */
public final class ArchitectStage implements Stage {
  private final AgentStep agent;

  ArchitectStage(AgentStep agent) {
    this.agent = agent;
  }

  @Override
  public StageOutcome run(StageContext context) {
    String task =
        """
        Stage: architect
        Goal: %s
        Repository: %s
        Stack name: %s

        Explore the repository with the tools (list, read, search), then write architecture.md
        with write_document: the AWS services you choose and why, the data model, security
        (identity, encryption, network exposure) and a monthly cost estimate. Ground every
        choice in files you read. Do not deploy anything."""
            .formatted(context.session().goal(), context.session().repository(), context.session().stackName());
    AgentStep.Run run =
        agent.run(context, "You are running as Gantry's architect stage.", task, List.of(List.of("architecture.md")));
    return new StageOutcome(true, AgentStep.summary(run, context), run.result().usage(), run.droppedTools(), null,
        run.result().modelCalls());
  }
}
