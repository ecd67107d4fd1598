package dev.parley.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Finds the cycles of a directed graph of {@code n} nodes, and orders the rest by dependency,
 * without recursion, so that a chain of thousands of imports or structs cannot overflow the stack
 * (Tarjan's algorithm, iterative; Kahn's for the order).
 */
final class Cycles {

  private Cycles() {}

  /**
   * The strongly connected components that form cycles: those of more than one node, and single
   * nodes with an edge to themselves. Each component lists its nodes in ascending order.
   */
  static List<int[]> find(int n, List<int[]> edges) {
    int[] index = new int[n];
    int[] low = new int[n];
    boolean[] onStack = new boolean[n];
    Arrays.fill(index, -1);
    Deque<Integer> stack = new ArrayDeque<>();
    List<int[]> cycles = new ArrayList<>();
    int counter = 0;
    int[] edgeCursor = new int[n];
    Deque<Integer> work = new ArrayDeque<>();
    for (int root = 0; root < n; root++) {
      if (index[root] != -1) {
        continue;
      }
      work.push(root);
      while (!work.isEmpty()) {
        int v = work.peek();
        if (index[v] == -1) {
          index[v] = low[v] = counter++;
          stack.push(v);
          onStack[v] = true;
        }
        int[] out = edges.get(v);
        if (edgeCursor[v] < out.length) {
          int w = out[edgeCursor[v]++];
          if (index[w] == -1) {
            work.push(w);
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          int parent = work.peek();
          low[parent] = Math.min(low[parent], low[v]);
        }
        if (low[v] == index[v]) {
          List<Integer> component = new ArrayList<>();
          int w;
          do {
            w = stack.pop();
            onStack[w] = false;
            component.add(w);
          } while (w != v);
          boolean selfLoop = Arrays.stream(out).anyMatch(x -> x == v);
          if (component.size() > 1 || selfLoop) {
            cycles.add(component.stream().mapToInt(Integer::intValue).sorted().toArray());
          }
        }
      }
    }
    return cycles;
  }

  /**
   * A path inside {@code component} from {@code from} back to itself, as node indices with the
   * start repeated at the end: [a, b, c, a].
   */
  static List<Integer> loopThrough(int from, int[] component, List<int[]> edges) {
    boolean[] inComponent = new boolean[edges.size()];
    for (int v : component) {
      inComponent[v] = true;
    }
    int[] previous = new int[edges.size()];
    Arrays.fill(previous, -1);
    Deque<Integer> queue = new ArrayDeque<>();
    queue.add(from);
    while (!queue.isEmpty()) {
      int v = queue.poll();
      for (int w : edges.get(v)) {
        if (!inComponent[w]) {
          continue;
        }
        if (w == from) {
          List<Integer> path = new ArrayList<>();
          path.add(from);
          for (int x = v; x != from; x = previous[x]) {
            path.add(1, x);
          }
          path.add(from);
          return path;
        }
        if (previous[w] == -1) {
          previous[w] = v;
          queue.add(w);
        }
      }
    }
    return List.of(from, from);
  }

  /**
   * The nodes in dependency order, each after every node it has an edge to: first those with no
   * edges by ascending index, then each node as soon as the last node it depends on is placed.
   * Nodes of {@code cycles}, and nodes that reach one, are left out: no order puts them after what
   * they depend on.
   */
  static List<Integer> dependencyOrder(List<int[]> edges, List<int[]> cycles) {
    int n = edges.size();
    boolean[] cyclic = new boolean[n];
    for (int[] component : cycles) {
      for (int v : component) {
        cyclic[v] = true;
      }
    }
    int[] pending = new int[n];
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      users.add(new ArrayList<>());
    }
    for (int v = 0; v < n; v++) {
      for (int w : edges.get(v)) {
        pending[v]++;
        users.get(w).add(v);
      }
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int v = 0; v < n; v++) {
      if (pending[v] == 0 && !cyclic[v]) {
        ready.add(v);
      }
    }
    List<Integer> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int v = ready.poll();
      order.add(v);
      for (int user : users.get(v)) {
        if (--pending[user] == 0 && !cyclic[user]) {
          ready.add(user);
        }
      }
    }
    return order;
  }
}
