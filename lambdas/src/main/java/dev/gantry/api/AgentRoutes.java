package dev.gantry.api;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentDefinition;
import dev.gantry.agent.AgentDefinitionException;
import dev.gantry.agent.ToolMapping;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent routes: the catalog the stages run, with each agent's tools as Gantry offers them. Its
 * {@link #listing} is also what {@code gantry agents --json} prints.
 */
public final class AgentRoutes {
  private final AgentCatalog catalog;

  AgentRoutes(AgentCatalog catalog) {
    this.catalog = catalog;
  }

  /** An agent in the listing. */
  public record AgentSummary(String name, String description, String model, List<String> tools, List<ToolMapping.DroppedTool> toolsNotOffered,
      String file, Map<String, String> links) {}

  /** An agent in full: its frontmatter as parsed and its system prompt. */
  public record AgentDetail(String name, String description, String model, List<String> tools, List<ToolMapping.DroppedTool> toolsNotOffered,
      String file, Map<String, Object> frontmatter, String prompt) {}

  /** A file that did not load. */
  public record LoadProblem(String file, int line, String problem) {}

  /** The listing. */
  public record Listing(List<AgentSummary> agents, List<LoadProblem> problems) {}

  ApiResponse list(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    return ApiResponse.json(200, listing(catalog));
  }

  /** The agents of {@code catalog} with the tools offered and withheld, and the files that failed to load. */
  public static Listing listing(AgentCatalog catalog) {
    List<AgentSummary> agents = catalog.agents().stream().map(a -> {
      ToolMapping.Selection tools = ToolMapping.select(a);
      return new AgentSummary(a.name(), a.description(), a.model(), offered(tools), tools.dropped(), catalog.displayName(a.source()),
          Map.of("self", "/agents/" + a.name()));
    }).toList();
    List<LoadProblem> problems = catalog.problems().stream()
        .map((AgentDefinitionException p) -> new LoadProblem(catalog.displayName(p.source()), p.line(), p.problem())).toList();
    return new Listing(agents, problems);
  }

  ApiResponse show(ApiRequest request, Map<String, String> path, Map<String, String> query) {
    AgentDefinition a = catalog.find(path.get("name")).orElseThrow(() -> new ApiException(Problem.Kind.NOT_FOUND,
        "no agent named '" + path.get("name") + "': GET /agents lists them", null));
    ToolMapping.Selection tools = ToolMapping.select(a);
    return ApiResponse.json(200, new AgentDetail(a.name(), a.description(), a.model(), offered(tools), tools.dropped(),
        catalog.displayName(a.source()), new TreeMap<>(a.frontmatter()), a.body()));
  }

  private static List<String> offered(ToolMapping.Selection tools) {
    return tools.offered().stream().map(t -> t.toolName()).sorted().toList();
  }
}
