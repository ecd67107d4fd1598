package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.StreamCutter;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.ProtocolException;
import dev.parley.testing.Property;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Random DNS messages from the generated {@link DnsGenerators}: they round-trip through
 * {@link DnsProtocol}, written plain or with compression pointers ({@link CompressingEncoder}), and
 * a stream of them split at random comes back whole from the {@link FrameReader}. A failure prints
 * its seed; {@code -Dparley.seed=N} replays it.
 */
class DnsPropertyTest {

  private static final int MAX = DnsProtocol.INSTANCE.frameFormat().maxFrameLength();

  /** A random message that fits a frame: a large size can give more than 64 KiB of records. */
  static Message randomMessage(RandomGenerator rnd, int size) {
    for (int s = size; ; s /= 2) {
      Message m = (Message) DnsGenerators.randomDnsMessage(rnd, s);
      if (s == 0 || DnsProtocol.INSTANCE.encodedSize(m) <= MAX) {
        return m;
      }
    }
  }

  @Test
  void randomMessagesRoundTripWithExactSizes() {
    Property.forAll("random messages encoded and decoded", DnsPropertyTest::randomMessage)
        .shrinkWith(m -> DnsGenerators.shrinkMessage(m).filter(s -> DnsProtocol.INSTANCE.encodedSize(s) <= MAX))
        .check(m -> {
          byte[] frame = DnsCapturesTest.encode(m);
          assertEquals(frame.length - 2, ByteBuffer.wrap(frame).getShort(0) & 0xFFFF, "the length counts what follows");
          assertEquals(m, DnsCapturesTest.decode(frame));
          assertEquals(ByteBuffer.wrap(frame), ByteBuffer.wrap(DnsCapturesTest.encode(DnsCapturesTest.decode(frame))),
              "decoded and written again, the same bytes");
        });
  }

  @Test
  void randomMessagesWrittenWithCompressionDecodeToThemselves() {
    int[] shorter = new int[1];
    Property.forAll("random messages written with compression pointers", DnsPropertyTest::randomMessage)
        .shrinkWith(DnsGenerators::shrinkMessage)
        .check(m -> {
          byte[] compressed = CompressingEncoder.frame(m);
          byte[] plain = DnsCapturesTest.encode(m);
          assertTrue(compressed.length <= plain.length);
          if (compressed.length < plain.length) {
            shorter[0]++;
          }
          assertEquals(m, DnsCapturesTest.decode(compressed));
        });
    assertTrue(shorter[0] > 0, "some messages had a name to point back to");
  }

  /** Messages, each to be written plain or compressed, and the seed of how their stream is split. */
  private record Traffic(List<Message> messages, List<Boolean> compressed, long split) {}

  @Test
  void streamsOfMessagesSplitAtRandomComeBackWhole() {
    Property.forAll("streams of messages, split at random", (rnd, size) -> {
      List<Message> messages = new ArrayList<>();
      List<Boolean> compressed = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
        messages.add(randomMessage(rnd, size));
        compressed.add(rnd.nextBoolean());
      }
      return new Traffic(messages, compressed, rnd.nextLong());
    }).check(s -> {
      FrameWriter<DnsMessage> writer = new FrameWriter<>(DnsProtocol.INSTANCE, 64 << 20);
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      for (int i = 0; i < s.messages().size(); i++) {
        if (s.compressed().get(i)) {
          stream.writeBytes(CompressingEncoder.frame(s.messages().get(i)));
        } else {
          assertTrue(writer.enqueue(s.messages().get(i)));
          writer.flushTo(stream);
        }
      }
      assertEquals(s.messages(), cut(stream.toByteArray(), s.split()));
    });
  }

  /** Cuts {@code stream} as {@link StreamCutter#cut} does and decodes each frame as DNS. */
  static List<DnsMessage> cut(byte[] stream, long seed) throws ProtocolException {
    return StreamCutter.cut(DnsProtocol.INSTANCE, stream, seed, 2);
  }

  @Test
  void corruptedFramesDecodeOrAreRefusedWithAProtocolException() {
    int[] outcomes = new int[2];
    Property.forAll("corrupted frames", DnsGenerators::corruptFrame).values(1_000).check(frame -> {
      try {
        DnsMessage m = DnsProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
        assertEquals(m, DnsCapturesTest.decode(DnsCapturesTest.encode(m)), "what decodes re-encodes");
        outcomes[0]++;
      } catch (ProtocolException refused) {
        outcomes[1]++;
      }
    });
    assertTrue(outcomes[1] > 0, () -> "accepted, refused: " + outcomes[0] + ", " + outcomes[1]);
  }

  @Test
  void theServerAnswersEveryRandomOrCorruptedQueryByItsId() {
    DnsResponder responder = new DnsResponder(TestZone.load());
    Property.forAll("random messages as queries", DnsPropertyTest::randomMessage).values(500)
        .check(m -> DnsFuzzTest.checkAnswer(responder, java.util.Arrays.copyOfRange(DnsCapturesTest.encode(m), 2,
            DnsCapturesTest.encode(m).length)));
    Property.forAll("corrupted query frames", DnsGenerators::corruptFrame).values(1_000)
        .check(frame -> DnsFuzzTest.checkAnswer(responder, java.util.Arrays.copyOfRange(frame, Math.min(2,
            frame.length), frame.length)));
  }
}
