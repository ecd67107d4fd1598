package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.HeaderField;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.MessageType;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodeException;
import dev.parley.spec.decode.DecodedField;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.spec.decode.JsonFormat;
import dev.parley.spec.decode.SchemaDecoder;
import dev.parley.spec.decode.TextFormat;
import dev.parley.testing.Property;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Variable-length integers and checksums (SPEC.md 13.11, 13.12) through generated code, the runtime
 * and the interpreter, on the two schemas of {@code valid/bodies} that use them: {@code
 * varints_checksums.parley} in Parley's own frame and {@code device.parley} in a declared,
 * little-endian one. Varints of every length round trip with their exact bytes, and the longer
 * and non-minimal forms are refused; checksums have their known check values, and any bit flipped
 * in their span or in themselves is refused, naming both values; random messages and corrupted
 * frames read alike in the generated decoders and the interpreter. Property failures print the
 * seed ({@code -Dparley.seed=N} replays).
 */
class VarintsChecksumsTest {

  private static final Path BODIES = TestSchemas.validCorpus().resolve("bodies");
  static final Schema SCHEMA = TestSchemas.load(BODIES.resolve("varints_checksums.parley"),
      BODIES.resolve("device.parley"));
  static final ClassLoader LOADER = TestSchemas.compile(SCHEMA, "parley-varints-checksums");

  static final SchemaFile VARINTS = file("bodies.varints");
  static final SchemaFile DEVICE = file("bodies.device");
  static final Protocol<Object> NATIVE = protocol(VARINTS);
  static final Protocol<Object> FRAMED = protocol(DEVICE);

  private static final HexFormat HEX = HexFormat.of();

  private static SchemaFile file(String packageName) {
    return SCHEMA.files().stream().filter(f -> f.packageName().equals(packageName)).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  static Protocol<Object> protocol(SchemaFile file) {
    try {
      return (Protocol<Object>) LOADER.loadClass(JavaTypes.protocolClass(file).reflectionName())
          .getField("INSTANCE").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new record of message {@code name} of {@code file}: its constructor's exceptions as they are. */
  private static Object message(SchemaFile file, String name, Object... components) {
    try {
      Class<?> type = LOADER.loadClass(file.javaPackage() + "." + name);
      Class<?>[] types = Stream.of(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
      return type.getDeclaredConstructor(types).newInstance(components);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object random(SchemaFile file, String name, RandomGenerator rnd, int size) {
    return call(generator(file, "random" + name, RandomGenerator.class, int.class), rnd, size);
  }

  private static Method generator(SchemaFile file, String name, Class<?>... parameters) {
    try {
      return LOADER.loadClass(GeneratorsGenerator.generatorsClass(file).reflectionName()).getMethod(name, parameters);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
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

  /** What the protocol writes for {@code message}: a body of Parley's own frame, a whole declared frame. */
  private static byte[] encode(Protocol<Object> protocol, Object message) {
    ByteBuffer out = ByteBuffer.allocate(protocol.encodedSize(message));
    protocol.encode(message, out);
    assertEquals(out.capacity(), out.position(), () -> "encodedSize of " + message);
    return out.array();
  }

  /** The whole frame of {@code message}: for Parley's own frame, its u32 length prefix, then the body. */
  private static byte[] frame(Protocol<Object> protocol, Object message) {
    return protocol == NATIVE ? prefixed(encode(protocol, message)) : encode(protocol, message);
  }

  private static byte[] prefixed(byte[] body) {
    assertEquals(4, NATIVE.frameFormat().lengthSize());
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The unsigned LEB128 bytes of {@code value}, written here without the runtime. */
  static byte[] leb128(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long rest = value;
    do {
      int group = (int) (rest & 0x7F);
      rest >>>= 7;
      out.write(rest != 0 ? group | 0x80 : group);
    } while (rest != 0);
    return out.toByteArray();
  }

  // ---- Varints ------------------------------------------------------------------------------

  /** Widths's components, all 0: v1 to v4 and z4 are ints, the others longs. */
  private static Object[] zeroWidths() {
    Object[] components = new Object[12];
    for (int i = 0; i < components.length; i++) {
      components[i] = i < 4 || i == 10 ? (Object) 0 : (Object) 0L;
    }
    return components;
  }

  /** A body of Widths whose field {@code field} (0 to 11) has the bytes {@code written}, every other 0x00. */
  private static byte[] widthsBody(int field, byte[] written) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0, 1});
    for (int i = 0; i < 12; i++) {
      body.writeBytes(i == field ? written : new byte[] {0});
    }
    return body.toByteArray();
  }

  @Test
  void varintsOfEveryLengthFromOneToTenRoundTripWithTheirExactBytes() throws Exception {
    int checked = 0;
    for (int n = 1; n <= 10; n++) {
      for (int length = 1; length <= n; length++) {
        long least = length == 1 ? 0 : 1L << 7 * (length - 1);
        long greatest = length == 10 ? -1L : (1L << 7 * length) - 1;
        for (long value : new long[] {least, greatest}) {
          byte[] bytes = leb128(value);
          assertEquals(length, bytes.length, "varint of " + Long.toUnsignedString(value));
          Object[] components = zeroWidths();
          components[n - 1] = n <= 4 ? (Object) (int) value : (Object) value;
          Object message = message(VARINTS, "Widths", components);
          String what = "varint<" + n + "> " + Long.toUnsignedString(value);
          assertArrayEquals(widthsBody(n - 1, bytes), encode(NATIVE, message), what);
          assertEquals(message, NATIVE.decode(ByteBuffer.wrap(widthsBody(n - 1, bytes))), what);
          assertAgreesNative(message, interpret(VARINTS, prefixed(widthsBody(n - 1, bytes))), what);
          checked++;
        }
      }
    }
    assertEquals(110, checked);
  }

  @Test
  void aVarintOneByteLongerThanItsMostIsRefusedAtItsFirstByte() throws Exception {
    for (int n = 1; n <= 10; n++) {
      byte[] tooLong = new byte[n + 1];
      java.util.Arrays.fill(tooLong, 0, n, (byte) 0x80);
      tooLong[n] = 1;
      byte[] body = widthsBody(n - 1, tooLong);
      MalformedFrameException e = assertThrows(MalformedFrameException.class,
          () -> NATIVE.decode(ByteBuffer.wrap(body)));
      assertEquals("Widths.v" + n, e.path());
      assertEquals("varint longer than its " + n + (n == 1 ? " byte" : " bytes"), e.problem());
      assertEquals(2 + n - 1, e.offset(), "the varint's first byte");
      assertRefusedAlike(VARINTS, NATIVE, prefixed(body), "varint<" + n + "> of " + (n + 1) + " bytes");
    }
  }

  @Test
  void aVarintWithALastByteOfZeroAfterTheFirstIsRefusedAsNonMinimal() throws Exception {
    int checked = 0;
    for (int n = 2; n <= 10; n++) {
      for (int length = 2; length <= n; length++) {
        // 1 in `length` bytes: 0x81, then 0x80 until the last, 0x00.
        byte[] padded = new byte[length];
        padded[0] = (byte) 0x81;
        java.util.Arrays.fill(padded, 1, length - 1, (byte) 0x80);
        byte[] body = widthsBody(n - 1, padded);
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
            () -> NATIVE.decode(ByteBuffer.wrap(body)));
        assertEquals("non-minimal varint: " + length + " bytes where 1 suffices", e.problem());
        assertEquals(2 + n - 1, e.offset());
        assertRefusedAlike(VARINTS, NATIVE, prefixed(body), "1 in " + length + " bytes");
        checked++;
      }
    }
    assertEquals(45, checked);
  }

  @Test
  void valuesOutsideAVarintsRangeAreRefusedAtConstruction() {
    for (int n = 1; n <= 9; n++) {
      long first = 1L << 7 * n; // the first value of n + 1 bytes; for 9, bit 63, a negative long
      Object[] over = zeroWidths();
      over[n - 1] = n <= 4 ? (Object) (int) first : (Object) first;
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> message(VARINTS, "Widths", over));
      assertEquals(n == 9
              ? "v9 is " + Long.MIN_VALUE + ", outside what a 9-byte varint carries (0 to " + Long.MAX_VALUE + ")"
              : "v" + n + " is " + first + ", more than a " + n + "-byte varint carries (" + (first - 1) + ")",
          e.getMessage());
      Object[] negative = zeroWidths();
      negative[n - 1] = n <= 4 ? (Object) (-1) : (Object) (-1L);
      e = assertThrows(IllegalArgumentException.class, () -> message(VARINTS, "Widths", negative));
      assertEquals("v" + n + " is -1, outside what a " + n + "-byte varint carries (0 to " + (first - 1) + ")",
          e.getMessage());
    }
    for (long value : new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}) {
      Object[] all = zeroWidths();
      all[9] = value; // varint<10>: every long, a negative one as unsigned
      all[11] = value; // zigzag<10>: every long
      message(VARINTS, "Widths", all);
    }
    for (int value : new int[] {1 << 27, -(1 << 27) - 1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> message(VARINTS, "Delta", value));
      assertEquals("value is " + value + ", outside what a 4-byte zigzag varint carries (-134217728 to 134217727)",
          e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> message(VARINTS, "Prefixed",
        "", Bytes.empty(), List.of(0, 1 << 27), List.of(), Optional.empty()));
    assertEquals("deltas[1] is 134217728, outside what a 4-byte zigzag varint carries (-134217728 to 134217727)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> message(VARINTS, "Prefixed",
        "", Bytes.empty(), List.of(), List.of("x".repeat(128)), Optional.empty()));
    assertEquals("tags[0] takes 128 bytes of UTF-8, more than its varint<1> length allows (127)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> message(VARINTS, "Prefixed",
        "", Bytes.empty(), List.of(), java.util.Collections.nCopies(16384, ""), Optional.empty()));
    assertEquals("tags has 16384 elements, more than its varint<2> count allows (16383)", e.getMessage());
    message(VARINTS, "Prefixed", "", Bytes.empty(), List.of(), java.util.Collections.nCopies(16383, "x".repeat(127)),
        Optional.of(List.of(-1L)));
  }

  @Test
  void zigzagMapsSmallMagnitudesToFewBytesUpToTheEdgesOfItsRange() throws Exception {
    Map<Integer, String> delta = new java.util.LinkedHashMap<>();
    delta.put(0, "00");
    delta.put(-1, "01");
    delta.put(1, "02");
    delta.put(-2, "03");
    delta.put(63, "7e");
    delta.put(-64, "7f");
    delta.put(64, "8001");
    delta.put(134217727, "feffff7f");
    delta.put(-134217728, "ffffff7f");
    for (Map.Entry<Integer, String> e : delta.entrySet()) {
      Object message = message(VARINTS, "Delta", e.getKey());
      byte[] body = concat(HEX.parseHex("000a"), HEX.parseHex(e.getValue()));
      assertArrayEquals(body, encode(NATIVE, message), "zigzag<4> " + e.getKey());
      assertEquals(message, NATIVE.decode(ByteBuffer.wrap(body)));
      assertAgreesNative(message, interpret(VARINTS, prefixed(body)), "zigzag<4> " + e.getKey());
    }
    Map<Long, String> wide = Map.of(Long.MIN_VALUE, "ffffffffffffffffff01", Long.MAX_VALUE, "feffffffffffffffff01",
        -1L, "01", 0L, "00");
    for (Map.Entry<Long, String> e : wide.entrySet()) {
      Object[] components = zeroWidths();
      components[11] = e.getKey();
      Object message = message(VARINTS, "Widths", components);
      byte[] body = widthsBody(11, HEX.parseHex(e.getValue()));
      assertArrayEquals(body, encode(NATIVE, message), "zigzag<10> " + e.getKey());
      assertEquals(message, NATIVE.decode(ByteBuffer.wrap(body)));
    }
  }

  /** The rows of SPEC.md 13.11's tables: a type, a value and its bytes; a type, bytes and the refusal. */
  private static final Pattern ENCODED = Pattern.compile("\\| `((?:varint|zigzag)<\\d+>)` \\| (-?\\d+) \\| `([0-9a-f ]+)` \\|");
  private static final Pattern REFUSED = Pattern.compile("\\| `((?:varint|zigzag)<\\d+>)` \\| `([0-9a-f ]+)` \\| `([^`]+)`");

  @Test
  void specVarintExamplesAreWhatTheCodecsWriteAndRefuse() throws Exception {
    String section = specSection("### 13.11 ");
    Map<String, String> messages = Map.of("varint<4>", "Count", "zigzag<4>", "Delta", "varint<10>", "Wide");
    Map<String, Integer> ids = Map.of("Count", 9, "Delta", 10, "Wide", 11);
    int encoded = 0;
    int refused = 0;
    for (String line : section.split("\n")) {
      Matcher row = ENCODED.matcher(line);
      Matcher refusal = REFUSED.matcher(line);
      if (row.lookingAt()) {
        String name = messages.get(row.group(1));
        long value = new BigInteger(row.group(2)).longValue();
        Object message = message(VARINTS, name, row.group(1).equals("varint<10>") ? (Object) value : (Object) (int) value);
        byte[] body = concat(new byte[] {0, (byte) (int) ids.get(name)}, HEX.parseHex(row.group(3).replace(" ", "")));
        assertArrayEquals(body, encode(NATIVE, message), line);
        assertEquals(message, NATIVE.decode(ByteBuffer.wrap(body)), line);
        encoded++;
      } else if (refusal.lookingAt()) {
        String name = messages.get(refusal.group(1));
        byte[] body = concat(new byte[] {0, (byte) (int) ids.get(name)}, HEX.parseHex(refusal.group(2).replace(" ", "")));
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
            () -> NATIVE.decode(ByteBuffer.wrap(body)), line);
        assertEquals(refusal.group(3), e.problem(), line);
        assertEquals(name + ".value", e.path(), line);
        assertEquals(2, e.offset(), line);
        assertRefusedAlike(VARINTS, NATIVE, prefixed(body), line);
        refused++;
      }
    }
    assertEquals(13, encoded, "encodings in SPEC.md 13.11");
    assertEquals(5, refused, "refusals in SPEC.md 13.11");
  }

  // ---- Checksums ----------------------------------------------------------------------------

  private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

  @Test
  void theChecksumsOf123456789AreTheCheckValuesOfCrc32AndCrc32c() throws ProtocolException {
    Object vector = message(VARINTS, "Vector", Bytes.of(CHECK));
    assertArrayEquals(HEX.parseHex("0006313233343536373839cbf43926"), encode(NATIVE, vector));
    Object castagnoli = message(VARINTS, "VectorC", Bytes.of(CHECK));
    assertArrayEquals(HEX.parseHex("0007313233343536373839e3069283"), encode(NATIVE, castagnoli));
    assertEquals(vector, NATIVE.decode(ByteBuffer.wrap(encode(NATIVE, vector))));
    assertEquals(castagnoli, NATIVE.decode(ByteBuffer.wrap(encode(NATIVE, castagnoli))));
  }

  @Test
  void specChecksumExamplesAreWholeFramesOfTheirLayouts() throws Exception {
    List<String> blocks = new ArrayList<>();
    String[] lines = specSection("### 13.12 ").split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].equals("```") && lines[i + 1].matches("[0-9a-f ]+")) {
        blocks.add(lines[i + 1].replace(" ", ""));
        i++;
      }
    }
    assertEquals(2, blocks.size(), "hex blocks in SPEC.md 13.12");
    assertWholeFrame(VARINTS, NATIVE, HEX.parseHex(blocks.get(0)), message(VARINTS, "Vector", Bytes.of(CHECK)));
    assertWholeFrame(DEVICE, FRAMED, HEX.parseHex(blocks.get(1)), message(DEVICE, "Reading", 1, -1));
  }

  /** {@code frame} is the frame of {@code message}: written so, cut whole, read back by both decoders. */
  private static void assertWholeFrame(SchemaFile file, Protocol<Object> protocol, byte[] frame, Object message)
      throws Exception {
    assertArrayEquals(frame, frame(protocol, message), "the frame of " + message);
    FrameReader reader = new FrameReader(protocol.frameFormat());
    reader.feed(ByteBuffer.wrap(frame));
    ByteBuffer cut = reader.nextFrame();
    assertEquals(frame.length - protocol.frameFormat().bodyOffset(), cut.remaining(), "one whole frame");
    assertNull(reader.nextFrame());
    assertEquals(message, protocol.decode(cut));
    assertAgrees(file, message, interpret(file, frame), file.path().getFileName().toString());
  }

  /** A message of each file that ends with a checksum, and the frame offset where its span starts. */
  private record Checksummed(SchemaFile file, String name, int spanStart, boolean crc32c) {
    Protocol<Object> protocol() {
      return file == VARINTS ? NATIVE : FRAMED;
    }
  }

  private static final List<Checksummed> CHECKSUMMED = List.of(
      new Checksummed(VARINTS, "Stamped", 4, false), // the body, from the type id after the u32 prefix
      new Checksummed(VARINTS, "Castagnoli", 4, true),
      new Checksummed(VARINTS, "Keyed", 4 + 2 + 2 + 1, false), // from key, after type id, kind and key_length
      new Checksummed(VARINTS, "Vector", 4 + 2, false),
      new Checksummed(VARINTS, "VectorC", 4 + 2, true),
      new Checksummed(DEVICE, "Reading", 0, false), // the frame
      new Checksummed(DEVICE, "Log", 5, true), // the body, after the 5-byte header
      new Checksummed(DEVICE, "Block", 5 + 1, false)); // from data, after flags

  private static final Pattern MISMATCH =
      Pattern.compile("checksum mismatch: the frame carries 0x([0-9A-F]{8}), the bytes give 0x([0-9A-F]{8})");

  @TestFactory
  Stream<DynamicTest> everyBitFlippedInTheSpanOrInTheChecksumIsRefusedNamingBothValues() {
    return CHECKSUMMED.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      int[] mismatches = new int[1];
      Property.forAll(c.name() + ": one bit flipped", (rnd, size) -> frame(c.protocol(), random(c.file(), c.name(), rnd, size)))
          .values(20).check(frame -> {
            int checksumAt = frame.length - 4;
            Class<?> type = InterpreterAgreementTest.generatedOutcome(c.protocol(), frame).getClass();
            for (int i = c.spanStart(); i < frame.length; i++) {
              for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = frame.clone();
                flipped[i] ^= (byte) (1 << bit);
                String where = c.name() + ", bit " + bit + " of byte " + i + " of " + HEX.formatHex(frame);
                Object generated = InterpreterAgreementTest.generatedOutcome(c.protocol(), flipped);
                if (i == typeIdAt(c.file()) || i == typeIdAt(c.file()) + typeIdSize(c.file()) - 1) {
                  // Another message's type id: the frame is read as that one, with that one's checksum
                  // or none, so it may pass, but never as this message.
                  assertSameOutcome(c.file(), generated,
                      InterpreterAgreementTest.interpretedOutcome(SchemaDecoder.of(c.file()), flipped), where);
                  assertTrue(generated instanceof ProtocolException || generated.getClass() != type, where);
                  continue;
                }
                assertInstanceOf(ProtocolException.class, generated, where);
                assertRefusedAlike(c.file(), c.protocol(), flipped, where);
                Matcher m = generated instanceof MalformedFrameException e ? MISMATCH.matcher(e.problem()) : null;
                boolean inChecksum = i >= checksumAt;
                assertTrue(!inChecksum || (m != null && m.matches()), () -> where + ": " + generated);
                if (m != null && m.matches()) {
                  // Where the decoder read the checksum: a flip in a length before it may move it.
                  int at = (int) ((MalformedFrameException) generated).offset() + c.protocol().frameFormat().bodyOffset();
                  assertTrue(!inChecksum || at == checksumAt, where);
                  ByteBuffer carried = ByteBuffer.wrap(flipped, at, 4).order(order(c.file()));
                  assertEquals(Integer.toUnsignedLong(carried.getInt()), Long.parseLong(m.group(1), 16), where);
                  assertEquals(checksum(c.crc32c(), flipped, c.spanStart(), at), Long.parseLong(m.group(2), 16), where);
                  mismatches[0]++;
                }
              }
            }
          });
      assertTrue(mismatches[0] > 0);
    }));
  }

  @Test
  void aBitFlippedBeforeAFieldSpanIsNotCovered() throws ProtocolException {
    Object keyed = message(VARINTS, "Keyed", 7, "k", Bytes.of(new byte[] {1, 2}));
    byte[] body = encode(NATIVE, keyed);
    body[3] ^= 1; // kind, before key, where crc32<key> starts
    assertEquals(message(VARINTS, "Keyed", 6, "k", Bytes.of(new byte[] {1, 2})), NATIVE.decode(ByteBuffer.wrap(body)));
  }

  @Test
  void bytesAfterAChecksumAreRefusedNotSkipped() throws Exception {
    byte[] stamped = encode(NATIVE, message(VARINTS, "Stamped", 300, "hi"));
    byte[] longer = concat(stamped, new byte[] {0});
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> NATIVE.decode(ByteBuffer.wrap(longer)));
    assertEquals("Stamped.crc: 1 byte after the checksum, which ends the message, at offset " + stamped.length,
        e.getMessage());
    assertRefusedAlike(VARINTS, NATIVE, prefixed(longer), "Stamped and a byte");
    // A checksum over the body: the length, which counts the two bytes, is not in its span.
    byte[] log = encode(FRAMED, message(DEVICE, "Log", 7, "ok"));
    byte[] framed = concat(log, new byte[] {0, 0});
    framed[3] += 2; // the length, little-endian
    e = assertThrows(MalformedFrameException.class, () -> FRAMED.decode(ByteBuffer.wrap(framed)));
    assertEquals("Log.crc: 2 bytes after the checksum, which ends the message, at offset " + log.length,
        e.getMessage());
    assertRefusedAlike(DEVICE, FRAMED, framed, "Log and two bytes");
  }

  @Test
  void aFrameChecksumCoversTheLengthThatTheProtocolWritesLast() {
    byte[] frame = encode(FRAMED, message(DEVICE, "Reading", 1, -1));
    // The magic, the kind, the length 6, little-endian, then sensor 1 and value -1.
    assertEquals("5aa5010600" + "0101", HEX.formatHex(frame, 0, 7));
    long carried = Integer.toUnsignedLong(ByteBuffer.wrap(frame, 7, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    assertEquals(checksum(false, frame, 0, 7), carried, "the CRC-32 of the 7 bytes before it, the length included");
  }

  /** Where a frame's type id is: after Parley's u32 prefix, or in the device's header after its magic. */
  private static int typeIdAt(SchemaFile file) {
    return file == VARINTS ? 4 : 2;
  }

  private static int typeIdSize(SchemaFile file) {
    return file == VARINTS ? 2 : 1;
  }

  private static ByteOrder order(SchemaFile file) {
    return file.options().byteOrder();
  }

  private static long checksum(boolean crc32c, byte[] bytes, int from, int to) {
    Checksum checksum = crc32c ? new CRC32C() : new CRC32();
    checksum.update(bytes, from, to - from);
    return checksum.getValue();
  }

  // ---- Random messages and corrupted frames -------------------------------------------------

  @TestFactory
  Stream<DynamicTest> randomMessagesRoundTripAndTheInterpreterReadsThemAlike() {
    return Stream.of(VARINTS, DEVICE).map(file -> DynamicTest.dynamicTest(file.path().getFileName().toString(), () -> {
      Protocol<Object> protocol = file == VARINTS ? NATIVE : FRAMED;
      Method any = generator(file, "random" + JavaTypes.messageInterface(file).simpleName(), RandomGenerator.class,
          int.class);
      Property.forAll(file.packageName() + ": random messages", (rnd, size) -> {
        List<Object> messages = new ArrayList<>();
        for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
          messages.add(call(any, rnd, size));
        }
        return messages;
      }).check(messages -> {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Object message : messages) {
          byte[] frame = frame(protocol, message);
          assertEquals(message, InterpreterAgreementTest.generatedOutcome(protocol, frame), "decoded again");
          stream.writeBytes(frame);
        }
        CaptureReader reader = new CaptureReader(SchemaDecoder.of(file), new ByteArrayInputStream(stream.toByteArray()));
        for (Object message : messages) {
          DecodedFrame decoded = reader.next().orElseThrow();
          assertEquals(0, decoded.skippedBytes());
          assertAgrees(file, message, decoded, file.packageName());
        }
        assertEquals(Optional.empty(), reader.next());
      });
    }));
  }

  @TestFactory
  Stream<DynamicTest> corruptedFramesAreAcceptedAndRefusedAlikeByTheGeneratedDecoderAndTheInterpreter() {
    return Stream.of(VARINTS, DEVICE).map(file -> DynamicTest.dynamicTest(file.path().getFileName().toString(), () -> {
      Protocol<Object> protocol = file == VARINTS ? NATIVE : FRAMED;
      Method corrupt = generator(file, "corruptFrame", RandomGenerator.class, int.class);
      int[] outcomes = new int[2];
      Property.forAll(file.packageName() + ": corrupted frames", (rnd, size) -> (byte[]) call(corrupt, rnd, size))
          .values(1000).check(frame -> {
            Object generated = InterpreterAgreementTest.generatedOutcome(protocol, frame);
            assertSameOutcome(file, generated, InterpreterAgreementTest.interpretedOutcome(SchemaDecoder.of(file), frame),
                "a corrupted frame " + HEX.formatHex(frame));
            outcomes[generated instanceof ProtocolException ? 1 : 0]++;
          });
      assertTrue(outcomes[0] > 0 && outcomes[1] > 0, () -> "accepted, refused: " + outcomes[0] + ", " + outcomes[1]);
    }));
  }

  @TestFactory
  Stream<DynamicTest> shrinksOfRandomMessagesAreValidMessages() {
    return Stream.of(VARINTS, DEVICE).map(file -> DynamicTest.dynamicTest(file.path().getFileName().toString(), () -> {
      Method any = generator(file, "random" + JavaTypes.messageInterface(file).simpleName(), RandomGenerator.class,
          int.class);
      Class<?> message = LOADER.loadClass(JavaTypes.messageInterface(file).reflectionName());
      Method shrink = generator(file, "shrink" + JavaTypes.messageInterface(file).simpleName(), message);
      Protocol<Object> protocol = file == VARINTS ? NATIVE : FRAMED;
      Property.forAll(file.packageName() + ": shrinks", (rnd, size) -> call(any, rnd, size)).values(100).check(value -> {
        // Each candidate is built by its record's constructor, which checks it, and encodes.
        ((Stream<?>) call(shrink, value)).limit(50).forEach(smaller -> frame(protocol, smaller));
      });
    }));
  }

  // ---- parley decode's output ---------------------------------------------------------------

  @Test
  void theInterpreterShowsAChecksumInHexAndVarintsByTheirJavaType() throws Exception {
    DecodedFrame vector = interpret(VARINTS, frame(NATIVE, message(VARINTS, "Vector", Bytes.of(CHECK))));
    assertTrue(TextFormat.format(vector).contains("\n  crc = 0xcbf43926 (crc32<data>, verified)\n"),
        TextFormat.format(vector));
    assertTrue(JsonFormat.format(vector).endsWith(",\"crc\":3421780262}}"), JsonFormat.format(vector));
    Object[] components = zeroWidths();
    components[3] = 268435455;
    components[9] = -1L;
    components[10] = -134217728;
    DecodedFrame widths = interpret(VARINTS, frame(NATIVE, message(VARINTS, "Widths", components)));
    String text = TextFormat.format(widths);
    assertTrue(text.contains("\n  v4 = 268435455\n") && text.contains("\n  v10 = 18446744073709551615\n")
        && text.contains("\n  z4 = -134217728\n"), text);
    String json = JsonFormat.format(widths);
    assertTrue(json.contains("\"v4\":268435455,") && json.contains("\"v5\":\"0\",")
        && json.contains("\"v10\":\"18446744073709551615\",") && json.contains("\"z4\":-134217728,"), json);
  }

  // ---- Agreement ----------------------------------------------------------------------------

  private static DecodedFrame interpret(SchemaFile file, byte[] frame) throws Exception {
    return new CaptureReader(SchemaDecoder.of(file), new ByteArrayInputStream(frame)).next().orElseThrow();
  }

  private static void assertAgreesNative(Object message, DecodedFrame frame, String where) {
    assertAgrees(VARINTS, message, frame, where);
  }

  /**
   * The decoded frame is the message: its application header fields, then the fields that are
   * record components; the sizes kept in fields and the checksum are not (SPEC.md 13.3, 13.12).
   */
  static void assertAgrees(SchemaFile file, Object message, DecodedFrame frame, String where) {
    FrameLayoutsTest.assertAgrees(file, message, frame, where);
  }

  /** The generated decoder and the interpreter refuse {@code frame} alike. */
  private static void assertRefusedAlike(SchemaFile file, Protocol<Object> protocol, byte[] frame, String where)
      throws Exception {
    Object generated = InterpreterAgreementTest.generatedOutcome(protocol, frame);
    assertInstanceOf(ProtocolException.class, generated, where);
    assertSameOutcome(file, generated, InterpreterAgreementTest.interpretedOutcome(SchemaDecoder.of(file), frame),
        where);
  }

  /** Both accepted the frame as the same message, or refused it for the same reason at the same place. */
  private static void assertSameOutcome(SchemaFile file, Object generated, Object interpreted, String where) {
    if (!(generated instanceof ProtocolException) && interpreted instanceof DecodedFrame decoded) {
      assertAgrees(file, generated, decoded, where);
    } else if (generated instanceof MalformedFrameException g && interpreted instanceof DecodeException i
        && i.kind() == DecodeException.Kind.TOO_LONG) {
      // A header the frame reader cannot frame: refused by both before anything is decoded.
      assertEquals(g.path(), i.path(), where);
      assertEquals(g.problem(), i.problem(), where);
    } else {
      InterpreterAgreementTest.assertSameOutcome(generated, interpreted, where);
    }
  }

  private static String specSection(String heading) throws Exception {
    String spec = Files.readString(TestSchemas.specFile());
    int start = spec.indexOf("\n" + heading);
    assertTrue(start >= 0, heading);
    int end = spec.indexOf("\n#", start + 1);
    return spec.substring(start + 1, end < 0 ? spec.length() : end);
  }
}
