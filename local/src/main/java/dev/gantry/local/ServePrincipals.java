package dev.gantry.local;

import dev.gantry.api.Caller;
import dev.gantry.api.Permission;
import dev.gantry.session.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Who may call {@code gantry serve}: bearer tokens (RFC 6750) mapped to callers with their {@link
 * Permission}s. By default one token, the laptop's user, with every permission; a team sharing one
 * server lists its principals in a YAML file ({@code GANTRY_SERVE_PRINCIPALS}):
 *
 * <pre>
 * ana:
 *   token: 4f0c...            # at least 32 characters
 *   scopes: [gantry/sessions.read, gantry/sessions.write]
 * ben:
 *   token: 9a1e...
 *   scopes: [gantry/approvals]
 * </pre>
 *
 * <p>Each principal's identity is {@code local:<name>}; its scopes are {@link Permission}'s. Tokens
 * are compared in constant time ({@link MessageDigest#isEqual}).
 */
final class ServePrincipals {
  /** The shortest token accepted: 32 characters (a generated token has 43). */
  static final int MIN_TOKEN_CHARS = 32;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private record Principal(byte[] authorization, Caller caller) {}

  private final List<Principal> principals;

  private ServePrincipals(List<Principal> principals) {
    this.principals = List.copyOf(principals);
  }

  /** One principal with every permission: the user of a laptop. */
  static ServePrincipals single(String token, String callerId) {
    return new ServePrincipals(List.of(new Principal(authorization(token), Caller.withEveryPermission(callerId))));
  }

  /**
   * Reads a principals file.
   *
   * @param yaml the file's text
   * @param source the file's name, for messages
   * @throws InvalidRequestException naming the file and the field at fault: not a mapping, a bad
   *     name, a missing or short or repeated token, an unknown scope
   */
  static ServePrincipals parse(String yaml, String source) {
    Object document;
    try {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (RuntimeException e) {
      throw invalid(source, "", "is not YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (!(document instanceof Map<?, ?> entries) || entries.isEmpty()) {
      throw invalid(source, "", "must map principal names to {token, scopes}");
    }
    List<Principal> principals = new ArrayList<>();
    Map<String, String> tokens = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      String name = String.valueOf(entry.getKey());
      if (!NAME.matcher(name).matches()) {
        throw invalid(source, name, "is not a principal name: use 1-64 letters, digits, '.', '_', '@' or '-'");
      }
      if (!(entry.getValue() instanceof Map<?, ?> fields)) {
        throw invalid(source, name, "must be a mapping with token and scopes");
      }
      for (Object field : fields.keySet()) {
        if (!Set.of("token", "scopes").contains(String.valueOf(field))) {
          throw invalid(source, name + "." + field, "is not a field: use token and scopes");
        }
      }
      if (!(fields.get("token") instanceof String token) || token.strip().length() < MIN_TOKEN_CHARS) {
        throw invalid(source, name + ".token", "must be a string of at least " + MIN_TOKEN_CHARS + " characters");
      }
      String other = tokens.put(token.strip(), name);
      if (other != null) {
        throw invalid(source, name + ".token", "is also " + other + "'s: give each principal its own token");
      }
      if (!(fields.get("scopes") instanceof List<?> scopes) || scopes.isEmpty()) {
        throw invalid(source, name + ".scopes", "must list at least one of " + scopeNames());
      }
      for (Object scope : scopes) {
        if (Permission.ofScope(String.valueOf(scope)).isEmpty()) {
          throw invalid(source, name + ".scopes", "'" + scope + "' is not a scope: use " + scopeNames());
        }
      }
      principals.add(new Principal(authorization(token.strip()),
          new Caller("local:" + name, Permission.granted(scopes.stream().map(String::valueOf).toList()))));
    }
    return new ServePrincipals(principals);
  }

  /** The caller an {@code Authorization} header value names, or empty. */
  Optional<Caller> caller(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    byte[] presented = authorization.getBytes(StandardCharsets.UTF_8);
    Caller found = null;
    for (Principal principal : principals) { // every one compared, so the time says nothing about which matched
      if (MessageDigest.isEqual(principal.authorization(), presented)) {
        found = principal.caller();
      }
    }
    return Optional.ofNullable(found);
  }

  /** How many principals. */
  int size() {
    return principals.size();
  }

  private static byte[] authorization(String token) {
    return ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  private static String scopeNames() {
    return String.join(", ", Arrays.stream(Permission.values()).map(Permission::scope).toList());
  }

  private static InvalidRequestException invalid(String source, String field, String message) {
    return new InvalidRequestException(field.isEmpty() ? "principals" : field,
        source + (field.isEmpty() ? "" : ": " + field) + " " + message);
  }
}
