package dev.gantry.api;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller may do through the API, one value per OAuth 2.0 scope (RFC 6749 section 3.3), and
 * what each route requires ({@link Router.Route#permission}). The scopes are the JWT authorizer's
 * (API Gateway checks a route's scopes against the token's {@code scope} / {@code scp} claim; "Controlling
 * access to HTTP APIs with JWT authorizers"), the bearer tokens' of {@code gantry serve}, and, with
 * IAM authorization, the names of the stack's managed policies that grant {@code execute-api:Invoke}
 * on the routes that need them.
 *
 * <p>A scope grants its own permission and those listed as implied: {@code gantry/sessions.read-all}
 * also reads one's own sessions; {@code gantry/approvals} also reads every session, since an
 * approver must see what it decides. Nothing implies {@code gantry/sessions.write}.
 */
public enum Permission {
  /** Read one's own sessions (list, show, audit, documents) and the agent catalog. */
  READ("gantry/sessions.read"),
  /** Start sessions and cancel one's own. */
  WRITE("gantry/sessions.write"),
  /** Read every principal's sessions: the reader role (auditors, on-call). */
  READ_ALL("gantry/sessions.read-all", READ),
  /** Decide other principals' approvals; with {@link #WRITE} also cancel their sessions. */
  APPROVE("gantry/approvals", READ, READ_ALL);

  private final String scope;
  private final List<Permission> implied;

  Permission(String scope, Permission... implied) {
    this.scope = scope;
    this.implied = List.of(implied);
  }

  /** The OAuth scope, such as {@code gantry/sessions.read}. */
  public String scope() {
    return scope;
  }

  /** Every scope whose holder has this permission (its own and those implying it), in declaration order. */
  public List<String> grantingScopes() {
    return Arrays.stream(values()).filter(p -> p == this || p.implied.contains(this)).map(Permission::scope).toList();
  }

  /** The permission a scope names, or empty for a scope Gantry does not use. */
  public static Optional<Permission> ofScope(String scope) {
    return Arrays.stream(values()).filter(p -> p.scope.equals(scope)).findFirst();
  }

  /** The permissions {@code scopes} grant, implied ones included; scopes Gantry does not use are ignored. */
  public static Set<Permission> granted(Iterable<String> scopes) {
    Set<Permission> granted = EnumSet.noneOf(Permission.class);
    for (String scope : scopes) {
      ofScope(scope).ifPresent(p -> {
        granted.add(p);
        granted.addAll(p.implied);
      });
    }
    return granted;
  }

  /**
   * The permissions a scope list grants: space-separated (the JWT {@code scope} claim, RFC 8693
   * section 4.2), comma-separated (configuration), or an array claim such as {@code scp} as API
   * Gateway flattens it into the authorizer's claims ({@code [a b]}).
   */
  public static Set<Permission> parse(String scopes) {
    return granted(scopes == null || scopes.isBlank() ? List.of()
        : java.util.Arrays.stream(scopes.strip().split("[\\s,\\[\\]\"]+")).filter(s -> !s.isEmpty()).toList());
  }

  /** A short name for messages and policy names: {@code read}, {@code write}, {@code read-all}, {@code approve}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
