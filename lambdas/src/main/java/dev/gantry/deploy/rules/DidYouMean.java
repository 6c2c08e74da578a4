package dev.gantry.deploy.rules;

import java.util.Collection;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** The declared name closest to a misspelt one, when one is close enough to be the intended name. */
final class DidYouMean {
  private DidYouMean() {}

  /**
   * The candidate nearest {@code wrong}: the same but for case, else within an edit distance of a
   * third of its length (at least 2, at most 4; 1 for names of three characters, none for shorter
   * ones); ties go to the earlier candidate.
   */
  static Optional<String> closest(String wrong, Collection<String> candidates) {
    for (String candidate : candidates) {
      if (candidate.equalsIgnoreCase(wrong) && !candidate.equals(wrong)) {
        return Optional.of(candidate);
      }
    }
    if (wrong.length() < 3) {
      return Optional.empty();
    }
    int threshold = wrong.length() == 3 ? 1 : Math.max(2, Math.min(4, wrong.length() / 3));
    LevenshteinDistance distance = new LevenshteinDistance(threshold);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance.apply(wrong, candidate);
      if (d >= 0 && d < bestDistance && !candidate.equals(wrong)) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }
}
