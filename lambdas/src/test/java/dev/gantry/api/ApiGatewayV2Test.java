package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caller and its permissions, as the API Gateway authorizer context gives them. */
class ApiGatewayV2Test {
  static APIGatewayV2HTTPEvent sample() {
    return EventLoader.loadApiGatewayHttpEvent("events/apigw-v2-request.json");
  }

  static APIGatewayV2HTTPEvent withJwt(Map<String, String> claims, List<String> scopes) {
    APIGatewayV2HTTPEvent event = sample();
    APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
    jwt.setClaims(claims);
    jwt.setScopes(scopes);
    APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
    authorizer.setJwt(jwt);
    event.getRequestContext().setAuthorizer(authorizer);
    return event;
  }

  @Test
  void an_iam_caller_is_trusted_for_the_route_iam_allowed_and_holds_the_reader_role_only_when_configured() {
    Caller plain = ApiGatewayV2.toRequest(sample()).caller().orElseThrow();
    Caller reader = ApiGatewayV2.toRequest(sample(), IamReaders.parse("arn:aws:iam::123456789012:user/*")).caller().orElseThrow();

    assertThat(plain.id()).isEqualTo("iam:arn:aws:iam::123456789012:user/ana");
    assertThat(plain.routeAuthorizedUpstream()).as("IAM already decided the route").isTrue();
    assertThat(plain.permissions()).as("nothing beyond the route IAM allowed: not others' sessions").isEmpty();
    assertThat(reader.permissions()).containsExactlyInAnyOrder(Permission.READ_ALL, Permission.READ);
    assertThat(reader.may(Permission.APPROVE)).as("a reader cannot cancel others' sessions").isFalse();
    assertThat(IamReaders.parse("arn:aws:iam::123456789012:user/an?").matches("arn:aws:iam::123456789012:user/ana")).isTrue();
    assertThat(IamReaders.parse("arn:aws:iam::123456789012:user/an?").matches("arn:aws:iam::123456789012:user/anna")).isFalse();
    assertThat(IamReaders.parse("arn:aws:iam::1:user/a.b").matches("arn:aws:iam::1:user/aXb")).as("a dot is literal").isFalse();
  }

  @Test
  void a_jwt_callers_permissions_come_from_the_authorizers_scopes_or_else_the_scope_claim() {
    Caller fromScopes = ApiGatewayV2.toRequest(withJwt(Map.of("iss", "https://idp", "sub", "u1"),
        List.of("gantry/sessions.read", "openid"))).caller().orElseThrow();
    Caller fromClaim = ApiGatewayV2.toRequest(withJwt(Map.of("iss", "https://idp", "sub", "u2",
        "scope", "gantry/approvals gantry/sessions.write"), null)).caller().orElseThrow();
    Caller none = ApiGatewayV2.toRequest(withJwt(Map.of("iss", "https://idp", "sub", "u3"), List.of())).caller().orElseThrow();

    assertThat(fromScopes.id()).isEqualTo("jwt:https://idp|u1");
    assertThat(fromScopes.permissions()).containsExactly(Permission.READ);
    assertThat(fromClaim.permissions()).containsExactlyInAnyOrder(Permission.APPROVE, Permission.READ_ALL, Permission.READ,
        Permission.WRITE);
    assertThat(none.permissions()).isEmpty();
  }
}
