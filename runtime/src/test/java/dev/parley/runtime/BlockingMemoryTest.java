package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The blocking connection over streams in memory, each case under several ways of splitting the
 * stream: what its reads get is cut a byte at a time, in seeded random pieces, or whole. Failures
 * name their seed; {@code -Dparley.seed=N} replays.
 */
class BlockingMemoryTest {

  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 20);

  static final List<LongFunction<IntSupplier>> CHUNKINGS = List.of(
      seed -> () -> 1,
      seed -> {
        SplittableRandom rnd = new SplittableRandom(seed);
        return () -> 1 + rnd.nextInt(17);
      },
      seed -> {
        SplittableRandom rnd = new SplittableRandom(seed);
        return () -> 1 + rnd.nextInt(5000);
      },
      seed -> () -> Integer.MAX_VALUE);

  private static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  /** Gives at most what {@code chunks} says per read, as a socket may. */
  static InputStream chunked(byte[] bytes, IntSupplier chunks) {
    return new InputStream() {
      private int at;

      @Override
      public int read() {
        return at < bytes.length ? bytes[at++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (at == bytes.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, bytes.length - at), chunks.getAsInt());
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
      }
    };
  }

  static byte[] frames(List<Bytes> bodies, byte[] tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Bytes body : bodies) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(body.size()).array());
      out.writeBytes(body.toByteArray());
    }
    out.writeBytes(tail);
    return out.toByteArray();
  }

  static List<Bytes> randomBodies(SplittableRandom rnd) {
    List<Bytes> bodies = new ArrayList<>();
    for (int i = rnd.nextInt(40); i > 0; i--) {
      byte[] body = new byte[rnd.nextInt(8) == 0 ? rnd.nextInt(100_000) : rnd.nextInt(50)];
      for (int k = 0; k < body.length; k++) {
        body[k] = (byte) rnd.nextInt(0xEE);
      }
      bodies.add(Bytes.of(body));
    }
    return bodies;
  }

  @Test
  void framesSplitAnyWayAreReceivedWholeAndInOrderThenACleanEnd() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int run = 0; run < 50; run++) {
      for (LongFunction<IntSupplier> chunking : CHUNKINGS) {
        List<Bytes> bodies = randomBodies(rnd);
        BlockingConnection<Bytes, Bytes> connection = BlockingConnection.over(
            chunked(frames(bodies, new byte[0]), chunking.apply(rnd.nextLong())), OutputStreamSink.INSTANCE, PROTOCOL);
        List<Bytes> got = new ArrayList<>();
        connection.receiveAll(got::add);
        assertEquals(bodies, got, "seed " + seed);
      }
    }
  }

  @Test
  void aStreamEndingInsideAFrameDeliversTheWholeFramesFirstThenSaysWhatWasMissing() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<IntSupplier> chunking : CHUNKINGS) {
      List<Bytes> bodies = randomBodies(rnd);
      BlockingConnection<Bytes, Bytes> connection = BlockingConnection.over(
          chunked(frames(bodies, new byte[] {0, 0, 0, 9, 1, 2}), chunking.apply(rnd.nextLong())),
          OutputStreamSink.INSTANCE, PROTOCOL);
      List<Bytes> got = new ArrayList<>();
      TruncatedFrameException e = assertThrows(TruncatedFrameException.class, () -> connection.receiveAll(got::add));
      assertEquals(bodies, got, "seed " + seed);
      assertEquals("stream ended inside a frame: 2 of 9 body bytes, 7 missing", e.getMessage());
    }
  }

  @Test
  void aBadFrameAfterGoodOnesComesAfterThemAndClosesTheConnection() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<IntSupplier> chunking : CHUNKINGS) {
      List<Bytes> bodies = randomBodies(rnd);
      BlockingConnection<Bytes, Bytes> connection = BlockingConnection.over(
          chunked(frames(bodies, new byte[] {0, 0, 0, 1, (byte) 0xEE, 0, 0, 0, 0}), chunking.apply(rnd.nextLong())),
          OutputStreamSink.INSTANCE, PROTOCOL);
      for (Bytes body : bodies) {
        assertEquals(body, connection.receive().orElseThrow(), "seed " + seed);
      }
      assertThrows(MalformedFrameException.class, connection::receive);
      assertEquals(false, connection.isOpen());
    }
  }

  /** Takes every byte and keeps none. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
