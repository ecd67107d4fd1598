package dev.parley.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The primitives of existing protocols' bodies: NUL-terminated strings, sizes given by an earlier
 * field, signed and nullable prefixes, checksums over a span and bit fields. Each read runs on
 * every kind of buffer a transport may hand a decoder.
 */
class WireBodyEncodingsTest {

  private static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  /** A buffer holding {@code bytes} from position 3 to its limit, with garbage (and NULs) before and after. */
  private record Kind(String name, Function<byte[], ByteBuffer> make) {
    ByteBuffer of(byte[] bytes) {
      return make.apply(bytes);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final int AT = 3;

  private static byte[] framed(byte[] bytes) {
    byte[] all = new byte[AT + bytes.length + 9];
    System.arraycopy(bytes, 0, all, AT, bytes.length);
    return all; // zeros before and after: a scan past either end would find a NUL
  }

  private static final List<Kind> KINDS = List.of(
      new Kind("heap", b -> ByteBuffer.wrap(framed(b)).position(AT).limit(AT + b.length)),
      new Kind("heap slice", b -> {
        // A non-zero arrayOffset: positions count from the slice, the array from its own start.
        ByteBuffer whole = ByteBuffer.wrap(framed(framed(b)));
        ByteBuffer slice = whole.position(AT).slice();
        return slice.position(AT).limit(AT + b.length);
      }),
      new Kind("direct", b -> direct(b, ByteOrder.BIG_ENDIAN)),
      new Kind("direct little-endian", b -> direct(b, ByteOrder.LITTLE_ENDIAN)),
      new Kind("read-only", b -> ByteBuffer.wrap(framed(b)).asReadOnlyBuffer().position(AT).limit(AT + b.length)));

  private static ByteBuffer direct(byte[] bytes, ByteOrder order) {
    byte[] all = framed(bytes);
    ByteBuffer direct = ByteBuffer.allocateDirect(all.length).order(order).put(all);
    return direct.position(AT).limit(AT + bytes.length);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static String message(Executable read) {
    return assertThrows(MalformedFrameException.class, read).getMessage();
  }

  // ---- NUL-terminated strings ---------------------------------------------------------------

  @Test
  void anEmptyCStringIsItsTerminatorAlone() throws MalformedFrameException {
    for (Kind kind : KINDS) {
      ByteBuffer in = kind.of(bytes(0));
      assertEquals("", Wire.cstring(in, "s"), kind.name());
      assertEquals(AT + 1, in.position(), kind.name());
    }
  }

  @Test
  void findsTheFirstNulAtEveryPositionWithinAndAcrossWords() throws MalformedFrameException {
    // 0x01 and 0x80 (in U+0080, C2 80) are bytes a careless word-at-a-time search mistakes for a NUL.
    String[] filler = {"\u0001", "a", "\u0080"};
    for (Kind kind : KINDS) {
      for (int length = 0; length <= 40; length++) {
        StringBuilder expected = new StringBuilder();
        for (int i = 0, bytes = 0; bytes < length; i++) {
          String next = filler[i % 3].equals("\u0080") && bytes + 2 > length ? "a" : filler[i % 3];
          expected.append(next);
          bytes += next.getBytes(StandardCharsets.UTF_8).length;
        }
        byte[] bytes = (expected + "\0z\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = kind.of(bytes);
        assertEquals(expected.toString(), Wire.cstring(in, "s"), kind + " " + length);
        assertEquals(AT + length + 1, in.position(), kind + " " + length);
        assertEquals("z", Wire.cstring(in, "s"), kind + " " + length);
      }
    }
  }

  @Test
  void aTerminatorAtTheLastByteIsFound() throws MalformedFrameException {
    byte[] bytes = "\u00e9t\u00e9 abcdefgh\0".getBytes(StandardCharsets.UTF_8);
    for (Kind kind : KINDS) {
      ByteBuffer in = kind.of(bytes);
      assertEquals("\u00e9t\u00e9 abcdefgh", Wire.cstring(in, "s"), kind.name());
      assertEquals(in.limit(), in.position(), kind.name());
    }
  }

  /**
   * A NUL at the last byte is where a last field's string ends, which {@code lastCString} reads
   * with the prefixed string's decoder; a NUL before it still ends the string there, and the bytes
   * between need not be UTF-8, since they are not the string's.
   */
  @Test
  void aNulBeforeALastByteNulEndsTheStringThere() throws MalformedFrameException {
    for (Kind kind : KINDS) {
      ByteBuffer in = kind.of(bytes('a', 'b', 0, 'c', 0));
      assertEquals("ab", Wire.lastCString(in, "s"), kind.name());
      assertEquals(AT + 3, in.position(), kind.name());
      ByteBuffer invalidAfter = kind.of(bytes('a', 0, 0xFF, 0xFE, 0));
      assertEquals("a", Wire.lastCString(invalidAfter, "s"), kind.name());
      assertEquals(AT + 2, invalidAfter.position(), kind.name());
      assertEquals("ab", Wire.cstring(kind.of(bytes('a', 'b', 0, 'c', 0)), "s"), kind.name());
      ByteBuffer last = kind.of(bytes('a', 'b', 0));
      assertEquals("ab", Wire.lastCString(last, "s"), kind.name());
      assertEquals(AT + 3, last.position(), kind.name());
      ByteBuffer invalidBefore = kind.of(bytes('a', 0xFF, 'b', 0));
      assertEquals("s: malformed UTF-8 (byte 0xff), at offset " + (AT + 1), message(() -> Wire.lastCString(invalidBefore, "s")),
          kind.name());
    }
  }

  @Test
  void aCStringWithoutTerminatorBeforeTheLimitIsRefusedAtItsStart() {
    for (Kind kind : KINDS) {
      // The byte after the limit is a NUL (see framed): it must not be found.
      ByteBuffer in = kind.of("abcdefghijk".getBytes(StandardCharsets.US_ASCII));
      assertEquals("name: string has no NUL terminator in the 11 bytes left, at offset 3",
          message(() -> Wire.cstring(in, "name")), kind.name());
      assertEquals(AT, in.position(), kind.name());
      ByteBuffer empty = kind.of(new byte[0]);
      assertEquals("name: string has no NUL terminator in the 0 bytes left, at offset 3",
          message(() -> Wire.cstring(empty, "name")), kind.name());
    }
  }

  @Test
  void aStringThatIsNotAllAsciiIsDecodedToItsNul() throws MalformedFrameException {
    for (Kind kind : KINDS) {
      for (int ascii = 0; ascii <= 20; ascii++) {
        // ASCII, then a two-byte char, then ASCII across words; after the NUL, bytes that are not UTF-8.
        String value = "a".repeat(ascii) + "\u00e9" + "bcdefghijk";
        ByteBuffer out = ByteBuffer.allocate(Wire.cstringSize(value) + 2);
        Wire.putCString(out, value);
        out.put((byte) 0xFF).put((byte) 0xC3);
        ByteBuffer in = kind.of(out.array());
        assertEquals(value, Wire.cstring(in, "s"), kind + " " + ascii);
        assertEquals(AT + out.capacity() - 2, in.position(), kind + " " + ascii);
        ByteBuffer cut = kind.of(Arrays.copyOf(out.array(), out.capacity() - 3));
        assertEquals("s: string has no NUL terminator in the " + (out.capacity() - 3) + " bytes left, at offset 3",
            message(() -> Wire.cstring(cut, "s")), kind + " " + ascii);
      }
    }
  }

  @Test
  void malformedUtf8BeforeTheNulIsRefusedWhereItIs() {
    for (Kind kind : KINDS) {
      ByteBuffer in = kind.of(bytes('a', 'b', 0xC3, 0x28, 0));
      assertEquals("s: malformed UTF-8 (byte 0xc3), at offset 5", message(() -> Wire.cstring(in, "s")), kind.name());
    }
  }

  @Test
  void cStringsRoundTripWithTheirSize() throws MalformedFrameException {
    for (String value : List.of("", "a", "h\u00e9llo \u20ac \ud834\udd1e", "x".repeat(1000))) {
      ByteBuffer out = ByteBuffer.allocate(Wire.cstringSize(value));
      Wire.putCString(out, value);
      assertEquals(0, out.remaining(), value);
      assertEquals(0, out.get(out.limit() - 1));
      assertEquals(value, Wire.cstring(out.flip(), "s"));
      assertEquals(0, out.remaining());
    }
  }

  @Test
  void aNulInsideAStringIsRefusedWhenTheRecordIsMade() {
    assertEquals("ok", Wire.checkCString("ok", "user"));
    assertEquals("user contains a NUL character at index 2, which would end it on the wire",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkCString("ab\0c", "user")).getMessage());
    assertEquals("options[1] contains a NUL character at index 0, which would end it on the wire",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkCString("\0", "options", 1)).getMessage());
    assertEquals("user", assertThrows(NullPointerException.class, () -> Wire.checkCString(null, "user")).getMessage());
    assertEquals("options[3]",
        assertThrows(NullPointerException.class, () -> Wire.checkCString(null, "options", 3)).getMessage());
    // An unpaired surrogate is refused as a string's is: when it is sized or encoded.
    assertThrows(IllegalArgumentException.class, () -> Wire.cstringSize("a\ud800"));
  }

  @Test
  void randomCStringsRoundTripOnEveryKindOfBuffer() throws MalformedFrameException {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int run = 0, runs = Math.max(5_000, Integer.getInteger("parley.values", 0)); run < runs; run++) {
      StringBuilder value = new StringBuilder();
      for (int i = 0, n = rnd.nextInt(rnd.nextBoolean() ? 8 : 80); i < n; i++) {
        int cp = switch (rnd.nextInt(4)) {
          case 0 -> 1 + rnd.nextInt(0x7F);
          case 1 -> 0x80 + rnd.nextInt(0x800 - 0x80);
          case 2 -> rnd.nextBoolean() ? 0x800 + rnd.nextInt(0xD800 - 0x800) : 0xE000 + rnd.nextInt(0x2000);
          default -> 0x10000 + rnd.nextInt(0x100000);
        };
        value.appendCodePoint(cp);
      }
      String s = value.toString();
      Wire.checkCString(s, "s");
      // Then anything: more NULs, bytes that are not UTF-8, or nothing, which must not matter.
      int after = rnd.nextInt(12);
      ByteBuffer out = ByteBuffer.allocate(Wire.cstringSize(s) + after);
      Wire.putCString(out, s);
      while (out.hasRemaining()) {
        out.put((byte) rnd.nextInt(256));
      }
      byte[] wire = out.array();
      Kind kind = KINDS.get(rnd.nextInt(KINDS.size()));
      ByteBuffer in = kind.of(wire);
      String where = "run " + run + " on " + kind + "; rerun with -Dparley.seed=" + seed;
      assertEquals(s, Wire.cstring(in, "s"), where);
      assertEquals(AT + wire.length - after, in.position(), where);
    }
  }

  // ---- Sizes given by an earlier field -------------------------------------------------------

  @Test
  void aSizeFromAnEarlierFieldIsBoundedByTheBytesLeft() throws MalformedFrameException {
    ByteBuffer in = ByteBuffer.wrap(new byte[10]).position(7);
    assertEquals(0, Wire.sized(in, 0, "data", 2));
    assertEquals(3, Wire.sized(in, 3, "data", 2));
    assertEquals("data: length 4 exceeds the 3 bytes left, at offset 2", message(() -> Wire.sized(in, 4, "data", 2)));
    assertEquals("data: length -2 is negative, at offset 2", message(() -> Wire.sized(in, -2, "data", 2)));
    assertEquals("data: length 9223372036854775807 exceeds the 3 bytes left, at offset 2",
        message(() -> Wire.sized(in, Long.MAX_VALUE, "data", 2)));
    assertEquals(7, in.position(), "a check moves nothing");
  }

  @Test
  void aCountFromAnEarlierFieldIsBoundedByTheBytesLeft() throws MalformedFrameException {
    ByteBuffer in = ByteBuffer.wrap(new byte[12]);
    assertEquals(0, Wire.counted(in, 0, 4, "rows", 1));
    assertEquals(3, Wire.counted(in, 3, 4, "rows", 1));
    assertEquals("rows: count 4 of elements of at least 4 bytes exceeds the 12 bytes left, at offset 1",
        message(() -> Wire.counted(in, 4, 4, "rows", 1)));
    assertEquals("rows: count -1 is negative, at offset 1", message(() -> Wire.counted(in, -1, 4, "rows", 1)));
    // Where count * minElementSize would overflow a long.
    assertEquals("rows: count 4611686018427387904 of elements of at least 4 bytes exceeds the 12 bytes left, at"
        + " offset 1", message(() -> Wire.counted(in, 1L << 62, 4, "rows", 1)));
    assertEquals("rows: count 2147483648 exceeds the largest list (2147483647), at offset 1",
        message(() -> Wire.counted(in, 1L << 31, 0, "rows", 1)));
  }

  @Test
  void sizedValuesAndTheRestOfTheFrameAreRead() throws MalformedFrameException {
    for (Kind kind : KINDS) {
      ByteBuffer in = kind.of("h\u00e9llo!rest".getBytes(StandardCharsets.UTF_8));
      assertEquals("h\u00e9llo", Wire.stringOf(in, 6, "s"), kind.name());
      assertEquals(Bytes.of((byte) '!'), Wire.bytesOf(in, 1), kind.name());
      assertEquals("rest", Wire.restString(in, "s"), kind.name());
      assertEquals("", Wire.restString(in, "s"), kind.name());
      assertEquals(Bytes.empty(), Wire.restBytes(in), kind.name());
      assertEquals(Bytes.of((byte) 1, (byte) 2), Wire.restBytes(kind.of(bytes(1, 2))), kind.name());
      assertEquals("s: malformed UTF-8 (byte 0xff), at offset 4",
          message(() -> Wire.restString(kind.of(bytes('a', 0xFF)), "s")), kind.name());
    }
  }

  // ---- Signed and nullable prefixes -----------------------------------------------------------

  @Test
  void minusOneIsNullOnlyWhereALengthIsNullable() throws MalformedFrameException {
    for (int width : new int[] {1, 2, 4}) {
      ByteBuffer minusOne = prefixed(width, -1, 2);
      assertEquals(-1, Wire.nullableLength(minusOne, width, "value"), "width " + width);
      assertEquals(width, minusOne.position(), "no bytes follow a null");
      assertEquals("value: length -1 is negative, at offset 0",
          message(() -> Wire.signedLength(prefixed(width, -1, 2), width, "value")));
      assertEquals("value: length -2: only -1, null, may be negative, at offset 0",
          message(() -> Wire.nullableLength(prefixed(width, -2, 2), width, "value")));
      assertEquals("value: length -2 is negative, at offset 0",
          message(() -> Wire.signedLength(prefixed(width, -2, 2), width, "value")));
      assertEquals("cols: count -2 is negative, at offset 0",
          message(() -> Wire.signedCount(prefixed(width, -2, 2), width, 1, "cols")));
      assertEquals(0, Wire.nullableLength(prefixed(width, 0, 0), width, "value"));
      assertEquals(2, Wire.signedLength(prefixed(width, 2, 2), width, "value"));
      assertEquals(2, Wire.signedCount(prefixed(width, 2, 4), width, 2, "cols"));
      assertEquals("value: length 3 exceeds the 2 bytes left, at offset 0",
          message(() -> Wire.nullableLength(prefixed(width, 3, 2), width, "value")));
      assertEquals("cols: count 3 of elements of at least 2 bytes exceeds the 4 bytes left, at offset 0",
          message(() -> Wire.signedCount(prefixed(width, 3, 4), width, 2, "cols")));
      assertEquals("value: need " + width + " byte" + (width == 1 ? "" : "s") + ", 0 left, at offset 0",
          message(() -> Wire.signedLength(ByteBuffer.allocate(0), width, "value")));
    }
    assertThrows(IllegalArgumentException.class, () -> Wire.signedLength(ByteBuffer.allocate(8), 3, "value"));
  }

  @Test
  void theLargestSignedLengthsAreReadInTheBuffersOrder() throws MalformedFrameException {
    assertEquals(127, Wire.signedLength(prefixed(1, 127, 127), 1, "v"));
    assertEquals(32767, Wire.signedLength(prefixed(2, 32767, 32767), 2, "v"));
    ByteBuffer little = ByteBuffer.allocate(2 + 32767).order(ByteOrder.LITTLE_ENDIAN).put(0, (byte) 0xFF)
        .put(1, (byte) 0x7F);
    assertEquals(32767, Wire.nullableLength(little, 2, "v"));
    assertEquals("v: length 2147483647 exceeds the 0 bytes left, at offset 0",
        message(() -> Wire.signedLength(prefixed(4, Integer.MAX_VALUE, 0), 4, "v")));
    assertEquals("v: length -2147483648: only -1, null, may be negative, at offset 0",
        message(() -> Wire.nullableLength(prefixed(4, Integer.MIN_VALUE, 0), 4, "v")));
  }

  /** A big-endian prefix of {@code width} bytes holding {@code value}, then {@code body} zeros. */
  private static ByteBuffer prefixed(int width, int value, int body) {
    ByteBuffer out = ByteBuffer.allocate(width + body);
    Wire.putSignedLength(out, width, value);
    return out.position(0);
  }

  @Test
  void minusOneIsWrittenAsAllOnes() {
    for (int width : new int[] {1, 2, 4}) {
      ByteBuffer out = ByteBuffer.allocate(width);
      Wire.putSignedLength(out, width, -1);
      assertEquals(Bytes.fromHex("ff".repeat(width)), Bytes.of(out.array()));
    }
  }

  @Test
  void signedPrefixesAllowHalfWhatUnsignedOnesDo() {
    String atMax = "x".repeat(32767);
    assertEquals(atMax, Wire.checkSignedString(atMax, 2, "s"));
    assertEquals("s takes 32768 bytes of UTF-8, more than its i16 length allows (32767)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkSignedString(atMax + "x", 2, "s")).getMessage());
    assertEquals(atMax + "x", Wire.checkString(atMax + "x", 2, "s"));
    assertEquals("s[1] takes 128 bytes of UTF-8, more than its i8 length allows (127)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkSignedString("y".repeat(128), 1, "s", 1))
            .getMessage());
    assertEquals("s", assertThrows(NullPointerException.class, () -> Wire.checkSignedString(null, 2, "s")).getMessage());

    Bytes maxBytes = Bytes.of(new byte[32767]);
    assertEquals(maxBytes, Wire.checkSignedBytes(maxBytes, 2, "b"));
    assertEquals("b has 32768 bytes, more than its i16 length allows (32767)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkSignedBytes(Bytes.of(new byte[32768]), 2, "b"))
            .getMessage());
    assertEquals("b[2] has 128 bytes, more than its i8 length allows (127)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkSignedBytes(Bytes.of(new byte[128]), 1, "b", 2))
            .getMessage());
    assertEquals("b has 65536 bytes, more than its u16 length allows (65535)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkBytes(Bytes.of(new byte[65536]), 2, "b"))
            .getMessage());

    List<String> maxList = Collections.nCopies(32767, "t");
    assertEquals(maxList, Wire.checkSignedList(maxList, 2, "l"));
    assertEquals("l has 32768 elements, more than its i16 count allows (32767)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkSignedList(Collections.nCopies(32768, "t"), 2, "l"))
            .getMessage());
    assertEquals("l[0] has 128 elements, more than its i8 count allows (127)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkSignedList(Collections.nCopies(128, "t"), 1, "l", 0))
            .getMessage());
    assertEquals("l has 256 elements, more than its u8 count allows (255)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkList(Collections.nCopies(256, "t"), 1, "l"))
            .getMessage());
  }

  // ---- Checksums ------------------------------------------------------------------------------

  @Test
  void checksumsCoverTheirSpanAndMoveNothing() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    byte[] around = new byte[check.length + 10];
    around[0] = 'x';
    around[around.length - 1] = 'y';
    System.arraycopy(check, 0, around, 4, check.length);
    for (Kind kind : KINDS) {
      ByteBuffer buf = kind.of(around);
      buf.position(buf.position() + 1);
      int position = buf.position();
      int limit = buf.limit();
      int from = AT + 4;
      int to = from + check.length;
      assertEquals(0xCBF43926L, Wire.crc32(buf, from, to), kind.name());
      assertEquals(0xE3069283L, Wire.crc32c(buf, from, to), kind.name());
      assertEquals(0, Wire.crc32(buf, from, from), kind.name());
      assertEquals(position, buf.position(), kind.name());
      assertEquals(limit, buf.limit(), kind.name());
      assertThrows(IndexOutOfBoundsException.class, () -> Wire.crc32(buf, from, limit + 1), kind.name());
      assertThrows(IndexOutOfBoundsException.class, () -> Wire.crc32c(buf, -1, to), kind.name());
      assertThrows(IndexOutOfBoundsException.class, () -> Wire.crc32c(buf, to, from), kind.name());
    }
  }

  @Test
  void aChecksumMismatchShowsBothValuesInFullHex() throws MalformedFrameException {
    Wire.checksum(0xE3069283L, 0xE3069283L, "crc", 12);
    assertEquals("crc: checksum mismatch: the frame carries 0x1234ABCD, the bytes give 0x1234ABCC, at offset 12",
        message(() -> Wire.checksum(0x1234ABCDL, 0x1234ABCCL, "crc", 12)));
    assertEquals("crc: checksum mismatch: the frame carries 0x00000001, the bytes give 0xFFFFFFFF, at offset 0",
        message(() -> Wire.checksum(1, 0xFFFFFFFFL, "crc", 0)));
  }

  // ---- Bit fields -----------------------------------------------------------------------------

  @Test
  void bitFieldsHoldZeroToTheirLargestValueAtEveryWidth() {
    for (int width = 1; width <= 31; width++) {
      int max = (1 << width) - 1;
      assertEquals(0, Wire.checkBits(0, width, "f"));
      assertEquals(max, Wire.checkBits(max, width, "f"));
      int w = width;
      if (width < 31) {
        assertEquals("f is " + (max + 1) + ", more than " + (width == 1 ? "1 bit holds" : width + " bits hold")
            + " (0 to " + max + ")",
            assertThrows(IllegalArgumentException.class, () -> Wire.checkBits(max + 1, w, "f")).getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> Wire.checkBits(-1, w, "f"));
      assertThrows(IllegalArgumentException.class, () -> Wire.checkBits(Integer.MIN_VALUE, w, "f"));
    }
    assertEquals("flags is 17, more than 4 bits hold (0 to 15)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkBits(17, 4, "flags")).getMessage());
    assertEquals("flags[2] is -1, less than 4 bits hold (0 to 15)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkBits(-1, 4, "flags", 2)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Wire.checkBits(0, 0, "f"));
    assertThrows(IllegalArgumentException.class, () -> Wire.checkBits(0, 32, "f"));
  }

  @Test
  void bitsAreTakenFromAnywhereInAWord() {
    long word = 0xF00D_0000_0000_ABCDL;
    assertEquals(0xD, Wire.bitsOf(word, 0, 4));
    assertEquals(0xABC, Wire.bitsOf(word, 4, 12));
    assertEquals(0xF, Wire.bitsOf(word, 60, 4));
    assertEquals(1, Wire.bitsOf(word, 63, 1));
    assertEquals(0xF00D, Wire.bitsOf(word, 48, 16));
    assertEquals(0x0000ABCD, Wire.bitsOf(word, 0, 31));
    assertEquals(0xF00D0000, Wire.bitsOf(word, 32, 32));
  }
}
