package dev.gantry.session;

import java.util.Map;

/**
 * What to record with a session change; the store turns it into a chained {@link AuditEntry}.
 *
 * @param actor who caused it
 * @param action what happened (PascalCase verb phrase)
 * @param details small string facts; never prompts, documents or secrets
 */
public record AuditEvent(String actor, String action, Map<String, String> details) {
  public AuditEvent {
    details = details == null ? Map.of() : Map.copyOf(details);
  }
}
