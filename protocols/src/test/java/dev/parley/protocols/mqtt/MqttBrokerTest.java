package dev.parley.protocols.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.ErrorHook;
import dev.parley.testing.Property;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mqtt-server's broker as raw packets show it: what a client library hides (packet ids, DUP,
 * session takeover, return codes), and the peers it closes. Each test speaks through a
 * {@link BlockingConnection} of {@link MqttProtocol}, or bytes on a socket, with 5 s read timeouts.
 */
class MqttBrokerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private MqttBroker broker;

  @BeforeEach
  void start() throws IOException {
    // A 1 s frame deadline, so that a peer that stops inside a frame is closed within the test.
    broker = MqttBroker.start(new InetSocketAddress("127.0.0.1", 0), MqttBroker.Limits.defaults(),
        ConnectionOptions.defaults().withFrameTimeout(Duration.ofSeconds(1)), ErrorHook.logging());
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private BlockingConnection<MqttMessage, MqttMessage> open() throws IOException {
    BlockingConnection<MqttMessage, MqttMessage> c = BlockingConnection.connect(broker.address(), MqttProtocol.INSTANCE,
        WAIT);
    c.setReadTimeout(WAIT);
    return c;
  }

  private static MqttMessage next(BlockingConnection<MqttMessage, MqttMessage> c) throws IOException {
    return c.receive().orElseThrow(() -> new AssertionError("closed"));
  }

  /** Connects as {@code clientId}; the CONNACK. */
  private Connack connect(BlockingConnection<MqttMessage, MqttMessage> c, String clientId, boolean clean)
      throws IOException {
    c.send(ConnectPayload.NONE.connect(clientId, clean, 0));
    return (Connack) next(c);
  }

  private static Publish publish(String topic, String text, int qos, int packetId) {
    return Packets.publish(topic, Bytes.of(text.getBytes(StandardCharsets.UTF_8)), qos, packetId, false, false);
  }

  /** Whether the broker closed {@code c}: the next receive finds the end of the stream (or a reset). */
  private static boolean closedByBroker(BlockingConnection<MqttMessage, MqttMessage> c) {
    try {
      return c.receive().isEmpty();
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void unacknowledgedQos1MessagesAreSentAgainWithDupOnReconnectOfAPersistentSession() throws IOException {
    try (var subscriber = open(); var publisher = open()) {
      assertEquals(Packets.connack(false, ConnectReturnCode.ACCEPTED), connect(subscriber, "keeper", false));
      subscriber.send(Packets.subscribe(1, List.of(new Subscription("orders/#", 1))));
      assertEquals(Packets.suback(1, List.of(1)), next(subscriber));
      connect(publisher, "shop", true);
      publisher.send(publish("orders/1", "first", 1, 7));
      assertEquals(Packets.puback(7), next(publisher));
      Publish first = (Publish) next(subscriber);
      assertEquals(List.of("orders/1", 1, 0), List.of(first.topic(), first.qos(), first.dup()));
      int id = Packets.packetId(first).orElseThrow();
      subscriber.send(Packets.disconnect()); // without PUBACK
      assertTrue(closedByBroker(subscriber), "the broker has let the session go: what follows is queued for it");
      publisher.send(publish("orders/2", "second", 1, 8));
      assertEquals(Packets.puback(8), next(publisher));
    }
    try (var again = open()) {
      assertEquals(Packets.connack(true, ConnectReturnCode.ACCEPTED), connect(again, "keeper", false));
      Publish resent = (Publish) next(again);
      assertEquals(List.of("orders/1", "first", 1), List.of(resent.topic(), text(resent), resent.dup()),
          "sent again, with DUP");
      Publish queued = (Publish) next(again);
      assertEquals(List.of("orders/2", "second", 0), List.of(queued.topic(), text(queued), queued.dup()));
      again.send(Packets.puback(Packets.packetId(resent).orElseThrow()));
      again.send(Packets.puback(Packets.packetId(queued).orElseThrow()));
      again.send(Packets.pingreq());
      assertEquals(Packets.pingresp(), next(again), "nothing else was waiting");
    }
  }

  private static String text(Publish p) {
    return new String(Packets.payload(p).toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void aSecondConnectionWithTheSameClientIdClosesTheFirst() throws IOException {
    try (var first = open(); var second = open()) {
      connect(first, "twin", true);
      assertEquals(Packets.connack(false, ConnectReturnCode.ACCEPTED), connect(second, "twin", true));
      assertTrue(closedByBroker(first), "the first connection is closed (3.1.4)");
      second.send(Packets.pingreq());
      assertEquals(Packets.pingresp(), next(second));
    }
  }

  @Test
  void aQos2PublishIsDeliveredOnceEvenWhenSentAgainBeforeItsRelease() throws IOException {
    try (var subscriber = open(); var publisher = open()) {
      connect(subscriber, "s", true);
      subscriber.send(Packets.subscribe(1, List.of(new Subscription("q2", 2))));
      assertEquals(Packets.suback(1, List.of(1)), next(subscriber), "granted QoS 1, the most this broker gives");
      connect(publisher, "p", true);
      publisher.send(publish("q2", "exactly", 2, 3));
      assertEquals(Packets.pubrec(3), next(publisher));
      publisher.send(Packets.publish("q2", Bytes.of("exactly".getBytes(StandardCharsets.UTF_8)), 2, 3, false, true));
      assertEquals(Packets.pubrec(3), next(publisher));
      publisher.send(Packets.pubrel(3));
      assertEquals(Packets.pubcomp(3), next(publisher));
      Publish got = (Publish) next(subscriber);
      assertEquals(List.of("exactly", 1), List.of(text(got), got.qos()));
      subscriber.send(Packets.puback(Packets.packetId(got).orElseThrow()));
      subscriber.send(Packets.pingreq());
      assertEquals(Packets.pingresp(), next(subscriber), "delivered once");
    }
  }

  @Test
  void wildcardsAtTheFirstLevelDoNotMatchDollarTopics() throws IOException {
    try (var all = open(); var sys = open()) {
      connect(all, "all", true);
      connect(sys, "sys", true);
      all.send(Packets.subscribe(1, List.of(new Subscription("#", 0), new Subscription("+/x", 0))));
      next(all);
      sys.send(Packets.subscribe(2, List.of(new Subscription("$SYS/#", 0))));
      next(sys);
      sys.send(publish("$SYS/x", "internal", 0, 0));
      sys.send(publish("app/x", "public", 0, 0));
      assertEquals("$SYS/x", ((Publish) next(sys)).topic());
      assertEquals("app/x", ((Publish) next(all)).topic(), "'#' and '+/x' skip $SYS/x (4.7.2)");
    }
  }

  @Test
  void anInvalidFilterIsRefusedInItsReturnCodeAlone() throws IOException {
    try (var c = open()) {
      connect(c, "f", true);
      c.send(Packets.subscribe(9, List.of(new Subscription("a/#/b", 1), new Subscription("ok/+", 1),
          new Subscription("sp+ort", 0))));
      assertEquals(Packets.suback(9, List.of(0x80, 1, 0x80)), next(c));
    }
  }

  @Test
  void aConnectOfAnotherProtocolLevelIsRefusedWithReturnCode1() throws IOException {
    try (var c = open()) {
      c.send(new Connect(0, 0, 0, "MQTT", 3, ConnectPayload.NONE.flags(true), 0, "old", Bytes.empty()));
      assertEquals(Packets.connack(false, ConnectReturnCode.UNACCEPTABLE_PROTOCOL_VERSION), next(c));
      assertTrue(closedByBroker(c));
    }
  }

  @Test
  void anEmptyClientIdNeedsACleanSession() throws IOException {
    try (var persistent = open(); var clean = open()) {
      assertEquals(Packets.connack(false, ConnectReturnCode.IDENTIFIER_REJECTED), connect(persistent, "", false));
      assertTrue(closedByBroker(persistent));
      assertEquals(Packets.connack(false, ConnectReturnCode.ACCEPTED), connect(clean, "", true), "assigned an id");
    }
  }

  @Test
  void protocolViolationsCloseTheConnection() throws IOException {
    List<List<MqttMessage>> violations = List.of(
        List.of(Packets.pingreq()), // before CONNECT
        List.of(ConnectPayload.NONE.connect("a", true, 0), ConnectPayload.NONE.connect("a", true, 0)),
        List.of(ConnectPayload.NONE.connect("b", true, 0), publish("a/+", "wildcard", 0, 0)),
        List.of(ConnectPayload.NONE.connect("c", true, 0), new Pingreq(0, 0, 1)), // a flag 3.1.1 reserves
        List.of(ConnectPayload.NONE.connect("d", true, 0), Packets.subscribe(1, List.of(new Subscription("x", 3)))),
        List.of(ConnectPayload.NONE.connect("e", true, 0), Packets.connack(false, ConnectReturnCode.ACCEPTED)),
        List.of(new Connect(0, 0, 0, "MQTT", 4, new ConnectFlags(false, false, false, 0, false, true, 1), 0, "f",
            Bytes.empty())));
    for (List<MqttMessage> packets : violations) {
      try (var c = open()) {
        for (MqttMessage m : packets) {
          c.send(m);
        }
        boolean closed = false;
        for (int i = 0; i < 3 && !closed; i++) { // a CONNACK may come first
          closed = closedByBroker(c);
        }
        assertTrue(closed, "closed after " + packets);
      }
    }
  }

  @Test
  void garbageAndTruncatedFramesAreClosedWithoutAnAnswer() throws IOException {
    long seed = Property.seed();
    System.out.println("MqttBrokerTest.garbageAndTruncatedFramesAreClosedWithoutAnAnswer: seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    Connect connect = ConnectPayload.NONE.connect("cut", true, 0);
    ByteBuffer whole = ByteBuffer.allocate(MqttProtocol.INSTANCE.encodedSize(connect));
    MqttProtocol.INSTANCE.encode(connect, whole);
    byte[] garbage = new byte[64];
    rnd.nextBytes(garbage);
    List<byte[]> inputs = List.of(
        HexFormat.of().parseHex("ffffffffff"), // reserved type 15, and a remaining length over 4 bytes
        HexFormat.of().parseHex("00020000"), // reserved type 0
        HexFormat.of().parseHex("1002ffff"), // a CONNECT that does not decode
        java.util.Arrays.copyOf(whole.array(), 1 + rnd.nextInt(whole.capacity() - 1)), // cut short, then silence
        garbage);
    for (byte[] input : inputs) {
      try (Socket raw = new Socket()) {
        raw.connect(broker.address(), 5_000);
        raw.setSoTimeout(5_000);
        raw.getOutputStream().write(input);
        InputStream in = raw.getInputStream();
        int first;
        try {
          first = in.read();
        } catch (java.net.SocketTimeoutException e) {
          throw new AssertionError("still open 5 s after " + HexFormat.of().formatHex(input), e);
        } catch (IOException reset) {
          first = -1;
        }
        assertEquals(-1, first, "closed without an answer after " + HexFormat.of().formatHex(input));
      }
    }
  }

  @Test
  void theWillOfAClientClosedForAViolationIsPublishedAndRetained() throws IOException {
    try (var watcher = open(); var bad = open()) {
      connect(watcher, "w", true);
      ConnectPayload will = new ConnectPayload(Optional.of(new ConnectPayload.Will("status/bad",
          Bytes.of("offline".getBytes(StandardCharsets.UTF_8)), 1, true)), Optional.empty(), Optional.empty());
      bad.send(will.connect("bad", true, 0));
      next(bad);
      bad.send(publish("no/#", "wildcard", 0, 0));
      assertTrue(closedByBroker(bad));
      watcher.send(Packets.subscribe(1, List.of(new Subscription("status/+", 1))));
      assertEquals(Packets.suback(1, List.of(1)), next(watcher));
      Publish kept = (Publish) next(watcher);
      assertEquals(List.of("status/bad", "offline", 1), List.of(kept.topic(), text(kept), kept.retain()));
    }
  }

  @Test
  void aSubscriberOfAPersistentSessionAwayMissesQos0AndKeepsQos1() throws IOException {
    try (var sub = open()) {
      connect(sub, "away", false);
      sub.send(Packets.subscribe(1, List.of(new Subscription("t", 1))));
      next(sub);
    }
    try (var pub = open()) {
      connect(pub, "p", true);
      pub.send(publish("t", "zero", 0, 0));
      pub.send(publish("t", "one", 1, 1));
      assertEquals(Packets.puback(1), next(pub));
    }
    try (var back = open()) {
      assertTrue(connect(back, "away", false).flags().sessionPresent());
      Publish p = (Publish) next(back);
      assertEquals("one", text(p));
      assertFalse(broker.droppedMessages() == 0, "the QoS 0 message was dropped, and counted");
    }
  }
}
