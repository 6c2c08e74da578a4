package dev.gantry.deploy.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cycles of a dependency graph: one per group of nodes that all reach each other (strongly
 * connected component, Tarjan), told as its shortest cycle through the group's first node.
 */
final class DependencyCycles {
  private final Map<String, ? extends Set<String>> edges;
  private final Map<String, Integer> index = new HashMap<>();
  private final Map<String, Integer> low = new HashMap<>();
  private final Deque<String> stack = new ArrayDeque<>();
  private final Set<String> onStack = new HashSet<>();
  private final List<Set<String>> groups = new ArrayList<>();

  private DependencyCycles(Map<String, ? extends Set<String>> edges) {
    this.edges = edges;
  }

  /**
   * A cycle.
   *
   * @param nodes its nodes, the first repeated at the end: {@code [A, B, A]}; a node that depends
   *     on itself is {@code [A, A]}
   * @param others the other nodes of its group, each in a cycle with these
   */
  record Cycle(List<String> nodes, List<String> others) {}

  /** The cycles of {@code edges} (each node to the nodes it depends on, in template order). */
  static List<Cycle> of(Map<String, ? extends Set<String>> edges) {
    DependencyCycles cycles = new DependencyCycles(edges);
    for (String node : edges.keySet()) {
      if (!cycles.index.containsKey(node)) {
        cycles.connect(node);
      }
    }
    List<Cycle> result = new ArrayList<>();
    for (Set<String> group : cycles.groups) {
      List<String> ordered = new ArrayList<>();
      edges.keySet().stream().filter(group::contains).forEach(ordered::add);
      group.stream().filter(n -> !ordered.contains(n)).forEach(ordered::add);
      String first = ordered.get(0);
      if (group.size() > 1 || targets(edges, first).contains(first)) {
        List<String> nodes = cycles.shortestCycle(first, group);
        result.add(new Cycle(nodes, ordered.stream().filter(n -> !nodes.contains(n)).toList()));
      }
    }
    return result;
  }

  private void connect(String node) {
    int next = index.size();
    index.put(node, next);
    low.put(node, next);
    stack.push(node);
    onStack.add(node);
    for (String target : targets(edges, node)) {
      if (!index.containsKey(target)) {
        connect(target);
        low.put(node, Math.min(low.get(node), low.get(target)));
      } else if (onStack.contains(target)) {
        low.put(node, Math.min(low.get(node), index.get(target)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> group = new LinkedHashSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        group.add(member);
      } while (!member.equals(node));
      groups.add(group);
    }
  }

  private List<String> shortestCycle(String start, Set<String> group) {
    Map<String, String> previous = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    queue.add(start);
    while (!queue.isEmpty()) {
      String node = queue.poll();
      for (String target : targets(edges, node)) {
        if (target.equals(start)) {
          List<String> cycle = new ArrayList<>();
          cycle.add(start);
          for (String at = node; !at.equals(start); at = previous.get(at)) {
            cycle.add(at);
          }
          cycle.add(start);
          Collections.reverse(cycle);
          return cycle;
        }
        if (group.contains(target) && !previous.containsKey(target)) {
          previous.put(target, node);
          queue.add(target);
        }
      }
    }
    return List.of(start, start);
  }

  private static Set<String> targets(Map<String, ? extends Set<String>> edges, String node) {
    Set<String> targets = edges.get(node);
    return targets == null ? Set.of() : targets;
  }
}
