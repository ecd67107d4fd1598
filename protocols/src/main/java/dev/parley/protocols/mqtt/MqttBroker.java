package dev.parley.protocols.mqtt;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.nio.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An MQTT 3.1.1 broker on one Parley event loop: a {@link BrokerConnection} handler per
 * connection, and the broker's state (sessions by client id, subscriptions, retained messages)
 * touched only on the loop's thread, so that nothing is locked.
 *
 * <p>What it does: QoS 0 and 1 both ways, and QoS 2 from publishers (answered with PUBREC and
 * PUBCOMP, delivered once on arrival, 4.3.3 method B); each subscriber gets a message once, at
 * the lower of the publish's QoS and the highest QoS it was granted among its matching filters,
 * and subscriptions are granted at most QoS 1. Retained messages (one per topic; an empty payload
 * clears it) go to each new subscription with RETAIN set. A session with clean session 0 keeps
 * its subscriptions and its QoS 1 messages, sent and unacknowledged or still queued, across
 * connections of its client id; on reconnect the unacknowledged ones are sent again with DUP
 * set. A second connection with a client id in use closes the first (3.1.4). A client silent for
 * 1.5 times its keep-alive is closed (3.1.2.10), and its will published. Everything is in memory:
 * sessions and retained messages do not survive the broker.
 *
 * <p>What it refuses, closing the connection (4.8): a first packet that is not CONNECT, a second
 * CONNECT, fixed-header flags 3.1.1 forbids, a topic name with wildcards, a subscription's QoS
 * above 2, a packet only a server sends, and anything the frame reader or the decoder refuses.
 * No authentication: every user name is accepted.
 */
public final class MqttBroker implements Closeable {

  /**
   * Per-session bounds.
   *
   * @param maxInflight QoS 1 messages sent to a client and not yet acknowledged; more wait in the
   *     queue. 100 by default; at most 65,535, the packet ids there are
   * @param maxQueuedMessages messages waiting for a client, connected (behind the inflight window
   *     or a full socket) or away (QoS 1 only); past it a message is dropped. 1,000 by default,
   *     as Mosquitto's {@code max_queued_messages}
   * @param maxQueuedBytes the payload bytes of those messages; past it a message is dropped.
   *     16 MiB by default
   * @param maxPendingBytes the bytes queued on a client's connection past which messages wait
   *     in the session's queue instead; 1 MiB by default, below the connection's hard bound so
   *     that a slow subscriber loses messages, counted, rather than its connection
   */
  public record Limits(int maxInflight, int maxQueuedMessages, long maxQueuedBytes, int maxPendingBytes) {
    public Limits {
      if (maxInflight < 1 || maxInflight > 0xFFFF) {
        throw new IllegalArgumentException("maxInflight is " + maxInflight + ", not 1 to 65535");
      }
      if (maxQueuedMessages < 0 || maxQueuedBytes < 0 || maxPendingBytes < 1) {
        throw new IllegalArgumentException("negative queue bounds: " + maxQueuedMessages + ", " + maxQueuedBytes
            + ", " + maxPendingBytes);
      }
    }

    /** The defaults described on the components. */
    public static Limits defaults() {
      return new Limits(100, 1_000, 16 << 20, 1 << 20);
    }
  }

  /** What the broker counts; written on the loop's thread, read from any. */
  static final class Counters {
    volatile long published;
    volatile long delivered;
    volatile long dropped;
  }

  /** A retained message: the topic's last message published with RETAIN. */
  private record Retained(Bytes payload, int qos) {}

  /** How often clients are checked against their keep-alive. */
  private static final long KEEP_ALIVE_CHECK_MILLIS = 100;

  private final EventLoop loop;
  private final ScheduledExecutorService clock;
  private final InetSocketAddress address;
  final Limits limits;
  final Counters counters = new Counters();
  private final Map<String, Session> sessions = new HashMap<>();
  final SubscriptionTree<Session> subscriptions = new SubscriptionTree<>();
  private final Map<String, Retained> retained = new HashMap<>();
  private final Set<BrokerConnection> connected = new LinkedHashSet<>();
  /** The size of {@link #connected}, for other threads. */
  private volatile int connectedCount;
  private long assignedIds;

  private MqttBroker(EventLoop loop, InetSocketAddress bind, Limits limits, ConnectionOptions options)
      throws IOException {
    this.loop = loop;
    this.limits = limits;
    this.address = loop.listen(bind, Conversation.of(MqttProtocol.INSTANCE), () -> new BrokerConnection(this),
        options, ListenOptions.defaults());
    this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mqtt-keep-alive");
      t.setDaemon(true);
      return t;
    });
    clock.scheduleWithFixedDelay(() -> loop.execute(this::closeSilentClients), KEEP_ALIVE_CHECK_MILLIS,
        KEEP_ALIVE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Starts a broker on {@code bind} (port 0 for any free port) with the default limits. */
  public static MqttBroker start(InetSocketAddress bind) throws IOException {
    return start(bind, Limits.defaults(), ConnectionOptions.defaults(), ErrorHook.logging());
  }

  /**
   * Starts a broker on {@code bind} on an event loop of its own. {@code options} bound each
   * connection (its first packet must arrive within the frame timeout, 30 s by default); leave
   * their idle timeout at zero, since keep-alive is each client's own.
   */
  public static MqttBroker start(InetSocketAddress bind, Limits limits, ConnectionOptions options, ErrorHook errors)
      throws IOException {
    EventLoop loop = EventLoop.start("mqtt-broker", errors);
    try {
      return new MqttBroker(loop, bind, limits, options);
    } catch (IOException | RuntimeException e) {
      loop.close(Duration.ZERO);
      throw e;
    }
  }

  /** The address the broker listens on, with its actual port. */
  public InetSocketAddress address() {
    return address;
  }

  /** Clients connected now (past CONNACK); exact once the broker has read what they sent. */
  public int connectedClients() {
    return connectedCount;
  }

  /** Messages dropped so far because a session's queue was full, or a QoS 0 subscriber was away. */
  public long droppedMessages() {
    return counters.dropped;
  }

  /** PUBLISH packets received from clients so far. */
  public long publishedMessages() {
    return counters.published;
  }

  /** Stops accepting, closes every connection (after up to a second for queued packets) and stops. */
  @Override
  public void close() {
    clock.shutdownNow();
    loop.close(Duration.ofSeconds(1));
  }

  // ---- On the loop's thread ---------------------------------------------------------------------

  /** A client id for a client that gave none (3.1.3.1), unlike any a client is likely to choose. */
  String assignClientId() {
    return "parley-" + Long.toString(System.nanoTime(), 36) + "-" + (++assignedIds);
  }

  /**
   * Opens the session of {@code clientId} for {@code connection}: a connection already serving it
   * is closed first (3.1.4), then its session is resumed (clean session 0, and the old one was
   * too) or replaced. The caller sends CONNACK, then attaches its connection.
   *
   * @return the session, and whether it was resumed
   */
  Session openSession(String clientId, boolean clean, BrokerConnection handler, boolean[] resumed) {
    Session old = sessions.get(clientId);
    if (old != null && old.connection() != null) {
      old.connection().close(); // its handler hears CLOSED, detaches it and publishes its will
      old = sessions.get(clientId);
    }
    resumed[0] = old != null && !clean && !old.clean;
    Session session;
    if (resumed[0]) {
      session = old;
    } else {
      if (old != null) {
        dropSession(old);
      }
      session = new Session(clientId, clean, limits, counters);
      sessions.put(clientId, session);
    }
    connected.add(handler);
    connectedCount = connected.size();
    return session;
  }

  /** {@code session}'s connection ended; a clean session ends with it. */
  void closeSession(Session session, BrokerConnection handler) {
    connected.remove(handler);
    connectedCount = connected.size();
    session.detach();
    if (session.clean && sessions.get(session.clientId) == session) {
      dropSession(session);
    }
  }

  void forget(BrokerConnection handler) {
    connected.remove(handler);
    connectedCount = connected.size();
  }

  private void dropSession(Session session) {
    session.detach();
    for (String filter : session.subscriptions.keySet()) {
      subscriptions.remove(filter, session);
    }
    session.subscriptions.clear();
    sessions.remove(session.clientId, session);
  }

  /**
   * Subscribes {@code session} to the valid {@code filter} at {@code qos}, then delivers the
   * retained messages it matches, with RETAIN set (3.3.1.3), also when it replaces an earlier
   * subscription to the same filter (3.8.4).
   */
  void subscribe(Session session, String filter, int qos) {
    session.subscriptions.put(filter, qos);
    subscriptions.add(filter, session, qos);
    retained.forEach((topic, r) -> {
      if (TopicFilter.matches(filter, topic)) {
        session.deliver(new Session.Outgoing(topic, r.payload(), Math.min(qos, r.qos()), true));
      }
    });
  }

  void unsubscribe(Session session, String filter) {
    if (session.subscriptions.remove(filter) != null) {
      subscriptions.remove(filter, session);
    }
  }

  /**
   * Publishes a message from a client (or its will): kept as the topic's retained message when
   * {@code retain} says so, and delivered to every matching subscriber with RETAIN clear.
   */
  void publish(String topic, Bytes payload, int qos, boolean retain) {
    counters.published++;
    if (retain) {
      if (payload.isEmpty()) {
        retained.remove(topic); // 3.3.1.3: an empty retained message clears the topic's
      } else {
        retained.put(topic, new Retained(payload, Math.min(qos, 1)));
      }
    }
    Map<Session, Integer> matched = subscriptions.match(topic);
    for (Map.Entry<Session, Integer> e : matched.entrySet()) {
      e.getKey().deliver(new Session.Outgoing(topic, payload, Math.min(Math.min(qos, 1), e.getValue()), false));
    }
    counters.delivered += matched.size();
  }

  private void closeSilentClients() {
    long now = System.nanoTime();
    List<BrokerConnection> silent = new ArrayList<>();
    for (BrokerConnection c : connected) {
      if (c.isSilentAt(now)) {
        silent.add(c);
      }
    }
    silent.forEach(BrokerConnection::closeForSilence);
  }
}
