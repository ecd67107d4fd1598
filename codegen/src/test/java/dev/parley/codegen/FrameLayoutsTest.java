package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.HeaderField;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodeException;
import dev.parley.spec.decode.DecodedField;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.spec.decode.SchemaDecoder;
import dev.parley.testing.Corruption;
import dev.parley.testing.Property;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The frames of existing protocols, declared in the schemas of {@code valid/frames} (one per
 * layout: PostgreSQL both ways and its startup and one-byte answer, memcached both ways, DNS,
 * MySQL, Modbus, Cassandra, Diameter, Kafka), through generated code and the runtime: random
 * messages written by the {@link FrameWriter}, split at random, cut by the {@link FrameReader}
 * and decoded come back equal; the interpreter agrees with the generated decoder on them and on
 * corrupted frames. Failures print the seed ({@code -Dparley.seed=N} replays).
 */
class FrameLayoutsTest {

  private static final Path FRAMES = TestSchemas.validCorpus().resolve("frames");
  static final Schema SCHEMA = load();
  static final ClassLoader LOADER = compile();

  private static Schema load() {
    try (Stream<Path> files = Files.list(FRAMES)) {
      return TestSchemas.load(files.filter(p -> p.toString().endsWith(".parley")).sorted().toArray(Path[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ClassLoader compile() {
    return TestSchemas.compile(SCHEMA, "parley-frames");
  }


  /** One frame schema: its generated protocol and generators, and its interpreter. */
  record Subject(SchemaFile file, Protocol<Object> protocol, Method random, Method corrupt) {

    static Subject of(SchemaFile file) throws ReflectiveOperationException {
      return of(file, LOADER);
    }

    @SuppressWarnings("unchecked")
    static Subject of(SchemaFile file, ClassLoader loader) throws ReflectiveOperationException {
      Class<?> generators = loader.loadClass(GeneratorsGenerator.generatorsClass(file).reflectionName());
      Protocol<Object> protocol = (Protocol<Object>) loader.loadClass(
          JavaTypes.protocolClass(file).reflectionName()).getField("INSTANCE").get(null);
      return new Subject(file, protocol,
          generators.getMethod("random" + JavaTypes.messageInterface(file).simpleName(), RandomGenerator.class,
              int.class),
          generators.getMethod("corruptFrame", RandomGenerator.class, int.class));
    }

    String name() {
      return file.path().getFileName().toString();
    }

    SchemaDecoder interpreter() {
      return SchemaDecoder.of(file);
    }

    Object randomMessage(RandomGenerator rnd, int size) {
      return call(random, rnd, size);
    }

    byte[] corruptFrame(RandomGenerator rnd, int size) {
      return (byte[]) call(corrupt, rnd, size);
    }
  }

  private static Object call(Method method, Object... arguments) {
    try {
      return method.invoke(null, arguments);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Stream<Subject> subjects() throws ReflectiveOperationException {
    List<Subject> subjects = new ArrayList<>();
    for (SchemaFile file : SCHEMA.files()) {
      subjects.add(Subject.of(file));
    }
    assertTrue(subjects.size() >= 12, "a schema per layout");
    return subjects.stream();
  }

  @TestFactory
  Stream<DynamicTest> randomMessagesWrittenSplitAndCutComeBackEqual() throws ReflectiveOperationException {
    return subjects().map(s -> DynamicTest.dynamicTest(s.name(), () -> checkRoundTrips(s)));
  }

  /**
   * Random messages of {@code s}, written by the frame writer (as the protocol encodes them),
   * split at random, cut and decoded, come back equal, and the interpreter reads them alike.
   */
  static void checkRoundTrips(Subject s) {
    Property.forAll(s.name() + ": random messages, split at random", (rnd, size) -> {
      List<Object> messages = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
        Object message = s.randomMessage(rnd, size);
        if (s.protocol().encodedSize(message) <= s.protocol().frameFormat().maxFrameLength()) {
          messages.add(message);
        }
      }
      return new Case(messages, rnd.nextLong());
    }).check(c -> {
      FrameWriter<Object> writer = new FrameWriter<>(s.protocol());
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      for (Object message : c.messages()) {
        assertTrue(writer.enqueue(message));
        byte[] alone = frameOf(s.protocol(), message);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        writer.flushTo(written);
        assertArrayEquals(alone, written.toByteArray(), "the writer writes what the protocol encodes");
        stream.writeBytes(alone);
      }
      byte[] bytes = stream.toByteArray();
      assertEquals(c.messages(), cut(s.protocol(), bytes, c.split()));
      CaptureReader interpreter = new CaptureReader(s.interpreter(), new ByteArrayInputStream(bytes));
      for (Object message : c.messages()) {
        DecodedFrame frame = interpreter.next().orElseThrow();
        assertAgrees(s.file(), message, frame, s.name());
      }
      assertEquals(Optional.empty(), interpreter.next());
    });
  }

  /**
   * The whole frame of {@code message} as the protocol encodes it: for a header format what
   * {@code encode} writes, for Parley's own frame the length prefix and then that body.
   */
  /** The frame reader of {@code protocol} cuts {@code bytes} as one whole frame, and nothing after it. */
  static ByteBuffer cutOne(Protocol<Object> protocol, byte[] bytes) throws ProtocolException {
    FrameReader reader = new FrameReader(protocol.frameFormat());
    reader.feed(ByteBuffer.wrap(bytes));
    ByteBuffer cut = reader.nextFrame();
    assertEquals(bytes.length, cut.remaining(), "one whole frame");
    assertNull(reader.nextFrame());
    return cut;
  }

  static byte[] frameOf(Protocol<Object> protocol, Object message) {
    byte[] encoded = new byte[protocol.encodedSize(message)];
    protocol.encode(message, ByteBuffer.wrap(encoded));
    return protocol.frameFormat().hasHeader() ? encoded
        : Corruption.withPrefix(encoded, protocol.frameFormat(), encoded.length);
  }

  /** Messages, and the seed of how their stream is split. */
  private record Case(List<Object> messages, long split) {}

  /** Cuts {@code stream} fed in chunks of random sizes (one byte, a few, or all at once) and decodes it. */
  private static List<Object> cut(Protocol<Object> protocol, byte[] stream, long seed)
      throws ProtocolException {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
    int strategy = rnd.nextInt(3);
    FrameReader reader = new FrameReader(protocol.frameFormat(), protocol.frameFormat().headerSize() + rnd.nextInt(200));
    List<Object> messages = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      int chunk = switch (strategy) {
        case 0 -> 1;
        case 1 -> 1 + rnd.nextInt(40);
        default -> stream.length - at;
      };
      ByteBuffer piece = ByteBuffer.wrap(stream, at, Math.min(chunk, stream.length - at));
      while (piece.hasRemaining()) {
        int taken = reader.feed(piece);
        for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
          messages.add(protocol.decode(frame));
        }
        assertTrue(taken > 0 || piece.hasRemaining(), "the reader makes progress");
      }
      at += chunk;
    }
    reader.endOfStream();
    assertNull(reader.nextFrame());
    return messages;
  }

  @TestFactory
  Stream<DynamicTest> corruptedFramesAreRefusedAlikeByTheGeneratedDecoderAndTheInterpreter()
      throws ReflectiveOperationException {
    return subjects().map(s -> DynamicTest.dynamicTest(s.name(), () -> checkCorruptedFrames(s)));
  }

  /**
   * Corrupted frames of {@code s} are accepted and refused alike by its decoder and the interpreter,
   * and some are refused: a layout always has something to check (each of these has a length, a
   * type id or a constant).
   */
  static void checkCorruptedFrames(Subject s) {
    checkCorruptedFrames(s, true);
  }

  /** As {@link #checkCorruptedFrames(Subject)}; refusals are required only if {@code someRefused}. */
  static void checkCorruptedFrames(Subject s, boolean someRefused) {
    int[] outcomes = new int[2];
    Property.forAll(s.name() + ": corrupted frames", s::corruptFrame).values(300).check(frame -> {
      outcomes[checkCorruptedFrame(s, frame) ? 1 : 0]++;
    });
    assertTrue(!someRefused || outcomes[1] > 0, () -> "accepted, refused: " + outcomes[0] + ", " + outcomes[1]);
  }

  /**
   * One corrupted frame of {@code s} is accepted or refused alike by its decoder and the
   * interpreter; returns whether it was refused.
   */
  static boolean checkCorruptedFrame(Subject s, byte[] frame) throws IOException {
    Object generated = InterpreterAgreementTest.generatedOutcome(s.protocol(), frame);
    Object interpreted = InterpreterAgreementTest.interpretedOutcome(s.interpreter(), frame);
    if (interpreted instanceof DecodedFrame decoded && !(generated instanceof ProtocolException)) {
      assertAgrees(s.file(), generated, decoded, s.name() + ", a corrupted frame");
    } else if (generated instanceof MalformedFrameException g && interpreted instanceof DecodeException i
        && i.kind() == DecodeException.Kind.TOO_LONG) {
      // A header the frame reader cannot frame (a negative length, one inside the header, a
      // type id without a size): refused by both before anything is decoded, for the same reason.
      assertEquals(g.path(), i.path(), s.name());
      assertEquals(g.problem(), i.problem(), s.name());
      assertEquals(0, i.frameOffset(), s.name());
    } else {
      InterpreterAgreementTest.assertSameOutcome(generated, interpreted, s.name() + ", a corrupted frame");
    }
    return generated instanceof ProtocolException;
  }

  /** The layout of each worked example of SPEC.md after the two of Parley's own frame, in order. */
  private static final List<String> SPEC_EXAMPLES = List.of("pg_backend", "pg_startup", "pg_encryption_answer",
      "memcached_request", "dns_tcp", "mysql", "modbus_tcp", "cassandra", "diameter", "kafka");

  /**
   * Each worked example of a declared frame in SPEC.md is one whole frame of its layout: cut as
   * one by the frame reader, decoded alike by the generated decoder and the interpreter, and, when
   * the schema knows every byte of it, encoded back to the same bytes.
   */
  @TestFactory
  Stream<DynamicTest> specWorkedExamplesAreWholeFramesOfTheirLayouts() throws Exception {
    List<String> blocks = new ArrayList<>();
    String[] lines = Files.readString(TestSchemas.specFile()).split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].strip().equals("```hex")) {
        blocks.add(lines[i + 1].strip());
      }
    }
    assertEquals(2 + SPEC_EXAMPLES.size(), blocks.size(), "hex blocks in SPEC.md");
    List<Subject> subjects = subjects().toList();
    return java.util.stream.IntStream.range(0, SPEC_EXAMPLES.size()).mapToObj(i -> {
      String layout = SPEC_EXAMPLES.get(i);
      byte[] frame = java.util.HexFormat.of().parseHex(blocks.get(2 + i));
      Subject s = subjects.stream().filter(x -> x.name().equals(layout + ".parley")).findFirst().orElseThrow();
      return DynamicTest.dynamicTest(layout + ": " + blocks.get(2 + i), () -> {
        FrameReader reader = new FrameReader(s.protocol().frameFormat());
        ByteBuffer in = ByteBuffer.wrap(frame);
        reader.feed(in);
        ByteBuffer cut = reader.nextFrame();
        assertEquals(frame.length, cut.remaining(), "one whole frame");
        assertNull(reader.nextFrame());
        Object message = s.protocol().decode(cut);
        DecodedFrame decoded = new CaptureReader(s.interpreter(), new ByteArrayInputStream(frame)).next().orElseThrow();
        assertAgrees(s.file(), message, decoded, layout);
        if (decoded.skippedBytes() == 0) {
          byte[] again = new byte[s.protocol().encodedSize(message)];
          s.protocol().encode(message, ByteBuffer.wrap(again));
          assertArrayEquals(frame, again, "encoded back");
        }
      });
    });
  }

  /**
   * The decoded frame is the message: its application header fields, if the file declares its
   * frame, and then its fields, in the order of the record's components.
   */
  static void assertAgrees(SchemaFile file, Object message, DecodedFrame frame, String where) {
    assertEquals(message.getClass().getSimpleName(), frame.message().name(), where);
    List<DecodedField> components = new ArrayList<>();
    List<String> held = RecordGenerator.headerComponents(file, frame.message()).stream()
        .map(dev.parley.spec.Field::name).toList();
    for (DecodedField field : frame.header()) {
      // Header sizes and selectors are computed from the body: the record holds no component for them.
      if (held.contains(field.name())) {
        components.add(field);
      }
    }
    components.addAll(frame.fields());
    InterpreterAgreementTest.assertFields(message, frame.message(), components,
        where + ": " + frame.message().name());
  }
}
