package dev.parley.protocols.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.StreamCutter;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.testing.Property;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The self-fuzzing suite for memcached's two schemas, with the generated
 * {@link MemcachedRequestGenerators} and {@link MemcachedResponseGenerators}: random messages
 * round-trip with exact sizes, a stream of them split anywhere comes back whole from the
 * {@link FrameReader}, and corrupted frames decode (to what they re-encode to) or fail with a
 * {@link ProtocolException}, within an allocation bound. A failure prints its seed;
 * {@code -Dparley.seed=N} replays it.
 */
class MemcachedPropertyTest {

  /** What a decode may allocate for a frame of n bytes: a small multiple of n, and room for the reader's buffer. */
  static long allocationBound(int frameLength) {
    return 32L * frameLength + 65_536;
  }

  private static byte[] encode(MemcachedRequestMessage m) {
    return MemcachedRequestGenerators.frame(m);
  }

  private static byte[] encode(MemcachedResponseMessage m) {
    return MemcachedResponseGenerators.frame(m);
  }

  @Test
  void randomRequestsRoundTripWithExactSizes() {
    Property.forAll("random requests encoded and decoded", MemcachedRequestGenerators::randomMemcachedRequestMessage)
        .shrinkWith(MemcachedRequestGenerators::shrinkMemcachedRequestMessage)
        .check(m -> {
          byte[] frame = encode(m);
          assertEquals(MemcachedRequestProtocol.INSTANCE.encodedSize(m), frame.length);
          assertEquals(frame.length - 24, ByteBuffer.wrap(frame).getInt(8), "the body length counts the body");
          assertEquals(m, MemcachedRequestProtocol.INSTANCE.decode(ByteBuffer.wrap(frame)));
        });
  }

  @Test
  void randomResponsesRoundTripWithExactSizes() {
    Property.forAll("random responses encoded and decoded", MemcachedResponseGenerators::randomMemcachedResponseMessage)
        .shrinkWith(MemcachedResponseGenerators::shrinkMemcachedResponseMessage)
        .check(m -> {
          byte[] frame = encode(m);
          assertEquals(MemcachedResponseProtocol.INSTANCE.encodedSize(m), frame.length);
          assertEquals(frame.length - 24, ByteBuffer.wrap(frame).getInt(8), "the body length counts the body");
          assertEquals(m, MemcachedResponseProtocol.INSTANCE.decode(ByteBuffer.wrap(frame)));
        });
  }

  private record Stream<M>(List<M> messages, long split) {}

  @Test
  void streamsOfRequestsAndResponsesSplitAnywhereComeBackWhole() {
    Property.forAll("streams of requests, split at random", (rnd, size) -> {
      List<MemcachedRequestMessage> messages = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
        messages.add(MemcachedRequestGenerators.randomMemcachedRequestMessage(rnd, size));
      }
      return new Stream<>(messages, rnd.nextLong());
    }).check(s -> assertEquals(s.messages(), cut(MemcachedRequestProtocol.INSTANCE, s.messages(),
        MemcachedPropertyTest::encode, s.split())));
    Property.forAll("streams of responses, split at random", (rnd, size) -> {
      List<MemcachedResponseMessage> messages = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
        messages.add(MemcachedResponseGenerators.randomMemcachedResponseMessage(rnd, size));
      }
      return new Stream<>(messages, rnd.nextLong());
    }).check(s -> assertEquals(s.messages(), cut(MemcachedResponseProtocol.INSTANCE, s.messages(),
        MemcachedPropertyTest::encode, s.split())));
  }

  /** The frames of {@code messages} written one after another, cut as {@link StreamCutter#cut} does, and decoded. */
  static <M> List<M> cut(Protocol<M> protocol, List<M> messages, Function<M, byte[]> encoder, long seed)
      throws ProtocolException {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    messages.forEach(m -> written.writeBytes(encoder.apply(m)));
    return StreamCutter.cut(protocol, written.toByteArray(), seed, 12); // 12: the header up to its body length
  }

  @Test
  void corruptedRequestsDecodeOrAreRefusedWithinTheAllocationBound() {
    checkCorrupted("corrupted requests", MemcachedRequestGenerators::corruptFrame, MemcachedRequestProtocol.INSTANCE,
        MemcachedPropertyTest::encode);
  }

  @Test
  void corruptedResponsesDecodeOrAreRefusedWithinTheAllocationBound() {
    checkCorrupted("corrupted responses", MemcachedResponseGenerators::corruptFrame, MemcachedResponseProtocol.INSTANCE,
        MemcachedPropertyTest::encode);
  }

  private static <M> void checkCorrupted(String name, Property.Generator<byte[]> frames, Protocol<M> protocol,
      Function<M, byte[]> encoder) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] outcomes = new int[2];
    Property.forAll(name, frames).values(1_000).check(frame -> {
      outcome(protocol, frame); // a first run loads what it needs
      long before = threads.getCurrentThreadAllocatedBytes();
      M decoded = outcome(protocol, frame);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(allocated <= allocationBound(frame.length),
          () -> allocated + " bytes allocated to decode a corrupted frame of " + frame.length);
      if (decoded != null) {
        assertEquals(decoded, protocol.decode(ByteBuffer.wrap(encoder.apply(decoded))), "what decodes re-encodes");
        outcomes[0]++;
      } else {
        outcomes[1]++;
      }
    });
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, () -> "accepted, refused: " + outcomes[0] + ", " + outcomes[1]);
  }

  /** The frame read whole and decoded, or null if the reader or the decoder refused it. */
  private static <M> M outcome(Protocol<M> protocol, byte[] frame) {
    try {
      FrameReader reader = new FrameReader(protocol.frameFormat(), 64);
      ByteBuffer in = ByteBuffer.wrap(frame);
      for (int rounds = 0; in.hasRemaining(); rounds++) {
        assertTrue(rounds <= frame.length, "the reader makes progress");
        reader.feed(in);
        ByteBuffer body = reader.nextFrame();
        if (body != null) {
          return protocol.decode(body);
        }
      }
      reader.endOfStream(); // a frame cut short is refused here
      return null;
    } catch (ProtocolException refused) {
      return null;
    }
  }
}
