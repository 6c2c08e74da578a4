package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.document.DocumentKeys;
import dev.gantry.document.DocumentStore;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deploy port's local twin for {@code --deploy dry-run} (the default on one machine): change
 * sets are previews ({@link ChangeSetPreview}) against the template last "executed" on the stack,
 * kept in the document store under {@code stacks/{stack}/}; executing one records its template as
 * the stack's new baseline and touches no account. There are no stacks to describe, no events and
 * nothing to delete.
 *
 * <p>A change set becomes obsolete, as in CloudFormation, when another one was executed on the
 * stack after it was made.
 */
public final class DryRunDeployments implements StackDeployments {
  /** The {@link #mode()} of a dry run. */
  public static final String MODE = "dry-run";
  private static final String ID_PREFIX = "dry-run:";

  private final DocumentStore documents;
  private final TemplateParser parser = new TemplateParser();

  /** @param documents where baselines and previews are kept */
  public DryRunDeployments(DocumentStore documents) {
    this.documents = documents;
  }

  @Override
  public String mode() {
    return MODE;
  }

  @Override
  public boolean executes() {
    return false;
  }

  @Override
  public ChangeSetState prepareChangeSet(ChangeSetRequest request) {
    JsonNode proposed = parser.parse(request.templateBody()).root();
    Optional<JsonNode> baseline = read(DocumentKeys.approvedTemplate(request.stackName()));
    List<ResourceChange> changes = ChangeSetPreview.compare(baseline.map(b -> b.get("template")).orElse(null), proposed);
    String changeSetId = ID_PREFIX + request.stackName() + "/" + request.changeSetName();
    if (changes.isEmpty()) {
      return new NoChanges(changeSetId, "dry run: the template has no resource changes against the one last executed on "
          + request.stackName());
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("templateSha256", Sha256.hex(request.templateBody()));
    record.put("baselineSha256", baseline.map(b -> b.path("templateSha256").asText()).orElse(null));
    record.put("template", proposed);
    documents.put(changeSetKey(request.stackName(), request.changeSetName()),
        Json.write(record).getBytes(StandardCharsets.UTF_8), "application/json");
    return new Ready(changeSetId, ID_PREFIX + request.stackName(), baseline.isPresent() ? "UPDATE" : "CREATE", changes,
        List.of());
  }

  @Override
  public Execution executeChangeSet(String stackName, String changeSetId, String clientRequestToken) {
    String prefix = ID_PREFIX + stackName + "/";
    if (!changeSetId.startsWith(prefix)) {
      return Execution.refused("change set " + changeSetId + " is not a dry-run change set of " + stackName);
    }
    Optional<JsonNode> changeSet = read(changeSetKey(stackName, changeSetId.substring(prefix.length())));
    if (changeSet.isEmpty()) {
      return Execution.refused("change set " + changeSetId + " does not exist");
    }
    String baselineKey = DocumentKeys.approvedTemplate(stackName);
    Optional<JsonNode> baseline = read(baselineKey);
    String current = baseline.map(b -> b.path("templateSha256").asText()).orElse(null);
    String madeAgainst = changeSet.get().path("baselineSha256").asText(null);
    if (baseline.isPresent() && current.equals(changeSet.get().path("templateSha256").asText())
        && clientRequestToken.equals(baseline.get().path("clientRequestToken").asText())) {
      return Execution.began(); // this request already executed it
    }
    if (!java.util.Objects.equals(current, madeAgainst)) {
      return Execution.refused("change set " + changeSetId + " is obsolete: another template was executed on "
          + stackName + " after it was made");
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("templateSha256", changeSet.get().path("templateSha256").asText());
    record.put("changeSetId", changeSetId);
    record.put("clientRequestToken", clientRequestToken);
    record.put("template", changeSet.get().get("template"));
    documents.put(baselineKey, Json.write(record).getBytes(StandardCharsets.UTF_8), "application/json");
    return Execution.began();
  }

  @Override
  public Optional<StackDescription> describeStack(String stack) {
    return Optional.empty();
  }

  @Override
  public List<StackEvent> events(String stackId, String clientRequestToken) {
    return List.of();
  }

  @Override
  public List<StackResource> resources(String stackId) {
    return List.of();
  }

  @Override
  public void deleteStack(String stackId, String clientRequestToken) {
    // a dry run creates no stack, so there is none to delete
  }

  private static String changeSetKey(String stackName, String changeSetName) {
    return DocumentKeys.STACKS_PREFIX + stackName + "/changesets/" + changeSetName + ".json";
  }

  private Optional<JsonNode> read(String key) {
    return documents.get(key).map(bytes -> Json.tree(new String(bytes, StandardCharsets.UTF_8)));
  }
}
