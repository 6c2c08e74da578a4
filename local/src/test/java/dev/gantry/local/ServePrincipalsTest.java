package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.Caller;
import dev.gantry.api.Permission;
import dev.gantry.session.InvalidRequestException;
import org.junit.jupiter.api.Test;

class ServePrincipalsTest {
  static final String ANA = "a".repeat(40);
  static final String BEN = "b".repeat(40);

  @Test
  void each_token_names_its_principal_with_the_permissions_its_scopes_grant() {
    ServePrincipals principals = ServePrincipals.parse("""
        ana: {token: %s, scopes: [gantry/sessions.read, gantry/sessions.write]}
        ben: {token: %s, scopes: [gantry/approvals]}
        """.formatted(ANA, BEN), "principals.yaml");

    Caller ana = principals.caller("Bearer " + ANA).orElseThrow();
    Caller ben = principals.caller("Bearer " + BEN).orElseThrow();

    assertThat(ana.id()).isEqualTo("local:ana");
    assertThat(ana.permissions()).containsExactlyInAnyOrder(Permission.READ, Permission.WRITE);
    assertThat(ben.permissions()).containsExactlyInAnyOrder(Permission.APPROVE, Permission.READ_ALL, Permission.READ);
    assertThat(principals.caller("Bearer " + ANA.substring(1))).isEmpty();
    assertThat(principals.caller(ANA)).as("the Bearer scheme is required").isEmpty();
    assertThat(principals.caller(null)).isEmpty();
  }

  @Test
  void a_mistake_names_the_file_and_the_field() {
    assertThatThrownBy(() -> ServePrincipals.parse("ana: {token: short, scopes: [gantry/sessions.read]}", "p.yaml"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("p.yaml: ana.token").hasMessageContaining("32");
    assertThatThrownBy(() -> ServePrincipals.parse("ana: {token: " + ANA + ", scopes: [gantry/sessions]}", "p.yaml"))
        .hasMessageContaining("p.yaml: ana.scopes").hasMessageContaining("'gantry/sessions' is not a scope");
    assertThatThrownBy(() -> ServePrincipals.parse("ana: {token: " + ANA + ", scopes: [gantry/sessions.read]}\n"
        + "ben: {token: " + ANA + ", scopes: [gantry/sessions.read]}", "p.yaml"))
        .hasMessageContaining("ben.token is also ana's");
    assertThatThrownBy(() -> ServePrincipals.parse("ana: {token: " + ANA + ", scope: [gantry/sessions.read]}", "p.yaml"))
        .hasMessageContaining("ana.scope is not a field");
    assertThatThrownBy(() -> ServePrincipals.parse("- ana", "p.yaml")).hasMessageContaining("must map principal names");
  }
}
