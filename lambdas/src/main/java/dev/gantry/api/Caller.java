package dev.gantry.api;

import dev.gantry.session.Session;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who made an authenticated request, as the transport established it: in AWS from the API
 * Gateway authorizer's context (IAM user ARN or JWT claims and scopes), locally from the bearer
 * token.
 *
 * @param id the identity written into audit entries, such as {@code iam:arn:aws:iam::1:user/ana},
 *     {@code jwt:https://issuer|subject} or {@code local:ana}
 * @param permissions what it may do ({@link Permission}); a route needing one it lacks answers 403
 * @param routeAuthorizedUpstream true when the transport's authorizer already decided this route
 *     (IAM: a policy allowed {@code execute-api:Invoke} on it), so the route's permission is not
 *     checked again; its {@code permissions} then only widen what it sees or may do to others'
 *     sessions (the reader role), never the routes
 */
public record Caller(String id, Set<Permission> permissions, boolean routeAuthorizedUpstream) {
  public Caller {
    permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
  }

  /** A caller whose permissions come from its token's scopes (JWT, {@code gantry serve}'s principals). */
  public Caller(String id, Set<Permission> permissions) {
    this(id, permissions, false);
  }

  /**
   * An IAM caller: IAM allowed this route; Gantry adds only the reader role ({@link
   * Permission#READ_ALL}) when configured. So it cancels and decides only what IAM lets it invoke,
   * and cancels only its own sessions (cancelling others' needs the approvals scope, which IAM
   * callers do not carry).
   */
  public static Caller iam(String id, boolean reader) {
    return new Caller(id, reader ? Set.of(Permission.READ_ALL, Permission.READ) : Set.of(), true);
  }

  /** A caller holding every permission: the one user of a laptop's {@code gantry serve}. */
  public static Caller withEveryPermission(String id) {
    return new Caller(id, EnumSet.allOf(Permission.class));
  }

  /** Whether it holds {@code permission}. */
  public boolean may(Permission permission) {
    return permissions.contains(permission);
  }

  /** Whether it started {@code session} (the session's origin actor is this identity). */
  public boolean owns(Session session) {
    return session.origin() != null && id.equals(session.origin().actor());
  }

  /** Whether it may read {@code session}: its own, or any with {@link Permission#READ_ALL}. */
  public boolean sees(Session session) {
    return may(Permission.READ_ALL) || owns(session);
  }
}
