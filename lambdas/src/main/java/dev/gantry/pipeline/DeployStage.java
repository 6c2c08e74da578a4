package dev.gantry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.ChangeSetPreview;
import dev.gantry.deploy.TemplateParser;
import dev.gantry.document.DocumentKeys;
import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.session.Session;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deploys the approved template. On one machine this is a dry run: it previews the change set
 * against the last approved template of the same stack (resources to add, modify, remove), writes
 * it as {@code changeset.json} marked {@code "executed": false}, lets the deployer agent write
 * {@code deployment.md} (what would change, how to verify, how to roll back), and then records the
 * template as the stack's approved baseline.
 *
 * <p>Before anything, the template's SHA-256 must equal the digest the human approved.
 */
public final class DeployStage implements Stage {
  private final AgentStep agent;
  private final TemplateParser parser = new TemplateParser();

  DeployStage(AgentStep agent) {
    this.agent = agent;
  }

  @Override
  public StageOutcome run(StageContext context) {
    Session session = context.session();
    SessionDocuments documents = context.documents();
    if (session.decision() == null || !"approve".equals(session.decision().decision())) {
      throw new StageFailedException("no approval recorded: nothing deploys without a human decision");
    }
    String templateName =
        documents.firstPresent(PlanStage.TEMPLATE_NAMES)
            .orElseThrow(() -> new StageFailedException("no template to deploy"));
    DocumentRef templateRef = documents.find(templateName).orElseThrow();
    String templateText = documents.read(templateName).orElseThrow();
    String digest = Sha256.hex(templateText);
    if (!digest.equals(session.decision().digest()) || !digest.equals(templateRef.sha256())) {
      throw new StageFailedException(
          "the template's SHA-256 " + digest + " is not the approved digest " + session.decision().digest());
    }
    JsonNode proposed = parser.parse(templateText).root();
    String baselineKey = DocumentKeys.approvedTemplate(session.stackName());
    JsonNode baselineRecord =
        documents.store().get(baselineKey).map(b -> Json.tree(new String(b, StandardCharsets.UTF_8))).orElse(null);
    JsonNode baseline = baselineRecord == null ? null : baselineRecord.get("template");
    List<ChangeSetPreview.ResourceChange> changes = ChangeSetPreview.compare(baseline, proposed);

    ChangeSetDocument changeSet =
        new ChangeSetDocument(
            false,
            "dry-run",
            "Preview only: no CloudFormation change set was created or executed.",
            session.stackName(),
            digest,
            baselineRecord == null
                ? null
                : new ChangeSetDocument.Baseline(
                    baselineRecord.path("sessionId").asText(), baselineRecord.path("templateSha256").asText()),
            ChangeSetPreview.summary(changes),
            changes);
    String changeSetJson = Json.pretty(changeSet);
    documents.write("changeset.json", changeSetJson);

    String task =
        """
        Stage: deploy
        Goal: %s
        Stack name: %s
        Mode: dry run. Nothing is executed on one machine; describe what a deployment would do.
        Approved template: %s (SHA-256 %s), approved by %s

        Write deployment.md with write_document: the changes below, how to verify the stack after
        deploying, and how to roll back.

        <changeset>
        %s
        </changeset>"""
            .formatted(
                session.goal(), session.stackName(), templateName, digest, session.decision().actor(), changeSetJson);
    AgentStep.Run run =
        agent.run(context, "You are running as Gantry's deploy stage.", task, List.of(List.of("deployment.md")));

    Map<String, Object> record = new LinkedHashMap<>();
    record.put("sessionId", session.sessionId());
    record.put("templateSha256", digest);
    record.put("template", proposed);
    documents.store().put(baselineKey, Json.write(record).getBytes(StandardCharsets.UTF_8), "application/json");
    Map<String, Long> counts = ChangeSetPreview.summary(changes);
    return new StageOutcome(
        true,
        "dry run of stack " + session.stackName() + ": " + counts.get("Add") + " to add, " + counts.get("Modify")
            + " to modify, " + counts.get("Remove") + " to remove (not executed)",
        run.result().usage(),
        run.droppedTools(),
        null,
        run.result().modelCalls());
  }
}
