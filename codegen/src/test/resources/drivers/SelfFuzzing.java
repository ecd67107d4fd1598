package drivers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.testing.Property;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * The self-fuzzing suite, for every test schema, driven by the generated generators: round trip
 * and exact size; any split of a stream of frames through the frame reader; decode then encode
 * gives the same bytes; corrupted frames decode or raise ProtocolException and nothing else,
 * allocating no more than the frame can account for. -Dparley.values sets values per property.
 */
public final class SelfFuzzing {

  private SelfFuzzing() {}

  /** One schema's protocol and its generated generators. */
  record Subject<M>(String name, Protocol<M> protocol, Property.Generator<M> random,
      Function<M, Stream<M>> shrink, Property.Generator<byte[]> corrupt) {}

  static List<Subject<?>> subjects() {
    return List.of(
        new Subject<>("edges", codegen.edges.EdgesProtocol.INSTANCE, codegen.edges.EdgesGenerators::randomEdgesMessage,
            codegen.edges.EdgesGenerators::shrinkEdgesMessage, codegen.edges.EdgesGenerators::corruptFrame),
        new Subject<>("demo", demo.v1.DemoProtocol.INSTANCE, demo.v1.DemoGenerators::randomDemoMessage,
            demo.v1.DemoGenerators::shrinkDemoMessage, demo.v1.DemoGenerators::corruptFrame),
        new Subject<>("tiny", tiny.TinyProtocol.INSTANCE, tiny.TinyGenerators::randomTinyMessage,
            tiny.TinyGenerators::shrinkTinyMessage, tiny.TinyGenerators::corruptFrame),
        new Subject<>("clashes", codegen.clashes.ClashesProtocol.INSTANCE,
            codegen.clashes.ClashesGenerators::randomClashesMessage, codegen.clashes.ClashesGenerators::shrinkClashesMessage,
            codegen.clashes.ClashesGenerators::corruptFrame),
        new Subject<>("evolution v1", evolution.v1.ProfileProtocol.INSTANCE,
            evolution.v1.ProfileGenerators::randomProfileMessage, evolution.v1.ProfileGenerators::shrinkProfileMessage,
            evolution.v1.ProfileGenerators::corruptFrame),
        new Subject<>("evolution v2", evolution.v2.ProfileProtocol.INSTANCE,
            evolution.v2.ProfileGenerators::randomProfileMessage, evolution.v2.ProfileGenerators::shrinkProfileMessage,
            evolution.v2.ProfileGenerators::corruptFrame));
  }

  public static void roundTripWithExactSize() {
    for (Subject<?> subject : subjects()) {
      roundTrip(subject);
    }
  }

  private static <M> void roundTrip(Subject<M> s) {
    Property.forAll(s.name() + ": round trip", s.random()).shrinkWith(s.shrink())
        .check(message -> Codec.assertRoundTrip(s.protocol(), message));
  }

  public static void anySplitOfAFrameStreamReadsBack() {
    for (Subject<?> subject : subjects()) {
      split(subject);
    }
  }

  private static <M> void split(Subject<M> s) {
    Property.forAll(s.name() + ": stream split anywhere", (rnd, size) -> {
      List<M> messages = new ArrayList<>();
      for (int i = 0, n = rnd.nextInt(8); i < n; i++) {
        messages.add(s.random().generate(rnd, size / 4));
      }
      return new Object[] {messages, rnd.nextLong()};
    }).check(value -> {
      @SuppressWarnings("unchecked")
      List<M> messages = (List<M>) value[0];
      RandomGenerator rnd = new java.util.SplittableRandom((Long) value[1]);
      ByteBuffer stream = ByteBuffer.allocate(1 << 22);
      for (M m : messages) {
        stream.order(s.protocol().frameFormat().byteOrder());
        int size = s.protocol().encodedSize(m);
        if (s.protocol().frameFormat().lengthSize() == 2) {
          stream.putShort((short) size);
        } else {
          stream.putInt(size);
        }
        s.protocol().encode(m, stream);
      }
      stream.flip();
      FrameReader reader = new FrameReader(s.protocol().frameFormat(), 64);
      List<M> read = new ArrayList<>();
      while (stream.hasRemaining()) {
        ByteBuffer chunk = stream.slice().limit(Math.min(stream.remaining(), 1 + rnd.nextInt(97)));
        stream.position(stream.position() + chunk.remaining());
        while (chunk.hasRemaining()) {
          reader.feed(chunk);
          for (ByteBuffer body = reader.nextFrame(); body != null; body = reader.nextFrame()) {
            read.add(s.protocol().decode(body));
          }
        }
      }
      reader.endOfStream();
      assertEquals(messages, read);
    });
  }

  public static void corruptedFramesDecodeCanonicallyOrFailCleanly() {
    for (Subject<?> subject : subjects()) {
      corrupted(subject);
    }
  }

  private static <M> void corrupted(Subject<M> s) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] decoded = new int[2];
    Property.forAll(s.name() + ": corrupted frames", s.corrupt()).values(1000).check(frame -> {
      attempt(s, frame, threads, new int[2], false); // warms up class loading and call sites
      attempt(s, frame, threads, decoded, true);
    });
    assertTrue(decoded[0] + decoded[1] > 0);
  }

  /** Reads {@code frame} and decodes it, asserting the outcome and what it allocated. */
  private static <M> void attempt(Subject<M> s, byte[] frame, com.sun.management.ThreadMXBean threads,
      int[] decoded, boolean measure) throws Exception {
    {
      FrameReader reader = new FrameReader(s.protocol().frameFormat(), 256);
      long before = threads.getCurrentThreadAllocatedBytes();
      try {
        ByteBuffer chunk = ByteBuffer.wrap(frame);
        while (chunk.hasRemaining() && reader.feed(chunk) > 0) {
          // the reader takes what fits; one frame at most here
        }
        ByteBuffer body = reader.nextFrame();
        if (body == null) {
          reader.endOfStream();
          return;
        }
        int start = body.position();
        byte[] bodyBytes = new byte[body.remaining()];
        body.duplicate().get(bodyBytes);
        M message = s.protocol().decode(body);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(!measure || allocated <= 32L * frame.length + 65_536,
            () -> allocated + " bytes allocated for a frame of " + frame.length);
        // Canonical: what decodes encodes back to the same bytes. Where they differ in length the
        // shorter is a prefix of the longer: bytes after the known fields were skipped, or the
        // body came from an older writer and the @since fields took their defaults.
        int size = s.protocol().encodedSize(message);
        ByteBuffer again = ByteBuffer.allocate(size);
        s.protocol().encode(message, again);
        int common = Math.min(size, bodyBytes.length);
        assertArrayEquals(Arrays.copyOf(bodyBytes, common), Arrays.copyOf(again.array(), common),
            () -> "not canonical: " + Bytes.of(bodyBytes).hex() + " at " + start);
        assertEquals(message, s.protocol().decode(ByteBuffer.wrap(again.array())), "re-decodes to itself");
        decoded[0]++;
      } catch (ProtocolException expected) {
        decoded[1]++;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(!measure || allocated <= 32L * frame.length + 65_536,
            () -> allocated + " bytes allocated before refusing a frame of " + frame.length);
      }
    }
  }
}
