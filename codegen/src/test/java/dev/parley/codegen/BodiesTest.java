package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.codegen.FrameLayoutsTest.Subject;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameReader;
import dev.parley.spec.BytesType;
import dev.parley.spec.Composite;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.ListType;
import dev.parley.spec.NullableType;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.Size;
import dev.parley.spec.StringType;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.testing.Property;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The bodies of existing protocols (SPEC.md 13), declared in the schemas of {@code valid/bodies}:
 * PostgreSQL's startup, frontend and backend messages, and {@code constructs.parley}, one message
 * per construct and edge in Parley's own frame. Through generated code and the runtime, random
 * messages written by the frame writer, split at random, cut by the frame reader and decoded come
 * back equal, and the interpreter reads them alike; corrupted frames are accepted or refused
 * alike by the generated decoder and the interpreter, and decoding one allocates no more than its
 * bytes account for. Failures print the seed ({@code -Dparley.seed=N} replays).
 */
class BodiesTest {

  private static final Path BODIES = TestSchemas.validCorpus().resolve("bodies");
  static final Schema SCHEMA = load();
  static final ClassLoader LOADER = TestSchemas.compile(SCHEMA, "parley-bodies");

  /** The files of {@code valid/bodies}, each its own protocol. */
  static final List<String> FILES = List.of("bits_unions.parley", "constructs.parley", "device.parley",
      "memcached_request.parley", "memcached_response.parley", "mqtt.parley", "pg_backend.parley",
      "pg_encryption_answer.parley", "pg_frontend.parley", "pg_startup.parley", "varints_checksums.parley");

  /**
   * What a decode may allocate for a frame of n bytes, as the self-fuzzing suite bounds it: a small
   * multiple of n, and room for the reader's buffer and class loading. A count or length believed
   * before it is checked against the bytes left allocates for billions of elements instead.
   */
  static long allocationBound(int frameLength) {
    return 32L * frameLength + 65_536;
  }

  private static Schema load() {
    try (Stream<Path> files = Files.list(BODIES)) {
      return TestSchemas.load(files.filter(p -> p.toString().endsWith(".parley")).sorted().toArray(Path[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SchemaFile file(String name) {
    return SCHEMA.files().stream().filter(f -> f.path().getFileName().toString().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name));
  }

  static Subject subject(String name) {
    try {
      return Subject.of(file(name), LOADER);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A record of the generated code from its components, by its canonical constructor; what it throws, unwrapped. */
  static Object record(String className, Object... components) {
    try {
      Class<?> type = LOADER.loadClass(className);
      Class<?>[] parameters = Stream.of(type.getRecordComponents()).map(RecordComponent::getType)
          .toArray(Class<?>[]::new);
      return type.getDeclaredConstructor(parameters).newInstance(components);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException thrown) {
        throw thrown;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The constant {@code name} of the generated enum {@code className}. */
  static Object constant(String className, String name) {
    try {
      return Stream.of(LOADER.loadClass(className).getEnumConstants())
          .filter(c -> ((Enum<?>) c).name().equals(name)).findFirst().orElseThrow();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Stream<Subject> subjects() {
    assertEquals(FILES, SCHEMA.files().stream().map(f -> f.path().getFileName().toString()).sorted().toList(),
        "the schemas of valid/bodies");
    return FILES.stream().map(BodiesTest::subject);
  }

  @TestFactory
  Stream<DynamicTest> randomMessagesWrittenSplitAndCutComeBackEqual() {
    return subjects().map(s -> DynamicTest.dynamicTest(s.name(), () -> FrameLayoutsTest.checkRoundTrips(s)));
  }

  @TestFactory
  Stream<DynamicTest> corruptedFramesAreRefusedAlikeWithinTheAllocationBound() {
    return subjects().map(s -> DynamicTest.dynamicTest(s.name(), () -> checkCorruptedFrames(s)));
  }

  /**
   * Corrupted frames of {@code s}: the generated decoder and the interpreter accept and refuse
   * them alike, some are refused, and the generated reader and decoder allocate within
   * {@link #allocationBound} for each, measured after a first run has loaded what it needs.
   */
  private static void checkCorruptedFrames(Subject s) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] outcomes = new int[2];
    Property.forAll(s.name() + ": corrupted frames", s::corruptFrame).values(500).check(frame -> {
      InterpreterAgreementTest.generatedOutcome(s.protocol(), frame);
      long before = threads.getCurrentThreadAllocatedBytes();
      InterpreterAgreementTest.generatedOutcome(s.protocol(), frame);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(allocated <= allocationBound(frame.length),
          () -> allocated + " bytes allocated to decode a corrupted frame of " + frame.length);
      outcomes[FrameLayoutsTest.checkCorruptedFrame(s, frame) ? 1 : 0]++;
    });
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, () -> "accepted, refused: " + outcomes[0] + ", " + outcomes[1]);
  }

  /**
   * The hex examples of SPEC.md 13.2, 13.5 and 13.6 are whole frames of the PostgreSQL schemas,
   * and 13.3's is the bytes of its struct, {@code constructs.parley}'s {@code Entry}: each decodes,
   * by the generated code and the interpreter alike, to the value the text gives, and encodes back
   * to the same bytes.
   */
  @TestFactory
  Stream<DynamicTest> specExamplesOfSection13AreTheBytesOfTheirValues() throws IOException {
    String spec = Files.readString(TestSchemas.specFile());
    Object entry = record("bodies.constructs.Entry", "ab", List.of(1, 2));
    return Stream.of(
        DynamicTest.dynamicTest("13.2 string<nul>", () -> assertSpecFrame(hexBlock(spec, "13.2"), "pg_frontend.parley",
            record("bodies.pg.frontend.Query", "SELECT 1"))),
        DynamicTest.dynamicTest("13.3 sizes kept in an earlier field", () -> assertSpecStruct(
            inlineHex(spec, "13.3", "`Entry{key = \"ab\", values = [1, 2]}`: `"), entry)),
        DynamicTest.dynamicTest("13.5 lists ended by a sentinel", () -> assertSpecFrame(hexBlock(spec, "13.5"),
            "pg_backend.parley", record("bodies.pg.backend.ErrorResponse",
                List.of(record("bodies.pg.backend.NoticeField", (int) 'S', "ERROR"))))),
        DynamicTest.dynamicTest("13.6 nullable", () -> assertSpecFrame(hexBlock(spec, "13.6"), "pg_backend.parley",
            record("bodies.pg.backend.DataRow", List.of(Optional.of(Bytes.of((byte) '1')), Optional.empty())))));
  }

  /** The text of section {@code number} of SPEC.md, from its heading to the next. */
  private static String section(String spec, String number) {
    int start = spec.indexOf("\n### " + number + " ");
    assertTrue(start >= 0, "SPEC.md has section " + number);
    int end = spec.indexOf("\n### ", start + 1);
    return spec.substring(start, end < 0 ? spec.length() : end);
  }

  /** The one code block of section {@code number} that holds hex, spaces removed. */
  private static String hexBlock(String spec, String number) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```\\w*\n(.*?)\n```", Pattern.DOTALL).matcher(section(spec, number));
    while (m.find()) {
      if (m.group(1).strip().matches("[0-9a-f ]+")) {
        blocks.add(m.group(1).strip().replace(" ", ""));
      }
    }
    assertEquals(1, blocks.size(), "hex blocks in SPEC.md " + number);
    return blocks.get(0);
  }

  /** The hex in backquotes right after {@code before} in section {@code number}, spaces removed. */
  private static String inlineHex(String spec, String number, String before) {
    String text = section(spec, number);
    int at = text.indexOf(before);
    assertTrue(at >= 0, "SPEC.md " + number + " has " + before);
    String hex = text.substring(at + before.length(), text.indexOf('`', at + before.length()));
    assertTrue(hex.matches("[0-9a-f ]+"), hex);
    return hex.replace(" ", "");
  }

  /**
   * {@code hex} is one whole frame of {@code file}'s protocol, as the frame reader cuts it, which
   * the generated decoder and the interpreter read as {@code expected} and which it encodes back.
   */
  private static void assertSpecFrame(String hex, String file, Object expected) throws Exception {
    Subject s = subject(file);
    byte[] frame = HexFormat.of().parseHex(hex);
    FrameReader reader = new FrameReader(s.protocol().frameFormat());
    reader.feed(ByteBuffer.wrap(frame));
    ByteBuffer cut = reader.nextFrame();
    assertEquals(frame.length, cut.remaining(), "one whole frame");
    assertNull(reader.nextFrame());
    Object message = s.protocol().decode(cut);
    assertEquals(expected, message);
    DecodedFrame decoded = new CaptureReader(s.interpreter(), new ByteArrayInputStream(frame)).next().orElseThrow();
    assertEquals(0, decoded.skippedBytes());
    FrameLayoutsTest.assertAgrees(s.file(), message, decoded, hex);
    assertArrayEquals(frame, FrameLayoutsTest.frameOf(s.protocol(), expected), "encoded back");
  }

  /**
   * {@code hex} is the encoding of the struct {@code expected} of {@code constructs.parley}, which
   * its decoder reads back, and which the interpreter reads alike in a body of {@code Entries}.
   */
  private static void assertSpecStruct(String hex, Object expected) throws Exception {
    Class<?> type = expected.getClass();
    int size = (int) type.getMethod("encodedSize").invoke(expected);
    ByteBuffer out = ByteBuffer.allocate(size);
    type.getMethod("encode", ByteBuffer.class).invoke(expected, out);
    assertEquals(hex, HexFormat.of().formatHex(out.array()), "encoded");
    assertEquals(expected, type.getMethod("decode", ByteBuffer.class).invoke(null, ByteBuffer.wrap(out.array())));
    Subject s = subject("constructs.parley");
    Object entries = record("bodies.constructs.Entries", List.of(expected));
    byte[] body = HexFormat.of().parseHex("0005" + "01" + hex); // type id 5, a u8 count of 1
    assertEquals(entries, s.protocol().decode(ByteBuffer.wrap(body)));
    InterpreterAgreementTest.assertAgrees(entries, s.interpreter().decodeBody(0, ByteBuffer.wrap(body)), hex);
  }

  /**
   * {@code constructs.parley} has what its doc comment promises: every size of SPEC.md 13 on each
   * type it applies to, so that the properties above reach them all.
   */
  @Test
  void constructsSchemaDeclaresEveryKindOfSize() {
    Set<String> found = new TreeSet<>();
    SchemaFile file = file("constructs.parley");
    List<Composite> composites = new ArrayList<>(file.structs());
    composites.addAll(file.messages());
    for (Composite composite : composites) {
      for (Field field : composite.fields()) {
        describe(field.type(), found);
        if (field.since() > 1 && field.type() instanceof NullableType) {
          found.add("@since nullable");
        }
        composite.sized(field).ifPresent(sized -> found.add("size field " + field.type().displayName()));
      }
    }
    assertEquals(new TreeSet<>(List.of(
        "@since nullable",
        "bytes<field>", "bytes<i32>", "bytes<rest>",
        "list<enum, until>", "list<integer, until>", "list<string, until>",
        "list<field>", "list<i16>", "list<i8>", "list<rest>",
        "nullable bytes<i32>", "nullable list<i16>", "nullable string<i16>",
        "size field i16", "size field u16", "size field u24", "size field u32", "size field u8",
        "string<field>", "string<i16>", "string<i8>", "string<nul>", "string<rest>")), found);
  }

  /** Adds what {@code type} shows of SPEC.md 13 to {@code found}, nested types included. */
  private static void describe(FieldType type, Set<String> found) {
    if (type instanceof NullableType n) {
      found.add("nullable " + kind(n.inner()) + "<" + Composite.sizeOf(n.inner()).orElseThrow().keyword() + ">");
      if (n.inner() instanceof ListType list) {
        describe(list.element(), found);
      }
      return;
    }
    Composite.sizeOf(type).ifPresent(size -> {
      String word = size instanceof Size.FieldRef ? "field"
          : size instanceof Size.Until until ? (until.type() instanceof EnumType ? "enum"
              : until.type() instanceof PrimitiveType ? "integer" : "string") + ", until"
          : size.keyword();
      if (!word.equals("u8") && !word.equals("u16") && !word.equals("u32")) {
        found.add(kind(type) + "<" + word + ">");
      }
    });
    if (type instanceof ListType list) {
      describe(list.element(), found);
    }
  }

  private static String kind(FieldType type) {
    return type instanceof StringType ? "string" : type instanceof BytesType ? "bytes" : "list";
  }
}
