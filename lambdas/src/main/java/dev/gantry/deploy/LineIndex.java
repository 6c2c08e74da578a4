package dev.gantry.deploy;

import java.util.List;
import java.util.OptionalInt;

/** Where a template's nodes are: the line of a key path, as the parser saw it. */
@FunctionalInterface
public interface LineIndex {
  /** An index that knows no lines. */
  LineIndex NONE = path -> OptionalInt.empty();

  /**
   * @param path keys (and list indexes as decimal strings) from the template's root
   * @return the 1-based line of the deepest node of {@code path} the parser recorded, or empty
   */
  OptionalInt line(List<String> path);
}
