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
 */
public record Caller(String id, Set<Permission> permissions) {
  public Caller {
    permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
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
