package dev.parley.protocols.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.protocols.StreamCutter;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import dev.parley.testing.Property;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Random MQTT packets from the generated {@link MqttGenerators} and random CONNECT payloads: they
 * round-trip to the same bytes, a stream of them split at random comes back whole, and corrupted
 * frames decode (to a value that re-encodes) or are refused with a {@link ProtocolException},
 * allocating within a bound of their size; topic filters matched through the tree agree with the
 * filter's definition. A failure prints its seed; {@code -Dparley.seed=N} replays it.
 */
class MqttPropertyTest {

  private static final MqttProtocol MQTT = MqttProtocol.INSTANCE;

  static byte[] encode(MqttMessage m) {
    ByteBuffer out = ByteBuffer.allocate(MQTT.encodedSize(m));
    MQTT.encode(m, out);
    return out.array();
  }

  @Test
  void randomPacketsRoundTripToTheSameBytes() {
    Property.forAll("random packets encoded and decoded", MqttGenerators::randomMqttMessage).check(m -> {
      byte[] frame = encode(m);
      assertArrayEquals(frame, MqttGenerators.frame(m));
      assertEquals(m, MQTT.decode(ByteBuffer.wrap(frame)));
    });
  }

  static String randomText(RandomGenerator rnd, int size) {
    String alphabet = "abz/+#$ é€𝄞";
    StringBuilder s = new StringBuilder();
    for (int i = 0, n = rnd.nextInt(size / 4 + 2); i < n; i++) {
      s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, rnd.nextInt(alphabet.codePointCount(0,
          alphabet.length())))));
    }
    return s.toString();
  }

  static Bytes randomBytes(RandomGenerator rnd, int size) {
    byte[] b = new byte[rnd.nextInt(size + 1)];
    rnd.nextBytes(b);
    return Bytes.of(b);
  }

  static ConnectPayload randomPayload(RandomGenerator rnd, int size) {
    Optional<ConnectPayload.Will> will = rnd.nextBoolean() ? Optional.of(new ConnectPayload.Will(randomText(rnd, size),
        randomBytes(rnd, size), rnd.nextInt(3), rnd.nextBoolean())) : Optional.empty();
    Optional<String> user = rnd.nextBoolean() ? Optional.of(randomText(rnd, size)) : Optional.empty();
    Optional<Bytes> password = user.isPresent() && rnd.nextBoolean() ? Optional.of(randomBytes(rnd, size))
        : Optional.empty();
    return new ConnectPayload(will, user, password);
  }

  @Test
  void connectPayloadsRoundTripThroughTheirFlags() {
    Property.forAll("CONNECT payloads", MqttPropertyTest::randomPayload).check(p -> {
      Connect connect = p.connect("id", true, 30);
      Connect decoded = (Connect) MQTT.decode(ByteBuffer.wrap(encode(connect)));
      assertEquals(p, ConnectPayload.read(decoded));
      assertEquals(p.flags(true), decoded.flags());
    });
  }

  @Test
  void corruptedConnectPayloadsReadOrAreRefused() {
    int[] outcomes = new int[2];
    Property.forAll("corrupted CONNECT payloads", (rnd, size) -> {
      ConnectPayload p = randomPayload(rnd, size);
      byte[] bytes = p.toBytes().toByteArray();
      byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : rnd.nextInt(bytes.length + 2));
      if (cut.length > 0 && rnd.nextBoolean()) {
        cut[rnd.nextInt(cut.length)] ^= (byte) (1 + rnd.nextInt(255));
      }
      return new Connect(0, 0, 0, "MQTT", 4, p.flags(rnd.nextBoolean()), 0, "c", Bytes.of(cut));
    }).check(c -> {
      try {
        ConnectPayload read = ConnectPayload.read(c);
        assertEquals(c.payload(), read.toBytes(), "what reads writes back to its bytes");
        outcomes[0]++;
      } catch (MalformedFrameException refused) {
        outcomes[1]++;
      }
    });
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, () -> "read, refused: " + outcomes[0] + ", " + outcomes[1]);
  }

  /** Packets, and the seed of how their stream is split. */
  private record Traffic(List<MqttMessage> packets, long split) {}

  @Test
  void streamsOfPacketsSplitAtRandomComeBackWhole() {
    Property.forAll("streams of packets, split at random", (rnd, size) -> {
      List<MqttMessage> packets = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
        packets.add(MqttGenerators.randomMqttMessage(rnd, size));
      }
      return new Traffic(packets, rnd.nextLong());
    }).check(t -> {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      t.packets().forEach(m -> stream.writeBytes(encode(m)));
      assertEquals(t.packets(), split(stream.toByteArray(), t.split()));
    });
  }

  /** {@code stream} cut as {@code seed} chooses, each frame decoded. */
  static List<MqttMessage> split(byte[] stream, long seed) throws ProtocolException {
    return StreamCutter.cut(MQTT, stream, seed, 5); // 5: the fixed header with its longest remaining length
  }

  @Test
  void corruptedFramesDecodeOrAreRefusedWithinAnAllocationBound() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] outcomes = new int[2];
    Property.forAll("corrupted frames", MqttGenerators::corruptFrame).values(1_000).check(frame -> {
      outcome(frame); // loads what decoding needs, so that what is measured next is the decoder's own
      long before = threads.getCurrentThreadAllocatedBytes();
      boolean decoded = outcome(frame);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(allocated <= 32L * frame.length + 65_536,
          () -> allocated + " bytes allocated to decode a corrupted frame of " + frame.length);
      outcomes[decoded ? 0 : 1]++;
      if (decoded) {
        MqttMessage m = MQTT.decode(ByteBuffer.wrap(frame));
        assertEquals(m, MQTT.decode(ByteBuffer.wrap(encode(m))), "what decodes re-encodes");
      }
    });
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, () -> "decoded, refused: " + outcomes[0] + ", " + outcomes[1]);
  }

  /** Whether {@code frame} decodes; false if refused with a protocol exception, the only other outcome allowed. */
  private static boolean outcome(byte[] frame) {
    try {
      MQTT.decode(ByteBuffer.wrap(frame));
      return true;
    } catch (ProtocolException refused) {
      return false;
    }
  }

  /** A level of a topic or filter, from a small alphabet so that filters and topics meet. */
  private static String level(RandomGenerator rnd) {
    return List.of("a", "b", "", "$SYS", "c").get(rnd.nextInt(5));
  }

  private record Matching(List<String> filters, List<String> topics) {}

  @Test
  void theSubscriptionTreeMatchesAsTopicFiltersAreDefined() {
    Property.forAll("filters and topics", (rnd, size) -> {
      List<String> filters = new ArrayList<>();
      List<String> topics = new ArrayList<>();
      for (int i = 0; i < 1 + size / 5; i++) {
        List<String> f = new ArrayList<>();
        List<String> t = new ArrayList<>();
        for (int l = 0, n = 1 + rnd.nextInt(4); l < n; l++) {
          int kind = rnd.nextInt(6);
          f.add(kind == 0 ? "+" : kind == 1 && l == n - 1 ? "#" : level(rnd));
          t.add(level(rnd));
        }
        String filter = String.join("/", f);
        String topic = String.join("/", t);
        filters.add(filter.isEmpty() ? "+" : filter); // neither may be empty (4.7.3)
        topics.add(topic.isEmpty() ? "a" : topic);
      }
      return new Matching(filters, topics);
    }).check(m -> {
      SubscriptionTree<Integer> tree = new SubscriptionTree<>();
      for (int i = 0; i < m.filters().size(); i++) {
        assertTrue(TopicFilter.isValidFilter(m.filters().get(i)), m.filters().get(i));
        tree.add(m.filters().get(i), i % 3, i % 2);
      }
      // A subscriber's second subscription to a filter replaces its first (3.8.4).
      Map<List<Object>, Integer> granted = new HashMap<>();
      for (int i = 0; i < m.filters().size(); i++) {
        granted.put(List.of(i % 3, m.filters().get(i)), i % 2);
      }
      for (String topic : m.topics()) {
        Map<Integer, Integer> expected = new HashMap<>();
        granted.forEach((key, qos) -> {
          if (TopicFilter.matches((String) key.get(1), topic)) {
            expected.merge((Integer) key.get(0), qos, Math::max);
          }
        });
        assertEquals(expected, tree.match(topic), topic);
      }
      for (int i = 0; i < m.filters().size(); i++) {
        tree.remove(m.filters().get(i), i % 3);
      }
      assertTrue(tree.isEmpty(), "every branch goes with its last subscription");
    });
  }

  @Test
  void topicFiltersFollowTheExamplesOfSection4_7() {
    assertTrue(TopicFilter.matches("sport/tennis/player1/#", "sport/tennis/player1"));
    assertTrue(TopicFilter.matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
    assertTrue(TopicFilter.matches("sport/#", "sport"));
    assertTrue(TopicFilter.matches("+/+", "/finance"));
    assertTrue(TopicFilter.matches("/+", "/finance"));
    assertTrue(!TopicFilter.matches("+", "/finance"));
    assertTrue(!TopicFilter.matches("sport/+", "sport"));
    assertTrue(TopicFilter.matches("sport/+", "sport/"));
    assertTrue(!TopicFilter.matches("#", "$SYS/broker"));
    assertTrue(TopicFilter.matches("$SYS/#", "$SYS/broker"));
    for (String bad : List.of("sport/tennis#", "sport/tennis/#/ranking", "sport+", "", "a\0b")) {
      assertTrue(!TopicFilter.isValidFilter(bad), bad);
    }
    for (String good : List.of("#", "+", "+/tennis/#", "sport/+/player1", "/", "//")) {
      assertTrue(TopicFilter.isValidFilter(good), good);
    }
  }
}
