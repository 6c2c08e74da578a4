package dev.gantry.deploy.spec;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;

/**
 * Suggests the known name a misspelt one most likely meant, by Jaro-Winkler similarity (Apache
 * Commons Text), which forgives swapped letters ({@code Valeu}) and cut-off names ({@code Stream} for
 * {@code StreamArn}) and rewards a shared start.
 */
public final class DidYouMean {
  /** How similar (0 to 1, case ignored) a candidate must be to be suggested. */
  public static final double THRESHOLD = 0.9;

  private static final JaroWinklerSimilarity SIMILARITY = new JaroWinklerSimilarity();

  private DidYouMean() {}

  /**
   * The candidate most similar to {@code input}, case ignored, if it reaches {@link #THRESHOLD};
   * the first in {@code candidates}' order on a tie.
   */
  public static Optional<String> closest(String input, Collection<String> candidates) {
    if (input == null || input.isEmpty()) {
      return Optional.empty();
    }
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
