package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.pg.answer.PgEncryptionAnswerGenerators;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerProtocol;
import dev.parley.protocols.pg.backend.PgBackendGenerators;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.frontend.PgFrontendGenerators;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.sasl.PgSaslInitialGenerators;
import dev.parley.protocols.pg.sasl.PgSaslInitialProtocol;
import dev.parley.protocols.pg.sasl.PgSaslResponseGenerators;
import dev.parley.protocols.pg.sasl.PgSaslResponseProtocol;
import dev.parley.protocols.pg.startup.PgStartupGenerators;
import dev.parley.protocols.pg.startup.PgStartupProtocol;
import dev.parley.protocols.StreamCutter;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.Protocol;
import dev.parley.testing.Property;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The self-fuzzing suite of PostgreSQL's six schemas, each phase's protocol: random messages from
 * the generated {@code *Generators} round-trip with exact sizes; a stream of them split at random
 * comes back whole from the {@link FrameReader}; corrupted frames decode to a message that
 * re-encodes to itself, or are refused with a {@link ProtocolException}, allocating no more than
 * the frame accounts for. A failure prints its seed; {@code -Dparley.seed=N} replays it.
 */
class PgPropertyTest {

  /** One protocol, with its generated generators. */
  private record Subject<M>(String name, Protocol<M> protocol, Property.Generator<M> random,
      Function<M, Stream<M>> shrink, Function<M, byte[]> frame, Property.Generator<byte[]> corrupt) {}

  private static List<Subject<?>> subjects() {
    return List.of(
        new Subject<>("backend", PgBackendProtocol.INSTANCE, PgBackendGenerators::randomPgBackendMessage,
            PgBackendGenerators::shrinkPgBackendMessage, PgBackendGenerators::frame, PgBackendGenerators::corruptFrame),
        new Subject<>("frontend", PgFrontendProtocol.INSTANCE, PgFrontendGenerators::randomPgFrontendMessage,
            PgFrontendGenerators::shrinkPgFrontendMessage, PgFrontendGenerators::frame,
            PgFrontendGenerators::corruptFrame),
        new Subject<>("startup", PgStartupProtocol.INSTANCE, PgStartupGenerators::randomPgStartupMessage,
            PgStartupGenerators::shrinkPgStartupMessage, PgStartupGenerators::frame, PgStartupGenerators::corruptFrame),
        new Subject<>("encryption answer", PgEncryptionAnswerProtocol.INSTANCE,
            PgEncryptionAnswerGenerators::randomPgEncryptionAnswerMessage,
            PgEncryptionAnswerGenerators::shrinkPgEncryptionAnswerMessage, PgEncryptionAnswerGenerators::frame,
            PgEncryptionAnswerGenerators::corruptFrame),
        new Subject<>("SASL initial response", PgSaslInitialProtocol.INSTANCE,
            PgSaslInitialGenerators::randomPgSaslInitialMessage, PgSaslInitialGenerators::shrinkPgSaslInitialMessage,
            PgSaslInitialGenerators::frame, PgSaslInitialGenerators::corruptFrame),
        new Subject<>("SASL response", PgSaslResponseProtocol.INSTANCE,
            PgSaslResponseGenerators::randomPgSaslResponseMessage,
            PgSaslResponseGenerators::shrinkPgSaslResponseMessage, PgSaslResponseGenerators::frame,
            PgSaslResponseGenerators::corruptFrame));
  }

  private static Stream<DynamicTest> each(String property, java.util.function.Consumer<Subject<?>> test) {
    return subjects().stream().map(s -> DynamicTest.dynamicTest(s.name() + ": " + property, () -> test.accept(s)));
  }

  /**
   * Every frame of the captures of real PostgreSQL 15 traffic (the fuzz targets' seed corpus,
   * {@code PgFuzzTestInputs}) decodes and encodes back to its very bytes.
   */
  @TestFactory
  Stream<DynamicTest> everyCapturedFrameEncodesBackToItsBytes() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, Protocol<?>> target : Map.<String, Protocol<?>>of("decodeBackend", PgBackendProtocol.INSTANCE,
        "decodeFrontend", PgFrontendProtocol.INSTANCE, "decodeStartup", PgStartupProtocol.INSTANCE).entrySet()) {
      Path corpus = Path.of(PgPropertyTest.class.getResource("PgFuzzTestInputs/" + target.getKey()).toURI());
      try (Stream<Path> files = Files.list(corpus)) {
        for (Path file : files.sorted().toList()) {
          tests.add(DynamicTest.dynamicTest(target.getKey() + "/" + file.getFileName(),
              () -> reencodes(target.getValue(), Files.readAllBytes(file))));
        }
      }
    }
    assertTrue(tests.size() >= 40, tests.size() + " captured frames");
    return tests.stream();
  }

  private static <M> void reencodes(Protocol<M> protocol, byte[] frame) throws ProtocolException {
    M message = protocol.decode(ByteBuffer.wrap(frame));
    ByteBuffer again = ByteBuffer.allocate(protocol.encodedSize(message));
    protocol.encode(message, again);
    assertArrayEquals(frame, again.array(), message::toString);
  }

  @TestFactory
  Stream<DynamicTest> randomMessagesRoundTripWithExactSizes() {
    return each("round trip", PgPropertyTest::roundTrip);
  }

  private static <M> void roundTrip(Subject<M> s) {
    Property.forAll(s.name() + ": round trip", s.random()).shrinkWith(s.shrink()).check(m -> {
      byte[] frame = s.frame().apply(m);
      assertEquals(s.protocol().encodedSize(m), frame.length);
      M decoded = s.protocol().decode(ByteBuffer.wrap(frame));
      assertEquals(m, decoded);
      assertArrayEquals(frame, s.frame().apply(decoded), "decoded and written again, the same bytes");
    });
  }

  @TestFactory
  Stream<DynamicTest> streamsOfFramesSplitAnywhereComeBackWhole() {
    return each("stream split anywhere", PgPropertyTest::split);
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
      SplittableRandom rnd = new SplittableRandom((Long) value[1]);
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      messages.forEach(m -> stream.writeBytes(s.frame().apply(m)));
      List<M> read = StreamCutter.cut(s.protocol(), stream.toByteArray(), rnd.nextLong(), 8); // 8: the largest header
      assertEquals(messages, read);
    });
  }

  @TestFactory
  Stream<DynamicTest> corruptedFramesDecodeToThemselvesOrAreRefusedWithinTheAllocationBound() {
    return each("corrupted frames", PgPropertyTest::corrupted);
  }

  /**
   * What a decode may allocate for a frame of {@code n} bytes, as the codegen's self-fuzzing suite
   * bounds it: a count taken before it is checked against the bytes left would allocate for
   * billions of elements instead.
   */
  static long allocationBound(int n) {
    return 32L * n + 65_536;
  }

  private static <M> void corrupted(Subject<M> s) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] outcomes = new int[2];
    Property.forAll(s.name() + ": corrupted frames", s.corrupt()).values(1_000).check(frame -> {
      attempt(s, frame, threads, new int[2], false); // loads what decoding needs, so that it is not counted
      attempt(s, frame, threads, outcomes, true);
    });
    assertTrue(outcomes[0] + outcomes[1] > 0);
  }

  private static <M> void attempt(Subject<M> s, byte[] frame, com.sun.management.ThreadMXBean threads, int[] outcomes,
      boolean measure) throws Exception {
    FrameReader reader = new FrameReader(s.protocol().frameFormat(), 256);
    long before = threads.getCurrentThreadAllocatedBytes();
    try {
      ByteBuffer in = ByteBuffer.wrap(frame);
      while (in.hasRemaining() && reader.feed(in) > 0) {
        // the reader takes what fits; one frame at most here
      }
      ByteBuffer body = reader.nextFrame();
      if (body == null) {
        reader.endOfStream(); // cut short: a TruncatedFrameException
        return;
      }
      M message = s.protocol().decode(body);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(!measure || allocated <= allocationBound(frame.length),
          () -> allocated + " bytes allocated to decode a frame of " + frame.length);
      assertEquals(message, s.protocol().decode(ByteBuffer.wrap(s.frame().apply(message))), "re-decodes to itself");
      outcomes[0]++;
    } catch (ProtocolException refused) {
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(!measure || allocated <= allocationBound(frame.length),
          () -> allocated + " bytes allocated before refusing a frame of " + frame.length);
      outcomes[1]++;
    }
  }
}
