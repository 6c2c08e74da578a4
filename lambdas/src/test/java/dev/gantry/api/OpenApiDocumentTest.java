package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.pipeline.Pipelines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** openapi.yaml documents exactly the routes the router serves, with the same operation ids. */
class OpenApiDocumentTest {
  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @SuppressWarnings("unchecked")
  static Map<String, Object> document() throws IOException {
    try (InputStream in = GantryApi.class.getResourceAsStream("openapi.yaml")) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }

  static Router router() {
    return new GantryApi(null, null, null, null, AgentCatalog.load(Path.of("../agents")), null, null, null, id -> java.util.Optional.empty())
        .router();
  }

  @Test
  @SuppressWarnings("unchecked")
  void the_start_body_offers_exactly_the_declared_pipelines_and_agent_roles() throws IOException {
    Map<String, Object> start = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) document()
        .get("components")).get("schemas")).get("StartSession");
    Map<String, Object> properties = (Map<String, Object>) start.get("properties");
    Map<String, Object> pipeline = (Map<String, Object>) properties.get("pipeline");
    assertThat((java.util.List<String>) pipeline.get("enum")).isEqualTo(Pipelines.standard().names());
    assertThat(pipeline.get("default")).isEqualTo(Pipelines.standard().defaultPipeline().name());
    Map<String, Object> agents = (Map<String, Object>) ((Map<String, Object>) properties.get("agents")).get("properties");
    assertThat(agents.keySet()).containsExactlyElementsOf(Pipelines.standard().agentRoles());
  }

  @Test
  @SuppressWarnings("unchecked")
  void each_operation_documents_exactly_the_scopes_that_grant_its_route_permission() throws IOException {
    Map<String, java.util.List<String>> documented = new TreeMap<>();
    ((Map<String, Map<String, Object>>) document().get("paths")).forEach((path, item) -> item.forEach((method, operation) -> {
      if (METHODS.contains(method)) {
        Map<String, Object> op = (Map<String, Object>) operation;
        java.util.List<String> scopes = new java.util.ArrayList<>();
        for (Map<String, java.util.List<String>> requirement
            : (java.util.List<Map<String, java.util.List<String>>>) op.getOrDefault("security", java.util.List.of())) {
          scopes.addAll(requirement.getOrDefault("bearer", java.util.List.of()));
        }
        documented.put((String) op.get("operationId"), scopes);
      }
    }));
    Map<String, java.util.List<String>> granted = new TreeMap<>();
    for (Router.Route route : router().routes()) {
      granted.put(route.operationId(), route.authenticated() ? route.permission().grantingScopes() : java.util.List.of());
    }

    assertThat(documented).isEqualTo(granted);
    assertThat(granted.get("decideApproval")).containsExactly("gantry/approvals");
    assertThat(granted.get("getSession")).contains("gantry/sessions.read", "gantry/sessions.read-all", "gantry/approvals");
    assertThat(granted.get("startSession")).containsExactly("gantry/sessions.write");
  }

  @Test
  @SuppressWarnings("unchecked")
  void every_served_route_is_documented_with_its_query_parameters_and_every_documented_operation_is_served() throws IOException {
    Map<String, Object> openapi = document();
    Map<String, String> documented = new TreeMap<>();
    Map<String, Set<String>> documentedQuery = new TreeMap<>();
    Set<String> publicOperations = new TreeSet<>();
    ((Map<String, Map<String, Object>>) openapi.get("paths")).forEach((path, item) -> item.forEach((method, operation) -> {
      if (METHODS.contains(method)) {
        Map<String, Object> op = (Map<String, Object>) operation;
        documented.put(method.toUpperCase() + " " + path, (String) op.get("operationId"));
        Set<String> query = new TreeSet<>();
        for (Object parameter : (java.util.List<Object>) op.getOrDefault("parameters", java.util.List.of())) {
          Map<String, Object> p = (Map<String, Object>) parameter;
          if ("query".equals(p.get("in"))) {
            query.add((String) p.get("name"));
          }
        }
        documentedQuery.put((String) op.get("operationId"), query);
        if (op.containsKey("security") && ((java.util.List<?>) op.get("security")).isEmpty()) {
          publicOperations.add((String) op.get("operationId"));
        }
      }
    }));
    Map<String, String> served = new TreeMap<>();
    Map<String, Set<String>> servedQuery = new TreeMap<>();
    Set<String> unauthenticated = new TreeSet<>();
    for (Router.Route route : router().routes()) {
      served.put(route.method() + " " + route.template(), route.operationId());
      servedQuery.put(route.operationId(), new TreeSet<>(route.query()));
      if (!route.authenticated()) {
        unauthenticated.add(route.operationId());
      }
    }

    assertThat(openapi.get("openapi").toString()).startsWith("3.1.");
    assertThat(documented).isEqualTo(served);
    assertThat(publicOperations).isEqualTo(unauthenticated);
    assertThat(documentedQuery).isEqualTo(servedQuery);
  }

  @Test
  @SuppressWarnings("unchecked")
  void every_operation_documents_its_problem_responses_as_rfc_9457() throws IOException {
    Map<String, Object> openapi = document();
    ((Map<String, Map<String, Object>>) openapi.get("paths")).forEach((path, item) -> item.forEach((method, operation) -> {
      if (!METHODS.contains(method)) {
        return;
      }
      Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) operation).get("responses");
      responses.forEach((status, response) -> {
        if (Integer.parseInt(status) >= 400) {
          assertThat(response).as(method + " " + path + " " + status)
              .isEqualTo(Map.of("$ref", "#/components/responses/Problem"));
        }
      });
    }));
    Map<String, Object> problem = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) openapi.get("components"))
        .get("schemas")).get("Problem");
    assertThat((Iterable<String>) problem.get("required")).containsExactlyInAnyOrder("type", "title", "status", "detail");
  }
}
