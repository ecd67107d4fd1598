package dev.parley.protocols.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.testing.Property;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What {@link MqttClient} does against a broker, the same cases against each: Mosquitto, Moquette
 * and Parley's own {@link MqttBroker}. Every topic of a test starts with a prefix of its own, drawn
 * from a printed seed ({@code -Dparley.seed=} replays it), so that runs sharing a broker, and the
 * retained messages it keeps, do not meet. That a subscriber did not receive a message is shown by
 * a marker published after it, from the same publisher at the same QoS, arriving first: brokers
 * forward one connection's messages in order.
 */
abstract class MqttClientContract {

  static final Duration WAIT = Duration.ofSeconds(5);

  /** The broker under test. */
  abstract InetSocketAddress broker();

  /**
   * Returns once the broker has finished with the connection of {@code clientId} that just sent
   * DISCONNECT: a broker that handles the DISCONNECT on another thread than the next CONNECT or
   * PUBLISH would otherwise still deliver to the old connection. By default nothing to wait for.
   */
  void awaitGone(String clientId) {}

  /**
   * Returns once the broker is ready for the first packet after the CONNACK that {@code clientId}
   * just received. By default at once: MQTT lets a client send more without waiting even for
   * CONNACK (3.1.4).
   */
  void awaitAccepted(String clientId) {}

  /** Whether the broker sets RETAIN on a retained message sent for a new subscription, as 3.3.1-8 requires. */
  boolean marksRetainedMessages() {
    return true;
  }

  private final List<MqttClient> clients = new ArrayList<>();
  String prefix;
  private String clientPrefix;

  @BeforeEach
  void prefix(TestInfo test) {
    long seed = Property.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    String tag = Long.toHexString(rnd.nextLong() >>> 16);
    System.out.println(getClass().getSimpleName() + "." + test.getTestMethod().orElseThrow().getName()
        + ": seed " + seed + ", topics under parley-test/" + tag + "/");
    prefix = "parley-test/" + tag + "/";
    clientPrefix = "parley-" + tag + "-";
  }

  @AfterEach
  void closeClients() throws IOException {
    for (MqttClient c : clients) {
      c.close();
    }
    clients.clear();
  }

  MqttClient connect(String name) throws IOException {
    return connect(MqttClient.Options.of(clientPrefix + name));
  }

  MqttClient connect(MqttClient.Options options) throws IOException {
    MqttClient c = MqttClient.connect(broker(), options);
    clients.add(c);
    awaitAccepted(options.clientId());
    return c;
  }

  String clientId(String name) {
    return clientPrefix + name;
  }

  /** The texts {@code c} receives on its topics up to the marker {@code end}, the marker excluded. */
  static List<String> receivedBefore(MqttClient c, String end) throws IOException {
    List<String> got = new ArrayList<>();
    while (true) {
      MqttClient.Message m = c.receive(WAIT).orElseThrow(() -> new AssertionError("no marker " + end + " within " + WAIT));
      if (m.topic().equals(end)) {
        return got;
      }
      got.add(m.topic() + "=" + m.text());
    }
  }

  static MqttClient.Message next(MqttClient c) throws IOException {
    return c.receive(WAIT).orElseThrow(() -> new AssertionError("no message within " + WAIT));
  }

  @Test
  void subscribersWithWildcardsReceiveTheMatchingMessagesAndNoOthers() throws IOException {
    MqttClient plus = connect("plus");
    MqttClient hash = connect("hash");
    MqttClient exact = connect("exact");
    MqttClient publisher = connect("publisher");
    String end = prefix + "end";
    assertEquals(1, plus.subscribe(prefix + "sport/+/score", 1));
    assertEquals(List.of(1, 1), hash.subscribe(List.of(new Subscription(prefix + "sport/#", 1),
        new Subscription(end, 1))));
    assertEquals(1, exact.subscribe(prefix + "news", 1));
    plus.subscribe(end, 1);
    exact.subscribe(end, 1);
    List<String> topics = List.of("sport/tennis/score", "sport/golf/score", "sport/tennis/player", "sport",
        "news", "news/today", "sport/tennis/score/final");
    for (String t : topics) {
      publisher.publish(prefix + t, t.toUpperCase(java.util.Locale.ROOT), 1);
    }
    publisher.publish(end, "end", 1);
    assertEquals(List.of(prefix + "sport/tennis/score=SPORT/TENNIS/SCORE", prefix + "sport/golf/score=SPORT/GOLF/SCORE"),
        receivedBefore(plus, end));
    assertEquals(List.of(prefix + "sport/tennis/score=SPORT/TENNIS/SCORE", prefix + "sport/golf/score=SPORT/GOLF/SCORE",
        prefix + "sport/tennis/player=SPORT/TENNIS/PLAYER", prefix + "sport=SPORT",
        prefix + "sport/tennis/score/final=SPORT/TENNIS/SCORE/FINAL"), receivedBefore(hash, end));
    assertEquals(List.of(prefix + "news=NEWS"), receivedBefore(exact, end));
  }

  @Test
  void qos0MessagesArriveAtQos0() throws IOException {
    MqttClient subscriber = connect("subscriber");
    MqttClient publisher = connect("publisher");
    subscriber.subscribe(prefix + "q0/#", 0);
    for (int i = 0; i < 20; i++) {
      publisher.publish(prefix + "q0/" + (i % 3), "m" + i, 0);
    }
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      MqttClient.Message m = next(subscriber);
      assertEquals(0, m.qos());
      assertFalse(m.retain());
      got.add(m.text());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("m" + i);
    }
    assertEquals(expected, got, "in the order published");
  }

  @Test
  void aQos1PublishIsAcknowledgedAndDeliveredAtTheLowerOfTheTwoQos() throws IOException {
    MqttClient atOne = connect("at-one");
    MqttClient atZero = connect("at-zero");
    MqttClient publisher = connect("publisher");
    assertEquals(1, atOne.subscribe(prefix + "q1", 1));
    assertEquals(0, atZero.subscribe(prefix + "q1", 0));
    publisher.publish(prefix + "q1", "acknowledged", 1); // returns once PUBACK came
    MqttClient.Message one = next(atOne);
    assertEquals(List.of(prefix + "q1", "acknowledged", 1, false), List.of(one.topic(), one.text(), one.qos(), one.retain()));
    MqttClient.Message zero = next(atZero);
    assertEquals(List.of("acknowledged", 0), List.of(zero.text(), zero.qos()));
    publisher.publish(prefix + "q1", "at most once", 0);
    assertEquals(0, next(atOne).qos(), "a QoS 0 publish arrives at QoS 0 on a QoS 1 subscription");
  }

  @Test
  void aRetainedMessageGoesToLaterSubscribersUntilAnEmptyOneClearsIt() throws IOException {
    MqttClient publisher = connect("publisher");
    MqttClient live = connect("live");
    live.subscribe(prefix + "state", 1);
    publisher.publish(prefix + "state", "on".getBytes(StandardCharsets.UTF_8), 1, true);
    MqttClient.Message liveCopy = next(live);
    assertEquals("on", liveCopy.text());
    assertFalse(liveCopy.retain(), "a message to an existing subscription is not marked retained");

    MqttClient late = connect("late");
    late.subscribe(prefix + "+", 1);
    MqttClient.Message kept = next(late);
    assertEquals(List.of(prefix + "state", "on", marksRetainedMessages()),
        List.of(kept.topic(), kept.text(), kept.retain()));

    publisher.publish(prefix + "state", new byte[0], 1, true);
    assertEquals("", next(live).text(), "the empty retained message is delivered as any other");
    MqttClient later = connect("later");
    later.subscribe(prefix + "#", 1);
    publisher.publish(prefix + "marker", "after", 1);
    MqttClient.Message first = next(later);
    assertEquals(List.of(prefix + "marker", false), List.of(first.topic(), first.retain()), "nothing retained is left");
  }

  @Test
  void unsubscribingStopsDelivery() throws IOException {
    MqttClient subscriber = connect("subscriber");
    MqttClient publisher = connect("publisher");
    subscriber.subscribe(List.of(new Subscription(prefix + "a", 1), new Subscription(prefix + "b", 1)));
    subscriber.unsubscribe(prefix + "a");
    publisher.publish(prefix + "a", "gone", 1);
    publisher.publish(prefix + "b", "kept", 1);
    assertEquals("kept", next(subscriber).text());
  }

  @Test
  void pingIsAnswered() throws IOException {
    MqttClient c = connect("pinger");
    for (int i = 0; i < 3; i++) {
      Duration rtt = c.ping();
      assertTrue(rtt.compareTo(WAIT) < 0, rtt::toString);
    }
    assertTrue(c.isConnected());
  }

  @Test
  void aPersistentSessionKeepsItsSubscriptionAndQueuedQos1MessagesAcrossConnections() throws IOException {
    MqttClient.Options persistent = MqttClient.Options.of(clientId("persistent")).withCleanSession(false);
    MqttClient first = connect(persistent);
    first.subscribe(prefix + "inbox", 1);
    first.disconnect();
    awaitGone(persistent.clientId());
    MqttClient publisher = connect("publisher");
    publisher.publish(prefix + "inbox", "while away", 1);
    MqttClient again = connect(persistent);
    assertTrue(again.sessionPresent(), "CONNACK says the session was kept");
    MqttClient.Message m = next(again);
    assertEquals(List.of(prefix + "inbox", "while away", 1), List.of(m.topic(), m.text(), m.qos()));
    again.disconnect();
    MqttClient clean = connect(MqttClient.Options.of(clientId("persistent")));
    assertFalse(clean.sessionPresent(), "a clean session starts afresh");
  }

  @Test
  void theWillIsPublishedWhenAClientGoesAwayWithoutDisconnect() throws IOException {
    MqttClient watcher = connect("watcher");
    watcher.subscribe(prefix + "wills/#", 1);
    ConnectPayload will = new ConnectPayload(Optional.of(new ConnectPayload.Will(prefix + "wills/lost",
        Bytes.of("gone".getBytes(StandardCharsets.UTF_8)), 1, false)), Optional.empty(), Optional.empty());
    MqttClient polite = connect(MqttClient.Options.of(clientId("polite")).withPayload(new ConnectPayload(
        Optional.of(new ConnectPayload.Will(prefix + "wills/polite", Bytes.empty(), 0, false)), Optional.of("user"),
        Optional.empty())));
    polite.disconnect(); // DISCONNECT: no will
    awaitGone(clientId("polite"));
    MqttClient lost = connect(MqttClient.Options.of(clientId("lost")).withPayload(will));
    lost.abort();
    MqttClient.Message m = next(watcher);
    assertEquals(List.of(prefix + "wills/lost", "gone"), List.of(m.topic(), m.text()));
  }

  @Test
  void afterDisconnectTheClientSaysItHasEnded() throws IOException {
    MqttClient c = connect("leaving");
    c.disconnect();
    assertFalse(c.isConnected());
    assertThrows(IOException.class, () -> c.receive(WAIT));
    assertThrows(IOException.class, c::ping);
    c.disconnect(); // idempotent
  }
}
