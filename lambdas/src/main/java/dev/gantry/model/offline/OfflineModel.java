package dev.gantry.model.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.json.Json;
import dev.gantry.model.ContentBlock;
import dev.gantry.model.Message;
import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;
import dev.gantry.model.StopReason;
import dev.gantry.model.TokenUsage;
import dev.gantry.model.UntrustedData;
import dev.gantry.model.ToolSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A deterministic model for one machine with no LLM. It works through the same agent runner and
 * tools as a real model: it lists the repository, reads its build and infrastructure files,
 * searches for HTTP routes, then writes the stage's documents with write_document, grounded in
 * what those tool results showed. Every document it writes says it was written by the offline
 * model, with no LLM.
 *
 * <p>It recognises the stage from the task's {@code Stage:} line (architect, plan, review,
 * changeset) and its
 * progress from the tool calls it already made, so the same conversation always gets the same
 * answer. Token usage is estimated as one token per four characters.
 */
public final class OfflineModel implements ModelClient {
  /** The label used in documents and reports. */
  public static final String DESCRIPTION = "offline model (deterministic, no LLM)";

  private static final Pattern LINE_FIELD = Pattern.compile("(?m)^(Stage|Goal|Stack name): *(.*)$");
  private static final Pattern CHANGESET = Pattern.compile("(?s)<changeset>\\s*(.*?)\\s*</changeset>");
  private static final int MAX_READS = 12;

  @Override
  public String describe() {
    return DESCRIPTION;
  }

  @Override
  public ModelResponse converse(ModelRequest request) {
    String task = request.messages().get(0).text();
    Map<String, String> fields = new HashMap<>();
    Matcher m = LINE_FIELD.matcher(task);
    while (m.find()) {
      fields.putIfAbsent(m.group(1), m.group(2).strip());
    }
    String stage = fields.getOrDefault("Stage", "");
    Set<String> tools = request.tools().stream().map(ToolSpec::name).collect(Collectors.toSet());
    Conversation conversation = Conversation.of(request.messages());

    List<ContentBlock> output;
    if (conversation.wrote()) {
      output = List.of(new ContentBlock.Text(
          "Done: wrote " + String.join(", ", conversation.writtenNames()) + ". " + OfflineDocuments.LABEL));
    } else if (stage.equals("changeset")) {
      output = writeOrExplain(tools, List.of(document("rollout.md",
          OfflineDocuments.rollout(fields.getOrDefault("Stack name", "stack"), changeSet(task)))));
    } else if (!List.of("architect", "plan", "review", "implement").contains(stage)) {
      output = List.of(new ContentBlock.Text(
          "The offline model only knows Gantry's architect, plan, review, implement and changeset stages; it has nothing to add here."));
    } else if (conversation.listing() == null && tools.contains("list_files")) {
      output = List.of(toolUse("list-1", "list_files", Json.MAPPER.createObjectNode()));
    } else if (conversation.listing() != null && !conversation.explored()) {
      output = explore(RepositoryFacts.fromListing(conversation.listing()), tools);
      if (stage.equals("review") && tools.contains("search_text")) {
        output = new ArrayList<>(output);
        List<String> patterns = OfflineReview.searchPatterns();
        for (int i = 0; i < patterns.size(); i++) {
          output.add(toolUse("review-" + i, "search_text", Json.MAPPER.createObjectNode().put("pattern", patterns.get(i))));
        }
      }
      if (stage.equals("implement") && tools.contains("read_file") && conversation.listing().lines().anyMatch(l -> l.startsWith("README.md\t"))) {
        output = new ArrayList<>(output);
        output.add(toolUse("read-readme", "read_file", Json.MAPPER.createObjectNode().put("path", "README.md")));
      }
    } else {
      RepositoryFacts facts = conversation.facts();
      String goal = fields.getOrDefault("Goal", "");
      String stackName = fields.getOrDefault("Stack name", "stack");
      List<ContentBlock> writes = new ArrayList<>();
      if (stage.equals("architect")) {
        writes.add(document("architecture.md", OfflineDocuments.architecture(goal, stackName, facts)));
      } else if (stage.equals("implement")) {
        if (!tools.contains("write_file")) {
          output = List.of(new ContentBlock.Text(
              "I cannot change files: this agent was not given write_file (Write or Edit in its frontmatter)."));
          return respond(request, output);
        }
        String plan = element(task, "plan.md");
        String planFile = "docs/plans/" + stackName + ".md";
        writes.add(file(planFile, plan == null ? "# Plan\n\n(no plan was given)\n" : plan.strip() + "\n"));
        String readme = conversation.reads().get("README.md");
        if (readme != null) {
          writes.add(file("README.md", readme + (readme.endsWith("\n") ? "" : "\n") + "\n## " + goal + "\n\n"
              + "The steps are in [" + planFile + "](" + planFile + "). " + OfflineDocuments.LABEL + "\n"));
        }
        writes.add(document("implementation.md", "# Implementation: " + goal + "\n\n> " + OfflineDocuments.LABEL + "\n\n"
            + "- `" + planFile + "`: the plan, kept with the code it changes.\n"
            + (readme == null ? "" : "- `README.md`: a section pointing to the plan.\n")
            + "\nTest: apply changes.patch with `git apply changes.patch` and read the plan.\n"));
      } else if (stage.equals("review")) {
        List<OfflineReview.Finding> findings = OfflineReview.findings(conversation.reads(), conversation.reviewSearches());
        writes.add(document("review.md", OfflineReview.markdown(goal, findings, conversation.reads().size())));
        writes.add(document("findings.json", OfflineReview.json(findings)));
      } else {
        writes.add(document("plan.md", OfflineDocuments.plan(goal, stackName, facts)));
        writes.add(document("template.yaml", OfflineDocuments.template(goal, stackName, facts)));
      }
      output = writeOrExplain(tools, writes);
    }
    return respond(request, output);
  }

  private static ModelResponse respond(ModelRequest request, List<ContentBlock> output) {
    Message message = new Message(Message.Role.ASSISTANT, output);
    boolean toolUse = output.stream().anyMatch(ContentBlock.ToolUse.class::isInstance);
    return new ModelResponse(message, toolUse ? StopReason.TOOL_USE : StopReason.END_TURN, usage(request, message));
  }

  /** The text of the task's {@code <name>…</name>} element, or null. */
  private static String element(String task, String name) {
    Matcher m = Pattern.compile("(?s)<" + Pattern.quote(name) + ">\\n?(.*?)</" + Pattern.quote(name) + ">").matcher(task);
    return m.find() ? m.group(1) : null;
  }

  private static ContentBlock file(String path, String content) {
    ObjectNode input = Json.MAPPER.createObjectNode().put("path", path).put("content", content);
    return toolUse("write-file-" + path, "write_file", input);
  }

  private static List<ContentBlock> explore(RepositoryFacts facts, Set<String> tools) {
    List<ContentBlock> calls = new ArrayList<>();
    if (tools.contains("read_file")) {
      int n = 1;
      for (String path : facts.filesToRead(MAX_READS)) {
        ObjectNode input = Json.MAPPER.createObjectNode().put("path", path);
        calls.add(toolUse("read-" + n++, "read_file", input));
      }
    }
    if (tools.contains("search_text")) {
      calls.add(toolUse("search-routes", "search_text", Json.MAPPER.createObjectNode().put("pattern", RepositoryFacts.ROUTE_SEARCH)));
    }
    if (calls.isEmpty()) {
      // nothing more to explore: ask for nothing and let the next turn write
      calls.add(toolUse("search-none", "list_files", Json.MAPPER.createObjectNode().put("glob", "README*")));
    }
    return calls;
  }

  private static List<ContentBlock> writeOrExplain(Set<String> tools, List<ContentBlock> writes) {
    if (!tools.contains("write_document")) {
      return List.of(new ContentBlock.Text(
          "I cannot write documents: this agent was not given the write_document tool (Write or Edit in its frontmatter)."));
    }
    return writes;
  }

  private static ContentBlock document(String name, String content) {
    ObjectNode input = Json.MAPPER.createObjectNode().put("name", name).put("content", content);
    return toolUse("write-" + name, "write_document", input);
  }

  private static ContentBlock.ToolUse toolUse(String id, String name, JsonNode input) {
    return new ContentBlock.ToolUse(id, name, input);
  }

  private static String changeSet(String task) {
    Matcher m = CHANGESET.matcher(task);
    return m.find() ? m.group(1) : null;
  }

  private static TokenUsage usage(ModelRequest request, Message output) {
    long input = request.system().length();
    for (Message message : request.messages()) {
      input += Json.write(message.content()).length();
    }
    for (ToolSpec tool : request.tools()) {
      input += tool.description().length() + tool.inputSchema().toString().length();
    }
    return new TokenUsage(Math.max(1, input / 4), Math.max(1, Json.write(output.content()).length() / 4));
  }

  /** What the conversation so far shows: the tool calls made and their results. */
  private record Conversation(
      String listing, boolean explored, List<String> writtenNames, RepositoryFacts facts, Map<String, String> reads,
      Map<Integer, String> reviewSearches) {

    boolean wrote() {
      return !writtenNames.isEmpty();
    }

    static Conversation of(List<Message> messages) {
      Map<String, ContentBlock.ToolUse> uses = new java.util.LinkedHashMap<>();
      Map<String, ContentBlock.ToolResult> results = new HashMap<>();
      for (Message message : messages) {
        for (ContentBlock block : message.content()) {
          if (block instanceof ContentBlock.ToolUse use) {
            uses.put(use.toolUseId(), use);
          } else if (block instanceof ContentBlock.ToolResult result) {
            results.put(result.toolUseId(), result);
          }
        }
      }
      ContentBlock.ToolResult list = results.get("list-1");
      String listing = list != null && list.status() == ContentBlock.ToolResult.Status.SUCCESS
          ? UntrustedData.unwrap(list.content()) : null;
      boolean explored = uses.keySet().stream().anyMatch(id -> id.startsWith("read-") || id.startsWith("search-"));
      List<String> written = new ArrayList<>();
      RepositoryFacts facts = RepositoryFacts.fromListing(listing == null ? "" : listing);
      Map<String, String> reads = new java.util.LinkedHashMap<>();
      Map<Integer, String> reviewSearches = new java.util.TreeMap<>();
      uses.keySet().forEach(id -> {
        ContentBlock.ToolUse use = uses.get(id);
        ContentBlock.ToolResult result = results.get(id);
        if (result == null || result.status() != ContentBlock.ToolResult.Status.SUCCESS) {
          return;
        }
        switch (use.name()) {
          case "read_file" -> {
            String path = use.input().path("path").asText();
            String content = UntrustedData.unwrap(result.content());
            facts.addRead(path, content);
            reads.put(path, content);
          }
          case "search_text" -> {
            if (id.startsWith("review-")) {
              reviewSearches.put(Integer.parseInt(id.substring("review-".length())), UntrustedData.unwrap(result.content()));
            } else {
              facts.addRouteMatches(UntrustedData.unwrap(result.content()));
            }
          }
          case "write_document" -> written.add(use.input().path("name").asText());
          case "write_file" -> written.add(use.input().path("path").asText());
          default -> { }
        }
      });
      return new Conversation(listing, explored, written, facts, reads, reviewSearches);
    }
  }
}
