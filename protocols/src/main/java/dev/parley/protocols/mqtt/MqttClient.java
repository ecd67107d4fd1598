package dev.parley.protocols.mqtt;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameTimeoutException;
import dev.parley.runtime.ProtocolException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small MQTT 3.1.1 client over a {@link BlockingConnection}: {@link #connect} waits for
 * CONNACK; {@link #subscribe}, {@link #unsubscribe}, a QoS 1 {@link #publish} and {@link #ping}
 * wait for their answers, within the options' timeout; messages from the server wait in a queue
 * for {@link #receive}. A thread of its own reads the connection, answers QoS 1 and 2 messages
 * (PUBACK; PUBREC, then PUBCOMP for the PUBREL) once they are queued, and sends PINGREQ when
 * nothing was sent for half the keep-alive. Methods may be called from several threads. It publishes
 * at QoS 0 and 1; it keeps no state across connections, so messages a persistent session sends
 * again arrive again, with {@link Message#dup()} set.
 */
public final class MqttClient implements Closeable {

  /**
   * How to connect.
   *
   * @param clientId the client id; empty for one the server assigns (with a clean session only)
   * @param cleanSession whether the server forgets the session when the connection ends
   * @param keepAlive the keep-alive, whole seconds from 0 (off) to 65535; PINGREQ goes out when
   *     nothing else was sent for half of it
   * @param timeout how long each exchange may take: the connect, CONNACK, and each answer
   * @param payload the will, user name and password
   * @param maxQueued messages received and not yet taken by {@link #receive}; when it is full the
   *     reading thread waits, and so does the server's stream to this client
   */
  public record Options(String clientId, boolean cleanSession, Duration keepAlive, Duration timeout,
      ConnectPayload payload, int maxQueued) {
    public Options {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(keepAlive, "keepAlive");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(payload, "payload");
      if (keepAlive.isNegative() || keepAlive.getSeconds() > 0xFFFF || keepAlive.getNano() != 0) {
        throw new IllegalArgumentException("keepAlive is " + keepAlive + ", not whole seconds from 0 to 65535");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      if (maxQueued < 1) {
        throw new IllegalArgumentException("maxQueued must be positive: " + maxQueued);
      }
    }

    /** A clean session, a 60 s keep-alive, 10 s for each exchange, no will, no credentials, 10,000 queued. */
    public static Options of(String clientId) {
      return new Options(clientId, true, Duration.ofSeconds(60), Duration.ofSeconds(10), ConnectPayload.NONE, 10_000);
    }

    public Options withCleanSession(boolean clean) {
      return new Options(clientId, clean, keepAlive, timeout, payload, maxQueued);
    }

    public Options withKeepAlive(Duration seconds) {
      return new Options(clientId, cleanSession, seconds, timeout, payload, maxQueued);
    }

    public Options withTimeout(Duration each) {
      return new Options(clientId, cleanSession, keepAlive, each, payload, maxQueued);
    }

    public Options withPayload(ConnectPayload willAndCredentials) {
      return new Options(clientId, cleanSession, keepAlive, timeout, willAndCredentials, maxQueued);
    }

    public Options withMaxQueued(int messages) {
      return new Options(clientId, cleanSession, keepAlive, timeout, payload, messages);
    }
  }

  /**
   * A message the server sent to this client.
   *
   * @param retain a retained message, sent because a subscription was made
   * @param dup the server sent it before, on an earlier connection of the session
   */
  public record Message(String topic, Bytes payload, int qos, boolean retain, boolean dup) {
    /** The payload as UTF-8 text. */
    public String text() {
      return new String(payload.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** What {@link #receive} finds once the connection has ended and every message is taken. */
  private static final Message END = new Message("", Bytes.empty(), 0, false, false);

  private final BlockingConnection<MqttMessage, MqttMessage> connection;
  private final Options options;
  private final boolean sessionPresent;
  private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
  /** Room in {@link #received}: the reader takes one before it queues a message, receive gives it back. */
  private final Semaphore room;
  /** Answers awaited by packet id: SUBACK, UNSUBACK, PUBACK. */
  private final Map<Integer, CompletableFuture<MqttMessage>> awaited = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<CompletableFuture<MqttMessage>> pings = new ConcurrentLinkedQueue<>();
  /** QoS 2 packet ids received, awaiting their PUBREL; the reader's alone. */
  private final Set<Integer> unreleased = new HashSet<>();
  private final Thread reader;
  private int lastPacketId;
  private volatile long lastSent = System.nanoTime();
  private volatile IOException ended;
  private volatile boolean closing;

  private MqttClient(BlockingConnection<MqttMessage, MqttMessage> connection, Options options, boolean sessionPresent) {
    this.connection = connection;
    this.options = options;
    this.sessionPresent = sessionPresent;
    this.room = new Semaphore(options.maxQueued());
    this.reader = new Thread(this::read, "mqtt-client " + options.clientId());
    reader.setDaemon(true);
  }

  /**
   * Connects to {@code address} and waits for CONNACK.
   *
   * @throws MqttRefusedException if the server refused the connection, with its return code
   * @throws IOException if the connection could not be made, or no CONNACK came within the timeout
   */
  public static MqttClient connect(InetSocketAddress address, Options options) throws IOException {
    BlockingConnection<MqttMessage, MqttMessage> c = BlockingConnection.connect(address, MqttProtocol.INSTANCE,
        options.timeout());
    try {
      c.send(options.payload().connect(options.clientId(), options.cleanSession(),
          (int) options.keepAlive().getSeconds()));
      c.setReadTimeout(options.timeout());
      MqttMessage first = c.receive().orElseThrow(() -> new IOException("the server closed before CONNACK"));
      if (!(first instanceof Connack connack)) {
        throw new ProtocolException("expected CONNACK, got " + first, 0);
      }
      if (connack.returnCode() != ConnectReturnCode.ACCEPTED) {
        throw new MqttRefusedException(connack.returnCode());
      }
      MqttClient client = new MqttClient(c, options, connack.flags().sessionPresent());
      long keepAlive = options.keepAlive().toMillis();
      // The reader wakes at least every half keep-alive to see whether a PINGREQ is due.
      c.setReadTimeout(keepAlive == 0 ? Duration.ZERO : Duration.ofMillis(Math.max(1, keepAlive / 2)));
      client.reader.start();
      return client;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Connects with {@link Options#of(String)}. */
  public static MqttClient connect(InetSocketAddress address, String clientId) throws IOException {
    return connect(address, Options.of(clientId));
  }

  /** Whether the server resumed a session it kept for this client id (CONNACK's session present). */
  public boolean sessionPresent() {
    return sessionPresent;
  }

  /**
   * Subscribes to {@code filter} at most at {@code qos}.
   *
   * @return the QoS the server granted, or 0x80 if it refused the subscription
   */
  public int subscribe(String filter, int qos) throws IOException {
    return subscribe(List.of(new Subscription(filter, qos))).get(0);
  }

  /** Subscribes to each of {@code subscriptions}; the return codes, in their order (3.9.3). */
  public List<Integer> subscribe(List<Subscription> subscriptions) throws IOException {
    int id = reservePacketId();
    MqttMessage answer = exchange(id, Packets.subscribe(id, subscriptions));
    if (!(answer instanceof Suback suback) || suback.returnCodes().size() != subscriptions.size()) {
      throw new ProtocolException("expected a SUBACK with " + subscriptions.size() + " return codes, got " + answer, 0);
    }
    return suback.returnCodes();
  }

  /** Unsubscribes from {@code filters}, waiting for UNSUBACK. */
  public void unsubscribe(String... filters) throws IOException {
    int id = reservePacketId();
    exchange(id, Packets.unsubscribe(id, List.of(filters)));
  }

  /**
   * Publishes {@code payload} to {@code topic}: at QoS 0 once it is written, at QoS 1 once the
   * server's PUBACK came.
   *
   * @throws IllegalArgumentException for a QoS other than 0 and 1, or a topic with wildcards
   */
  public void publish(String topic, byte[] payload, int qos, boolean retain) throws IOException {
    if (!TopicFilter.isValidTopicName(topic)) {
      throw new IllegalArgumentException("not a topic name: '" + topic + "' (4.7.3)");
    }
    if (qos == 0) {
      send(Packets.publish(topic, Bytes.of(payload), 0, 0, retain, false));
    } else if (qos == 1) {
      int id = reservePacketId();
      exchange(id, Packets.publish(topic, Bytes.of(payload), 1, id, retain, false));
    } else {
      throw new IllegalArgumentException("this client publishes at QoS 0 and 1, not " + qos);
    }
  }

  /** Publishes {@code text} as UTF-8 at QoS 0 or 1, not retained. */
  public void publish(String topic, String text, int qos) throws IOException {
    publish(topic, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), qos, false);
  }

  /**
   * The next message from the server, waiting at most {@code timeout}; empty if none came.
   *
   * @throws IOException once the connection has ended and every message before the end is taken
   */
  public Optional<Message> receive(Duration timeout) throws IOException {
    Message m;
    try {
      m = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while receiving");
    }
    if (m == END) {
      received.add(END); // for the next call too
      throw new IOException("the connection has ended", ended);
    }
    if (m != null) {
      room.release();
    }
    return Optional.ofNullable(m);
  }

  /** Sends PINGREQ and waits for PINGRESP; the round trip. */
  public Duration ping() throws IOException {
    long start = System.nanoTime();
    CompletableFuture<MqttMessage> answer = new CompletableFuture<>();
    pings.add(answer);
    send(Packets.pingreq());
    await(answer, "PINGRESP");
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Whether the connection is still open. */
  public boolean isConnected() {
    return ended == null && connection.isOpen();
  }

  /** Sends DISCONNECT and closes: the server discards the will. Idempotent. */
  public void disconnect() throws IOException {
    if (closing) {
      return;
    }
    closing = true;
    try {
      if (ended == null) {
        connection.send(Packets.disconnect());
      }
    } finally {
      connection.close();
      join();
    }
  }

  /** {@link #disconnect()}. */
  @Override
  public void close() throws IOException {
    disconnect();
  }

  /** Closes the connection without DISCONNECT, as a lost network would: the server publishes the will. */
  public void abort() throws IOException {
    closing = true;
    connection.close();
    join();
  }

  private void join() {
    reader.interrupt(); // in case it waits for room in the queue
    try {
      reader.join(options.timeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(MqttMessage message) throws IOException {
    if (ended != null) {
      throw new IOException("the connection has ended", ended);
    }
    connection.send(message);
    lastSent = System.nanoTime();
  }

  private MqttMessage exchange(int packetId, MqttMessage request) throws IOException {
    CompletableFuture<MqttMessage> answer = awaited.get(packetId);
    try {
      send(request);
      return await(answer, request.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT) + "'s answer");
    } finally {
      awaited.remove(packetId);
    }
  }

  private MqttMessage await(CompletableFuture<MqttMessage> answer, String what) throws IOException {
    try {
      return answer.get(options.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("no " + what + " within " + options.timeout());
    } catch (ExecutionException e) {
      throw new IOException("the connection ended before " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for " + what);
    }
  }

  /** A packet id not awaiting an answer, registered for its answer. */
  private synchronized int reservePacketId() {
    for (int tries = 0; tries < 0xFFFF; tries++) {
      lastPacketId = lastPacketId == 0xFFFF ? 1 : lastPacketId + 1;
      if (awaited.putIfAbsent(lastPacketId, new CompletableFuture<>()) == null) {
        return lastPacketId;
      }
    }
    throw new IllegalStateException("all 65535 packet ids await an answer");
  }

  /** The reader's loop: until the connection ends, hands each packet to where it goes. */
  private void read() {
    IOException failure = null;
    try {
      while (true) {
        Optional<MqttMessage> next;
        try {
          next = connection.receive();
        } catch (FrameTimeoutException e) {
          throw e;
        } catch (SocketTimeoutException e) {
          pingIfDue();
          continue;
        }
        if (next.isEmpty()) {
          break;
        }
        handle(next.get());
        pingIfDue();
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      failure = new java.io.InterruptedIOException("interrupted");
    }
    IOException why = failure != null && !closing ? failure : new IOException("the connection was closed", failure);
    ended = why;
    try {
      connection.close();
    } catch (IOException e) {
      // closed all the same
    }
    awaited.values().forEach(f -> f.completeExceptionally(why));
    for (CompletableFuture<MqttMessage> p; (p = pings.poll()) != null; ) {
      p.completeExceptionally(why);
    }
    received.add(END);
  }

  private void handle(MqttMessage message) throws IOException, InterruptedException {
    if (message instanceof Publish publish) {
      Bytes payload = Packets.payload(publish);
      Message m = new Message(publish.topic(), payload, publish.qos(), publish.retain() == 1, publish.dup() == 1);
      Optional<Integer> id = Packets.packetId(publish);
      if (publish.qos() == 2 && !unreleased.add(id.get())) {
        send(Packets.pubrec(id.get())); // already queued once: 4.3.3, deliver once
        return;
      }
      room.acquire(); // waits while the queue is full, and with it the server's stream
      received.add(m);
      if (publish.qos() == 1) {
        send(Packets.puback(id.get()));
      } else if (publish.qos() == 2) {
        send(Packets.pubrec(id.get()));
      }
    } else if (message instanceof Pubrel release) {
      unreleased.remove(release.packetId());
      send(Packets.pubcomp(release.packetId()));
    } else if (message instanceof Pingresp) {
      CompletableFuture<MqttMessage> p = pings.poll();
      if (p != null) {
        p.complete(message);
      }
    } else {
      int id = message instanceof Suback s ? s.packetId()
          : message instanceof Unsuback u ? u.packetId()
          : message instanceof Puback a ? a.packetId() : -1;
      CompletableFuture<MqttMessage> f = id < 0 ? null : awaited.get(id);
      if (f == null) {
        throw new ProtocolException("unexpected " + message, 0);
      }
      f.complete(message);
    }
  }

  private void pingIfDue() throws IOException {
    long keepAlive = options.keepAlive().toNanos();
    if (keepAlive > 0 && System.nanoTime() - lastSent >= keepAlive / 2) {
      // Half the keep-alive: the PINGREQ arrives well within it, whatever the reader's wake-ups.
      CompletableFuture<MqttMessage> ignored = new CompletableFuture<>();
      pings.add(ignored);
      send(Packets.pingreq());
    }
  }
}
