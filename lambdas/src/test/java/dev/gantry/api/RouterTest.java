package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.json.Json;
import dev.gantry.session.SelfApprovalRefusedException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
  static Router router(Router.Handler handler) {
    return new Router(List.of(
        new Router.Route("POST", "/sessions/{id}/approval", "decideApproval", Permission.APPROVE, Router.Route.Body.NONE, Set.of(), handler),
        new Router.Route("GET", "/health", "health", null, Router.Route.Body.NONE, Set.of(), handler)));
  }

  @Test
  void a_self_approval_refused_by_separation_of_duties_is_403_problem_json() {
    Router router = router((request, path, query) -> {
      throw new SelfApprovalRefusedException("alice started session s-1 and cannot decide its approval: ask another reviewer");
    });

    ApiResponse answer = router.handle(new ApiRequest("POST", "/sessions/s-1/approval", null, Map.of(), new byte[0], false,
        Optional.of(Caller.withEveryPermission("alice"))));

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.headers()).containsEntry("Content-Type", "application/problem+json");
    assertThat(Json.tree(new String(answer.body(), StandardCharsets.UTF_8)).get("detail").asText())
        .contains("cannot decide its approval");
  }

  @Test
  void a_caller_without_the_routes_permission_is_refused_403_naming_the_scope_and_the_handler_never_runs() {
    java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
    Router router = router((request, path, query) -> {
      ran.set(true);
      return ApiResponse.json(200, Map.of());
    });

    ApiResponse answer = router.handle(new ApiRequest("POST", "/sessions/s-1/approval", null, Map.of(), new byte[0], false,
        Optional.of(new Caller("ben", Set.of(Permission.READ, Permission.WRITE)))));

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.headers().get("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"gantry/approvals\"");
    assertThat(Json.tree(new String(answer.body(), StandardCharsets.UTF_8)).get("detail").asText())
        .contains("ben lacks", "gantry/approvals");
    assertThat(ran).isFalse();
  }

  @Test
  void an_audit_key_that_cannot_be_used_is_a_503_with_retry_after_not_a_500() {
    Router router = router((request, path, query) -> {
      throw new dev.gantry.session.AuditKeyUnavailableException("KMS GenerateMac on alias/gantry-audit failed", null);
    });

    ApiResponse answer = router.handle(new ApiRequest("POST", "/sessions/s-1/approval", null, Map.of(), new byte[0], false,
        Optional.of(Caller.withEveryPermission("alice"))));

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.headers()).containsEntry("Retry-After", "5");
    assertThat(Json.tree(new String(answer.body(), StandardCharsets.UTF_8)).get("detail").asText()).contains("retry later");
  }

  @Test
  void a_scope_grants_its_permission_and_the_ones_it_implies() {
    assertThat(Permission.parse("gantry/approvals")).containsExactlyInAnyOrder(Permission.APPROVE, Permission.READ_ALL, Permission.READ);
    assertThat(Permission.parse("gantry/sessions.read-all openid")).containsExactlyInAnyOrder(Permission.READ_ALL, Permission.READ);
    assertThat(Permission.parse("gantry/sessions.read,gantry/sessions.write"))
        .containsExactlyInAnyOrder(Permission.READ, Permission.WRITE);
    assertThat(Permission.parse("gantry/sessions")).isEmpty();
    assertThat(Permission.parse("[gantry/sessions.write gantry/sessions.read]")).as("an scp array as API Gateway flattens it")
        .containsExactlyInAnyOrder(Permission.READ, Permission.WRITE);
    assertThat(Permission.WRITE.grantingScopes()).containsExactly("gantry/sessions.write");
  }

  @Test
  void a_transport_can_tell_before_reading_a_body_which_requests_need_a_caller() {
    Router router = router((request, path, query) -> ApiResponse.json(200, Map.of()));

    assertThat(router.requiresCaller("POST", "/sessions/s-1/approval")).isTrue();
    assertThat(router.requiresCaller("GET", "/health")).isFalse();
    assertThat(router.requiresCaller("GET", "/no/such/route")).isTrue();
  }
}
