package dev.gantry.api;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which IAM principals hold the reader role ({@link Permission#READ_ALL}) when the HTTP API uses
 * IAM authorization. IAM decides per route who may invoke it ({@code execute-api:Invoke} on {@code
 * arn:aws:execute-api:region:account:api-id/$default/METHOD/path}), but a route's ARN does not say
 * whose session it names, so seeing other principals' sessions is granted here: by ARN patterns
 * with IAM's {@code StringLike} wildcards ({@code *} any run of characters, {@code ?} one), matched
 * against the caller ARN API Gateway gives ({@code requestContext.authorizer.iam.userArn}: a user
 * ARN, or {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION} for a role).
 *
 * <p>Read from {@code GANTRY_SESSION_READERS} (comma-separated; the stack's context {@code
 * sessionReaders}). List approvers here too: they must see the sessions they decide.
 */
public final class IamReaders {
  private final List<Pattern> patterns;

  private IamReaders(List<Pattern> patterns) {
    this.patterns = patterns;
  }

  /** No principal reads other principals' sessions. */
  public static IamReaders none() {
    return new IamReaders(List.of());
  }

  /**
   * @param patterns comma-separated ARN patterns, or null/blank for none
   * @throws IllegalArgumentException for a pattern that is not an ARN ({@code arn:...})
   */
  public static IamReaders parse(String patterns) {
    if (patterns == null || patterns.isBlank()) {
      return none();
    }
    return new IamReaders(Arrays.stream(patterns.split(",")).map(String::strip).filter(p -> !p.isEmpty()).map(p -> {
      if (!p.startsWith("arn:")) {
        throw new IllegalArgumentException("GANTRY_SESSION_READERS: '" + p + "' is not an IAM ARN pattern such as "
            + "arn:aws:sts::123456789012:assumed-role/GantryReviewers/*");
      }
      return Pattern.compile(Arrays.stream(p.split("", -1)).map(c -> switch (c) {
        case "*" -> ".*";
        case "?" -> ".";
        default -> Pattern.quote(c);
      }).reduce("", String::concat));
    }).toList());
  }

  /** Whether the principal with this ARN holds the reader role. */
  public boolean matches(String arn) {
    return arn != null && patterns.stream().anyMatch(p -> p.matcher(arn).matches());
  }
}
