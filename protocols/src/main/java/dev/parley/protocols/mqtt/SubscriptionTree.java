package dev.parley.protocols.mqtt;

import java.util.HashMap;
import java.util.Map;

/**
 * Subscriptions by topic filter, as a tree of levels, so that finding the subscribers of a topic
 * costs the levels of the topic and the wildcard branches on the way, not the number of
 * subscriptions. Matches as {@link TopicFilter#matches} does. Not thread-safe: the broker uses it
 * on its event loop's thread.
 *
 * @param <S> the subscriber
 */
final class SubscriptionTree<S> {

  private static final class Node<S> {
    final Map<String, Node<S>> children = new HashMap<>(4);
    final Map<S, Integer> subscribers = new HashMap<>(2);

    boolean isEmpty() {
      return children.isEmpty() && subscribers.isEmpty();
    }
  }

  private final Node<S> root = new Node<>();

  /** Subscribes {@code subscriber} to the valid {@code filter} at {@code qos}, replacing its earlier QoS there. */
  void add(String filter, S subscriber, int qos) {
    Node<S> node = root;
    for (String level : filter.split("/", -1)) {
      node = node.children.computeIfAbsent(level, l -> new Node<>());
    }
    node.subscribers.put(subscriber, qos);
  }

  /** Removes the subscription of {@code subscriber} to {@code filter}; whether it had one. */
  boolean remove(String filter, S subscriber) {
    return remove(root, filter.split("/", -1), 0, subscriber);
  }

  private static <S> boolean remove(Node<S> node, String[] levels, int i, S subscriber) {
    if (i == levels.length) {
      return node.subscribers.remove(subscriber) != null;
    }
    Node<S> child = node.children.get(levels[i]);
    if (child == null) {
      return false;
    }
    boolean removed = remove(child, levels, i + 1, subscriber);
    if (child.isEmpty()) {
      node.children.remove(levels[i]); // no branch outlives its last subscription
    }
    return removed;
  }

  /** Whether no subscription is left. */
  boolean isEmpty() {
    return root.isEmpty();
  }

  /**
   * The subscribers whose filters match the topic name {@code topic}, each with the highest QoS
   * of its matching subscriptions (one delivery a subscriber, as 3.3.5 allows).
   */
  Map<S, Integer> match(String topic) {
    Map<S, Integer> found = new HashMap<>();
    match(root, topic.split("/", -1), 0, topic.startsWith("$"), found);
    return found;
  }

  private static <S> void match(Node<S> node, String[] levels, int i, boolean system, Map<S, Integer> found) {
    boolean wildcards = !(i == 0 && system); // 4.7.2: no wildcard at the first level matches "$..."
    Node<S> rest = wildcards ? node.children.get("#") : null;
    if (rest != null) {
      rest.subscribers.forEach((s, qos) -> found.merge(s, qos, Math::max));
    }
    if (i == levels.length) {
      node.subscribers.forEach((s, qos) -> found.merge(s, qos, Math::max));
      return;
    }
    Node<S> exact = node.children.get(levels[i]);
    if (exact != null) {
      match(exact, levels, i + 1, system, found);
    }
    Node<S> one = wildcards ? node.children.get("+") : null;
    if (one != null) {
      match(one, levels, i + 1, system, found);
    }
  }
}
