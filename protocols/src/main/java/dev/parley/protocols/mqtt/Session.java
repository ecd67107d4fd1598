package dev.parley.protocols.mqtt;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.Connection;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The broker's state of one client id (MQTT 3.1.1, 3.1.2.4): its subscriptions, the QoS 1
 * messages sent to it and not yet acknowledged, the messages waiting to be sent, and the packet
 * ids of QoS 2 messages it sent whose PUBREL has not come. A session with clean session 0
 * outlives its connection; while it has none, QoS 1 messages wait in its queue and QoS 0 messages
 * are dropped. Used on the broker's event loop thread only.
 */
final class Session {

  /** A message on its way to this session's client. */
  record Outgoing(String topic, Bytes payload, int qos, boolean retain) {}

  final String clientId;
  final boolean clean;
  private final MqttBroker.Limits limits;
  private final MqttBroker.Counters counters;
  /** Filter to granted QoS. */
  final Map<String, Integer> subscriptions = new HashMap<>();
  /** Sent at QoS 1, not yet acknowledged, by packet id in the order sent (4.6: resent in that order). */
  private final LinkedHashMap<Integer, Outgoing> inflight = new LinkedHashMap<>();
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private long queuedBytes;
  /** QoS 2 packet ids received from the client, delivered, and awaiting its PUBREL (4.3.3, method B). */
  final Set<Integer> awaitingRelease = new HashSet<>();
  private int lastPacketId;
  private Connection<MqttMessage, MqttMessage> connection;

  Session(String clientId, boolean clean, MqttBroker.Limits limits, MqttBroker.Counters counters) {
    this.clientId = clientId;
    this.clean = clean;
    this.limits = limits;
    this.counters = counters;
  }

  boolean isConnected() {
    return connection != null;
  }

  boolean isServedBy(Connection<MqttMessage, MqttMessage> c) {
    return connection == c;
  }

  /** The connection serving the session now, or null while its client is away. */
  Connection<MqttMessage, MqttMessage> connection() {
    return connection;
  }

  /**
   * The session's client is now on {@code c}: the unacknowledged messages are sent again, with
   * DUP and their packet ids (4.4), then those that waited.
   */
  void attach(Connection<MqttMessage, MqttMessage> c) {
    connection = c;
    inflight.forEach((id, m) -> c.send(Packets.publish(m.topic(), m.payload(), 1, id, m.retain(), true)));
    pump();
  }

  void detach() {
    connection = null;
  }

  /**
   * Sends {@code message} now if nothing waits before it and the client keeps up, else queues it.
   * A QoS 0 message is dropped when the client is away or the queue is full; a QoS 1 message
   * when the queue is full (counted in {@link MqttBroker.Counters#dropped}).
   */
  void deliver(Outgoing message) {
    if (queue.isEmpty() && canSend(message) && send(message)) {
      return;
    }
    if (message.qos() == 0 && !isConnected()) {
      counters.dropped++;
    } else if (queue.size() >= limits.maxQueuedMessages() || queuedBytes + message.payload().size() > limits.maxQueuedBytes()) {
      counters.dropped++;
    } else {
      queue.add(message);
      queuedBytes += message.payload().size();
    }
  }

  /** The client acknowledged {@code packetId}: a window of inflight messages opens. */
  void acknowledged(int packetId) {
    if (inflight.remove(packetId) != null) {
      pump();
    }
  }

  /** Sends what waits, as far as the inflight window and the connection's queue allow. */
  void pump() {
    while (!queue.isEmpty() && canSend(queue.peek()) && send(queue.peek())) {
      queuedBytes -= queue.poll().payload().size();
    }
  }

  int inflightCount() {
    return inflight.size();
  }

  int queuedCount() {
    return queue.size();
  }

  private boolean canSend(Outgoing m) {
    return connection != null && connection.pendingBytes() < limits.maxPendingBytes()
        && (m.qos() == 0 || inflight.size() < limits.maxInflight());
  }

  /**
   * Sends {@code m}; false if the connection would not take it (it is closing), and then a QoS 1
   * message is not in flight: it was never sent, so it goes later without DUP.
   */
  private boolean send(Outgoing m) {
    if (m.qos() == 0) {
      return connection.send(Packets.publish(m.topic(), m.payload(), 0, 0, m.retain(), false));
    }
    int id = nextPacketId();
    if (!connection.send(Packets.publish(m.topic(), m.payload(), 1, id, m.retain(), false))) {
      return false;
    }
    inflight.put(id, m);
    return true;
  }

  /** The next packet id not in flight; maxInflight is below 65535, so one is free. */
  private int nextPacketId() {
    do {
      lastPacketId = lastPacketId == 0xFFFF ? 1 : lastPacketId + 1;
    } while (inflight.containsKey(lastPacketId));
    return lastPacketId;
  }
}
