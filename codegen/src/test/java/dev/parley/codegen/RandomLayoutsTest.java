package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.HeaderField;
import dev.parley.runtime.LengthCounts;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.FrameLayout;
import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SchemaLoader;
import dev.parley.testing.Property;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded properties over random frame layouts: schemas whose frame declarations have random
 * header fields (widths 8 to 64 bits, signed or not, the file's byte order or their own), a length
 * or none at a random position counting a random extent, a type id or none anywhere, constants,
 * each with random messages, generated, compiled together and run: random messages written, split
 * at random, cut and decoded come back equal; the interpreter agrees with the generated decoder on
 * them and on corrupted frames; a length set to every value no frame can have is refused before
 * the reader allocates for it. The layouts come from the run's seed, which failures print
 * ({@code -Dparley.seed=N} replays).
 */
class RandomLayoutsTest {

  private static final int LAYOUTS = 16;
  private static final String[] INTEGERS = {"u8", "u16", "u24", "u32", "u64", "i8", "i16", "i24", "i32", "i64"};
  private static final String[] LENGTHS = {"u8", "u16", "u24", "u32", "i16", "i32"};
  private static final String[] TYPE_IDS = {"u8", "u16", "u24", "u32", "i8", "i16", "i32"};
  private static final String[] COUNTS = {"following", "itself and following", "frame", "body"};
  private static final String[] BODIES = {"{}", "{ u16 a; string s; }", "{ i64 x; list<u8> xs; optional u32 o; }",
      "{ bytes<u8> b; u24 c; i24 d; }"};
  private static final String[] FIXED_BODIES = {"{}", "{ u16 a; i32 b; }", "{ u8 c; bytes[3] d; u24 e; }"};

  private static final long SEED = Property.seed();
  private static final Schema SCHEMA = load();
  private static final ClassLoader LOADER = compile();

  /** The text of one random schema file with a random frame. */
  static String randomSchema(int index, SplittableRandom rnd) {
    List<String> fields = new ArrayList<>();
    for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
      fields.add(type(rnd, INTEGERS) + order(rnd) + " field" + i + ";");
    }
    for (int i = 0, n = rnd.nextInt(3); i < n; i++) {
      String type = type(rnd, new String[] {"u8", "u16", "u32", "i8", "i16"});
      fields.add("const " + type + order(rnd) + " magic" + i + " = " + constant(type, rnd) + ";");
    }
    boolean length = rnd.nextInt(5) > 0;
    if (length) {
      fields.add("length " + type(rnd, LENGTHS) + order(rnd) + " len counts " + COUNTS[rnd.nextInt(COUNTS.length)] + ";");
    }
    String typeIdType = rnd.nextInt(5) > 0 ? type(rnd, TYPE_IDS) : null;
    if (typeIdType != null) {
      fields.add("type_id " + typeIdType + order(rnd) + " kind;");
    }
    if (fields.isEmpty()) {
      fields.add("u8 only_field;");
    }
    Collections.shuffle(fields, new java.util.Random(rnd.nextLong()));
    StringBuilder text = new StringBuilder("package random.layout" + index + ";\n");
    if (rnd.nextBoolean()) {
      text.append("option byte_order = little_endian;\n");
    }
    text.append("frame {\n");
    fields.forEach(f -> text.append("  ").append(f).append('\n'));
    text.append("}\n");
    String[] bodies = length ? BODIES : FIXED_BODIES;
    if (typeIdType == null) {
      text.append("message Only ").append(bodies[rnd.nextInt(bodies.length)]).append('\n');
    } else {
      Set<Integer> ids = new LinkedHashSet<>();
      int bound = typeIdType.equals("u8") || typeIdType.equals("i8") ? 100 : 30000;
      while (ids.size() < 3) {
        ids.add(rnd.nextInt(bound) - (typeIdType.startsWith("i") ? bound / 2 : 0));
      }
      int m = 0;
      for (int id : ids) {
        text.append("message M").append(m++).append(" = ").append(id).append(' ')
            .append(bodies[rnd.nextInt(bodies.length)]).append('\n');
      }
    }
    return text.toString();
  }

  private static String type(SplittableRandom rnd, String[] types) {
    return types[rnd.nextInt(types.length)];
  }

  private static String order(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> " big_endian";
      case 1 -> " little_endian";
      default -> "";
    };
  }

  private static String constant(String type, SplittableRandom rnd) {
    int bits = Integer.parseInt(type.substring(1));
    long max = type.startsWith("u") ? (1L << bits) - 1 : (1L << (bits - 1)) - 1;
    long min = type.startsWith("u") ? 0 : -(1L << (bits - 1));
    return Long.toString(min + (long) (rnd.nextDouble() * (max - min)));
  }

  private static Schema load() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    try {
      Path dir = Files.createTempDirectory("parley-random-layouts");
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < LAYOUTS; i++) {
        Path file = dir.resolve("layout" + i + ".parley");
        Files.writeString(file, randomSchema(i, rnd));
        files.add(file);
      }
      LoadResult result = SchemaLoader.create().load(files);
      assertEquals("", result.format(), "random layouts of seed " + SEED + " load");
      return result.schemaOrThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ClassLoader compile() {
    return TestSchemas.compile(SCHEMA, "parley-random-layouts-classes");
  }


  private static Stream<FrameLayoutsTest.Subject> subjects() throws ReflectiveOperationException {
    List<FrameLayoutsTest.Subject> subjects = new ArrayList<>();
    for (SchemaFile file : SCHEMA.files()) {
      subjects.add(FrameLayoutsTest.Subject.of(file, LOADER));
    }
    return subjects.stream();
  }

  private static String name(FrameLayoutsTest.Subject s) {
    return s.name() + " (seed " + SEED + "): " + s.file().frame().map(FrameLayout::fields).orElseThrow().stream()
        .map(dev.parley.spec.FrameField::describe).toList();
  }

  @TestFactory
  Stream<DynamicTest> randomMessagesOfRandomLayoutsComeBackEqual() throws ReflectiveOperationException {
    return subjects().map(s -> DynamicTest.dynamicTest(name(s), () -> FrameLayoutsTest.checkRoundTrips(s)));
  }

  @TestFactory
  Stream<DynamicTest> corruptedFramesOfRandomLayoutsAreRefusedAlike() throws ReflectiveOperationException {
    // A layout with neither length, type id nor constant, whose bodies take any bytes, may accept
    // every corruption: its frames then must only be judged alike.
    return subjects().map(s -> DynamicTest.dynamicTest(name(s), () -> FrameLayoutsTest.checkCorruptedFrames(s,
        s.file().frame().orElseThrow().fields().stream().anyMatch(f -> f.role() != HeaderField.Role.FIELD))));
  }

  /**
   * Every value of the length field no frame can have (negative; below the header's end; above
   * the maximum) is refused as soon as the header's length is in, with no buffer beyond the
   * reader's smallest.
   */
  @TestFactory
  Stream<DynamicTest> everyImpossibleLengthIsRefusedBeforeAllocating() throws ReflectiveOperationException {
    return subjects().filter(s -> s.protocol().frameFormat().lengthField().isPresent())
        .map(s -> DynamicTest.dynamicTest(name(s), () -> {
          FrameFormat format = s.protocol().frameFormat();
          HeaderField length = format.lengthField().orElseThrow();
          List<Long> impossible = new ArrayList<>();
          long smallest = format.lengthValue(format.headerSize());
          for (long v = Math.max(0, smallest - 64); v < smallest; v++) {
            impossible.add(v);
          }
          if (length.isSigned()) {
            impossible.add(-1L);
            impossible.add(-(1L << (length.size() * 8 - 1)));
          }
          long tooLong = format.lengthValue(format.maxFrameLength()) + 1;
          if (tooLong <= (length.isSigned() ? (1L << (length.size() * 8 - 1)) - 1 : (1L << (length.size() * 8)) - 1)) {
            impossible.add(tooLong);
          }
          for (long value : impossible) {
            byte[] header = new byte[format.headerSize()];
            for (HeaderField field : format.header()) {
              if (field.role() == HeaderField.Role.CONSTANT) {
                format.writeField(ByteBuffer.wrap(header), 0, field, field.constant());
              }
            }
            format.writeField(ByteBuffer.wrap(header), 0, length, value);
            FrameReader reader = new FrameReader(format);
            ByteBuffer bytes = ByteBuffer.wrap(header);
            assertThrows(ProtocolException.class, () -> {
              while (bytes.hasRemaining()) {
                reader.feed(bytes);
                reader.nextFrame();
              }
              reader.nextFrame();
            }, () -> name(s) + ": length " + value);
            assertTrue(reader.capacity() <= FrameReader.MIN_BUFFER_SIZE, () -> name(s) + ": " + reader.capacity());
          }
          assertTrue(!impossible.isEmpty() || length.counts() == LengthCounts.FOLLOWING
              || length.counts() == LengthCounts.BODY, name(s));
        }));
  }
}
