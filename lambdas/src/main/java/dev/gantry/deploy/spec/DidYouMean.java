package dev.gantry.deploy.spec;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The known name a misspelt one most likely meant, for every did-you-mean Gantry prints (resource
 * types, properties, attributes, logical ids, conditions, mappings, parameter types, sections).
 * Both measures come from Apache Commons Text: a candidate is suggested when it is the same but for
 * case, else when it is within a small edit distance (Levenshtein: a third of the name's length, at
 * least 2 and at most 4; 1 for three-letter names), else when it is very similar by Jaro-Winkler
 * (at least {@link #THRESHOLD}), which forgives swapped letters ({@code Valeu}) and cut-off names
 * ({@code Stream} for {@code StreamArn}) and rewards a shared start.
 */
public final class DidYouMean {
  /** How similar (0 to 1, case ignored) a candidate must be by Jaro-Winkler to be suggested. */
  public static final double THRESHOLD = 0.9;

  private static final JaroWinklerSimilarity SIMILARITY = new JaroWinklerSimilarity();

  private DidYouMean() {}

  /**
   * The candidate {@code input} most likely meant, never {@code input} itself; on a tie the first
   * in {@code candidates}' order. Empty for a name shorter than three characters (unless only its
   * case differs) and when nothing is close.
   */
  public static Optional<String> closest(String input, Collection<String> candidates) {
    if (input == null || input.isEmpty()) {
      return Optional.empty();
    }
    for (String candidate : candidates) {
      if (candidate.equalsIgnoreCase(input) && !candidate.equals(input)) {
        return Optional.of(candidate);
      }
    }
    if (input.length() < 3) {
      return Optional.empty();
    }
    return byEditDistance(input, candidates).or(() -> bySimilarity(input, candidates));
  }

  private static Optional<String> byEditDistance(String input, Collection<String> candidates) {
    int threshold = input.length() == 3 ? 1 : Math.max(2, Math.min(4, input.length() / 3));
    LevenshteinDistance distance = new LevenshteinDistance(threshold);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance.apply(input, candidate);
      if (d >= 0 && d < bestDistance && !candidate.equals(input)) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  private static Optional<String> bySimilarity(String input, Collection<String> candidates) {
    String wanted = input.toLowerCase(Locale.ROOT);
    String best = null;
    double bestScore = THRESHOLD;
    for (String candidate : candidates) {
      if (candidate.equals(input)) {
        continue;
      }
      double score = SIMILARITY.apply(wanted, candidate.toLowerCase(Locale.ROOT));
      if (score > bestScore || (best == null && score == bestScore)) {
        best = candidate;
        bestScore = score;
      }
    }
    return Optional.ofNullable(best);
  }
}
