package dev.gantry.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.document.DocumentKeys;
import dev.gantry.document.DocumentRef;
import dev.gantry.json.Json;
import dev.gantry.model.ToolSpec;
import dev.gantry.model.UntrustedData;
import dev.gantry.repo.RepositoryAccessException;
import dev.gantry.repo.RepositorySnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools one agent run may use, built from a {@link ToolMapping.Selection}: repository tools
 * over a {@link RepositorySnapshot} and write_document over a {@link DocumentSink}.
 */
public final class Toolbox {
  private static final long MAX_DOCUMENT_BYTES = 200_000;
  private final Map<String, AgentTool> tools = new LinkedHashMap<>();
  private final Map<String, String> withheld = new LinkedHashMap<>();

  /**
   * The tools a definition's selection offers; a withheld tool is not built, and a model that asks
   * for it anyway is told why ({@link #refusal}).
   *
   * @param selection from {@link ToolMapping#select(AgentDefinition)}
   * @param repository the sandboxed repository the read tools see
   * @param documents where write_document stores documents
   */
  public Toolbox(ToolMapping.Selection selection, RepositorySnapshot repository, DocumentSink documents) {
    this(selection.offered(), repository, documents);
    selection.withheld().forEach((tool, reason) -> withheld.put(tool.toolName(), reason));
  }

  /**
   * The tools a definition's selection offers in an implementing stage: the read tools see {@code
   * sandbox} (so the agent reads what it wrote), and write_file writes there whenever write_document
   * is offered; withheld together, with the same reason.
   *
   * @param sandbox the writable copy of the snapshot
   */
  public static Toolbox inSandbox(ToolMapping.Selection selection, dev.gantry.repo.Sandbox sandbox, DocumentSink documents) {
    Toolbox toolbox = new Toolbox(selection, sandbox.view(), documents);
    if (toolbox.tools.containsKey(GantryTool.WRITE_DOCUMENT.toolName())) {
      toolbox.tools.put(GantryTool.WRITE_FILE.toolName(), writeFile(sandbox));
    }
    String denied = toolbox.withheld.get(GantryTool.WRITE_DOCUMENT.toolName());
    if (denied != null) {
      toolbox.withheld.put(GantryTool.WRITE_FILE.toolName(), denied);
    }
    return toolbox;
  }

  /**
   * @param offered the Gantry tools to build
   * @param repository the sandboxed repository the read tools see
   * @param documents where write_document stores documents
   */
  public Toolbox(Set<GantryTool> offered, RepositorySnapshot repository, DocumentSink documents) {
    for (GantryTool tool : offered) {
      AgentTool built =
          switch (tool) {
            case LIST_FILES -> listFiles(repository);
            case READ_FILE -> readFile(repository);
            case SEARCH_TEXT -> searchText(repository);
            case WRITE_DOCUMENT -> writeDocument(documents);
            case WRITE_FILE -> null; // needs a sandbox: see the sandbox constructor
          };
      if (built != null) {
        tools.put(tool.toolName(), built);
      }
    }
  }

  /** The specifications offered to the model, in a stable order. */
  public List<ToolSpec> specs() {
    return tools.values().stream().map(AgentTool::spec).toList();
  }

  /**
   * Why a tool the model asked for does not run: {@code "tool 'write_document' is not offered to
   * this agent: denied by the agent's disallowedTools ('Write')"}, or without the reason for a tool
   * the definition never asked for. Sent back to the model as an error tool result.
   */
  public String refusal(String name) {
    String reason = withheld.get(name);
    return "tool '" + name + "' is not offered to this agent" + (reason == null ? "" : ": " + reason);
  }

  /** The tool named {@code name}, if offered. */
  public Optional<AgentTool> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  private static AgentTool listFiles(RepositorySnapshot repository) {
    ToolSpec spec =
        new ToolSpec(
            GantryTool.LIST_FILES.toolName(),
            "List files of the repository (recursively), one 'path<TAB>bytes' per line.",
            Json.tree(
                """
                {"type":"object","properties":{
                  "directory":{"type":"string","description":"folder relative to the repository root; empty for the root"},
                  "glob":{"type":"string","description":"optional glob on the relative path, e.g. **/*.java"}},
                 "additionalProperties":false}"""));
    return tool(
        spec,
        input -> {
          RepositorySnapshot.Listing listing =
              repository.list(text(input, "directory", false), text(input, "glob", false));
          StringBuilder out = new StringBuilder();
          for (RepositorySnapshot.FileEntry e : listing.files()) {
            out.append(e.path()).append('\t').append(e.sizeBytes()).append('\n');
          }
          if (listing.truncated()) {
            out.append("(listing truncated: narrow it with 'directory' or 'glob')\n");
          }
          return UntrustedData.wrap("file listing", out.toString());
        });
  }

  private static AgentTool readFile(RepositorySnapshot repository) {
    ToolSpec spec =
        new ToolSpec(
            GantryTool.READ_FILE.toolName(),
            "Read one text file of the repository. Large files are cut at a byte limit.",
            Json.tree(
                """
                {"type":"object","properties":{
                  "path":{"type":"string","description":"file path relative to the repository root"}},
                 "required":["path"],"additionalProperties":false}"""));
    return tool(
        spec,
        input -> {
          String path = text(input, "path", true);
          RepositorySnapshot.FileContent content = repository.read(path);
          return UntrustedData.wrap(path, content.truncated()
              ? content.text()
                  + "\n(file cut at the read limit; it has "
                  + content.sizeBytes()
                  + " bytes)"
              : content.text());
        });
  }

  private static AgentTool searchText(RepositorySnapshot repository) {
    ToolSpec spec =
        new ToolSpec(
            GantryTool.SEARCH_TEXT.toolName(),
            "Search repository text with a Java regular expression; one 'path:line: text' per match.",
            Json.tree(
                """
                {"type":"object","properties":{
                  "pattern":{"type":"string","description":"Java regular expression"},
                  "glob":{"type":"string","description":"optional glob on the relative path"}},
                 "required":["pattern"],"additionalProperties":false}"""));
    return tool(
        spec,
        input -> {
          RepositorySnapshot.SearchResult result =
              repository.search(text(input, "pattern", true), text(input, "glob", false));
          StringBuilder out = new StringBuilder();
          for (RepositorySnapshot.SearchMatch m : result.matches()) {
            out.append(m.path()).append(':').append(m.lineNumber()).append(": ").append(m.line()).append('\n');
          }
          if (result.truncated()) {
            out.append("(matches truncated: narrow the pattern or glob)\n");
          }
          return out.length() == 0 ? "(no matches)\n" : UntrustedData.wrap("search results", out.toString());
        });
  }

  private static AgentTool writeDocument(DocumentSink documents) {
    ToolSpec spec =
        new ToolSpec(
            GantryTool.WRITE_DOCUMENT.toolName(),
            "Write a session document, such as architecture.md, plan.md or template.yaml.",
            Json.tree(
                """
                {"type":"object","properties":{
                  "name":{"type":"string","description":"lowercase file name ending in .md, .json, .yaml, .yml or .txt"},
                  "content":{"type":"string","description":"the whole document"}},
                 "required":["name","content"],"additionalProperties":false}"""));
    return tool(
        spec,
        input -> {
          String name = text(input, "name", true);
          String content = text(input, "content", true);
          if (!DocumentKeys.isValidName(name)) {
            throw new ToolException(
                "invalid document name '" + name + "': use e.g. architecture.md or template.yaml");
          }
          if (content.length() > MAX_DOCUMENT_BYTES) {
            throw new ToolException("document too large: keep it under " + MAX_DOCUMENT_BYTES + " characters");
          }
          DocumentRef ref = documents.write(name, content);
          return "wrote " + ref.name() + " (" + ref.sizeBytes() + " bytes, sha256 " + ref.sha256() + ")";
        });
  }

  private static AgentTool writeFile(dev.gantry.repo.Sandbox sandbox) {
    ToolSpec spec =
        new ToolSpec(
            GantryTool.WRITE_FILE.toolName(),
            "Create or replace a file of the repository (a sandboxed copy: the source is never changed); Gantry "
                + "turns what you write into changes.patch for a person to approve.",
            Json.tree(
                """
                {"type":"object","properties":{
                  "path":{"type":"string","description":"file path relative to the repository root, e.g. src/handler.py"},
                  "content":{"type":"string","description":"the whole new content of the file"}},
                 "required":["path","content"],"additionalProperties":false}"""));
    return tool(spec, input -> sandbox.write(text(input, "path", true), text(input, "content", true)));
  }

  private interface Body {
    String run(JsonNode input);
  }

  private static AgentTool tool(ToolSpec spec, Body body) {
    return new AgentTool() {
      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public String run(JsonNode input) {
        try {
          return body.run(input);
        } catch (RepositoryAccessException e) {
          throw new ToolException(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
          if (spec.name().equals(GantryTool.WRITE_DOCUMENT.toolName()) || spec.name().equals(GantryTool.WRITE_FILE.toolName())) {
            throw e; // a storage failure is the stage's to handle, not the model's
          }
          throw new ToolException(spec.name() + " failed to read the repository; try again or narrow the request");
        }
      }
    };
  }

  private static String text(JsonNode input, String field, boolean required) {
    JsonNode value = input.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new ToolException("missing required input '" + field + "'");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new ToolException("input '" + field + "' must be a string");
    }
    return value.asText();
  }
}
