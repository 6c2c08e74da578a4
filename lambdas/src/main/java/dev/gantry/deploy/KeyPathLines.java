package dev.gantry.deploy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The lines {@link TemplateParser} recorded: a tree of key paths, one entry per mapping key and
 * sequence item (its index as a decimal string), each with the 1-based line it starts on. A path
 * that goes below what was recorded (into a scalar, or into a value split from a short form such as
 * {@code !GetAtt A.B}) gets the line of its deepest recorded prefix.
 */
final class KeyPathLines implements LineIndex {
  private final Entry root = new Entry(0);

  /** The root of the tree, to record under. */
  Entry root() {
    return root;
  }

  @Override
  public OptionalInt line(List<String> path) {
    Entry at = root;
    int found = 0;
    for (String key : path) {
      at = at.children == null ? null : at.children.get(key);
      if (at == null) {
        break;
      }
      found = at.line;
    }
    return found > 0 ? OptionalInt.of(found) : OptionalInt.empty();
  }

  /** One recorded key path. */
  static final class Entry {
    private final int line;
    private Map<String, Entry> children;

    private Entry(int line) {
      this.line = line;
    }

    /**
     * Records {@code key} under this path on {@code line} and returns its entry; a key recorded
     * again (a JSON duplicate, whose last value wins) starts afresh.
     */
    Entry child(String key, int line) {
      if (children == null) {
        children = new HashMap<>(8);
      }
      Entry child = new Entry(line);
      children.put(key, child);
      return child;
    }
  }
}
