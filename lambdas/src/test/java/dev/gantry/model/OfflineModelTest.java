package dev.gantry.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.agent.AgentDefinition;
import dev.gantry.agent.AgentRunner;
import dev.gantry.agent.GantryTool;
import dev.gantry.agent.Toolbox;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.deploy.ValidationReport;
import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.model.offline.OfflineModel;
import dev.gantry.repo.RepositorySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineModelTest {
  @TempDir Path root;
  final Map<String, String> documents = new LinkedHashMap<>();
  final AgentDefinition agent =
      new AgentDefinition("architect", "d", Optional.empty(), "inherit", "You design.", Map.of(), "architect.md");
  final AgentRunner.Limits limits = new AgentRunner.Limits(20, 1_000_000, 8192);

  @BeforeEach
  void createNodeRepository() throws IOException {
    Files.writeString(root.resolve("package.json"),
        "{\"name\":\"orders\",\"dependencies\":{\"express\":\"^4.19.0\",\"pg\":\"^8.0.0\"}}");
    Files.createDirectories(root.resolve("src"));
    Files.writeString(root.resolve("src/server.js"),
        "const app = require('express')();\napp.get('/orders/:id', get);\napp.post('/orders', create);\n");
    Files.writeString(root.resolve("src/db.js"), "module.exports = {};\n");
    Files.createDirectories(root.resolve("test"));
    Files.writeString(root.resolve("test/server.test.js"), "request(app).get('/fixtures/only');\n");
    Files.writeString(root.resolve("template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources: {}\n");
  }

  private AgentRunner.Result run(String stage) {
    Toolbox toolbox = new Toolbox(EnumSet.allOf(GantryTool.class), new RepositorySnapshot(root, 65536, 1000),
        (name, content) -> {
          documents.put(name, content);
          return new DocumentRef(name, "k/" + name, content.length(), Sha256.hex(content), "text/plain");
        });
    String task = "Stage: " + stage + "\nGoal: an orders API\nRepository: " + root + "\nStack name: orders-api\n";
    return new AgentRunner(new OfflineModel()).run(agent, "offline", "", task, toolbox, limits);
  }

  @Test
  void the_architecture_is_grounded_in_files_it_listed_and_read_through_tools() {
    AgentRunner.Result result = run("architect");

    assertThat(result.outcome()).isEqualTo(AgentRunner.Outcome.END_TURN);
    assertThat(result.toolCalls()).extracting(AgentRunner.ToolCall::name)
        .startsWith("list_files").contains("read_file", "search_text").endsWith("write_document");
    assertThat(result.usage().inputTokens()).isPositive();
    String architecture = documents.get("architecture.md");
    assertThat(architecture)
        .contains("Written by the offline model, no LLM")
        .contains("Languages by file count: JavaScript 3")
        .contains("Build file `package.json`: 2 dependencies, e.g. express, pg")
        .contains("`template.yaml` (AWS SAM template)")
        .contains("HTTP routes found: GET /orders/{id}, POST /orders.")
        .doesNotContain("/fixtures/only")
        .contains("`nodejs20.x`")
        .contains("## Data model", "## Security", "## Monthly cost estimate");
  }

  @Test
  void templates_in_test_folders_are_fixtures_but_a_path_merely_containing_test_is_real(/* e.g. latest/ */)
      throws IOException {
    Files.createDirectories(root.resolve("deploy/latest"));
    Files.writeString(root.resolve("deploy/latest/template.yaml"), "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n");
    Files.createDirectories(root.resolve("src/test/resources"));
    Files.writeString(root.resolve("src/test/resources/template.yaml"), "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n");

    run("architect");

    assertThat(documents.get("architecture.md"))
        .contains("`deploy/latest/template.yaml` (CloudFormation template)")
        .doesNotContain("src/test/resources/template.yaml");
  }

  @Test
  void the_plan_and_its_template_pass_validation_and_route_every_found_endpoint() {
    run("plan");

    assertThat(documents).containsKeys("plan.md", "template.yaml");
    assertThat(documents.get("plan.md")).contains("Written by the offline model, no LLM").contains("npm ci");
    String template = documents.get("template.yaml");
    assertThat(template).contains("RouteKey: \"GET /orders/{id}\"", "RouteKey: \"POST /orders\"",
        "Runtime: !If [HasArtifact, nodejs20.x, python3.12]", "PermissionsBoundary: !If [HasBoundary, !Ref PermissionsBoundaryArn");
    ValidationReport report = new TemplateValidator().validate("template.yaml", template);
    assertThat(report.passed()).isTrue();
    assertThat(report.findings()).noneMatch(f -> f.severity().blocking());
  }

  @Test
  void the_same_conversation_gets_the_same_documents() {
    run("plan");
    Map<String, String> first = Map.copyOf(documents);
    documents.clear();
    run("plan");

    assertThat(documents).isEqualTo(first);
  }
}
