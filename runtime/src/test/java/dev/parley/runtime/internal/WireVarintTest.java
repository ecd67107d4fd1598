package dev.parley.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Unsigned LEB128 varints and zigzag: every length, its boundaries, and every way a varint is malformed. */
class WireVarintTest {

  private static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  private static String message(Executable read) {
    return assertThrows(MalformedFrameException.class, read).getMessage();
  }

  /** {@code hex} at position 2 of a buffer that has a byte before and none after it. */
  private static ByteBuffer at2(String hex) {
    byte[] varint = Bytes.fromHex(hex).toByteArray();
    byte[] all = new byte[2 + varint.length];
    System.arraycopy(varint, 0, all, 2, varint.length);
    return ByteBuffer.wrap(all).position(2);
  }

  private static byte[] encoded(long value) {
    ByteBuffer out = ByteBuffer.allocate(10);
    Wire.putUvarint(out, value);
    return Bytes.of(out.array(), 0, out.position()).toByteArray();
  }

  @Test
  void everyLengthRoundTripsAtItsBoundaries() throws MalformedFrameException {
    List<long[]> cases = new ArrayList<>(); // value, its size
    cases.add(new long[] {0, 1});
    for (int n = 1; n <= 9; n++) {
      cases.add(new long[] {(1L << 7 * n) - 1, n}); // the largest of n bytes
      cases.add(new long[] {1L << 7 * n, n + 1}); // the least of n + 1
    }
    cases.add(new long[] {Long.MAX_VALUE, 9});
    cases.add(new long[] {-1L, 10});
    cases.add(new long[] {Long.MIN_VALUE, 10});
    for (long[] c : cases) {
      long value = c[0];
      int size = (int) c[1];
      String what = Long.toUnsignedString(value);
      assertEquals(size, Wire.uvarintSize(value), what);
      byte[] bytes = encoded(value);
      assertEquals(size, bytes.length, what);
      for (int maxBytes = size; maxBytes <= 10; maxBytes++) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        assertEquals(value, Wire.uvarint(in, maxBytes, "v"), what + " in at most " + maxBytes);
        assertEquals(size, in.position(), what);
        assertEquals(value, Wire.checkUvarint(value, maxBytes, "v"), what);
      }
      if (size > 1) {
        int max = size - 1;
        assertEquals("v: varint longer than its " + max + " byte" + (max == 1 ? "" : "s") + ", at offset 0",
            message(() -> Wire.uvarint(ByteBuffer.wrap(bytes), max, "v")), what);
        assertThrows(IllegalArgumentException.class, () -> Wire.checkUvarint(value, max, "v"), what);
      }
    }
    assertEquals(0x7F, Wire.uvarint(at2("7f"), 1, "v"));
    assertEquals(128, Wire.uvarint(at2("8001"), 2, "v"));
    assertEquals(16383, Wire.uvarint(at2("ff7f"), 2, "v"));
    assertEquals(16384, Wire.uvarint(at2("808001"), 3, "v"));
    assertEquals((1 << 28) - 1, Wire.uvarint(at2("ffffff7f"), 4, "v"));
    assertEquals(-1L, Wire.uvarint(at2("ffffffffffffffffff01"), 10, "v"));
  }

  @Test
  void aVarintLongerThanItsMaximumIsRefusedAtItsFirstByte() {
    assertEquals("v: varint longer than its 4 bytes, at offset 2", message(() -> Wire.uvarint(at2("8080808001"), 4, "v")));
    // Refused on the fourth byte: a fifth need not even be there.
    assertEquals("v: varint longer than its 4 bytes, at offset 2", message(() -> Wire.uvarint(at2("80808080"), 4, "v")));
    assertEquals("v: varint longer than its 1 byte, at offset 2", message(() -> Wire.uvarint(at2("8001"), 1, "v")));
    assertEquals("v: varint longer than its 10 bytes, at offset 2",
        message(() -> Wire.uvarint(at2("ffffffffffffffffff8101"), 10, "v")));
    assertThrows(IllegalArgumentException.class, () -> Wire.uvarint(at2("00"), 0, "v"));
    assertThrows(IllegalArgumentException.class, () -> Wire.uvarint(at2("00"), 11, "v"));
  }

  @Test
  void aVarintAbove64BitsIsRefused() {
    assertEquals("v: varint above 64 bits: its tenth byte is 2, more than 1, at offset 2",
        message(() -> Wire.uvarint(at2("ffffffffffffffffff02"), 10, "v")));
    assertEquals("v: varint above 64 bits: its tenth byte is 127, more than 1, at offset 2",
        message(() -> Wire.uvarint(at2("808080808080808080" + "7f"), 10, "v")));
  }

  @Test
  void aVarintLongerThanItsValueNeedsIsRefused() throws MalformedFrameException {
    assertEquals("v: non-minimal varint: 2 bytes where 1 suffices, at offset 2",
        message(() -> Wire.uvarint(at2("8000"), 10, "v")));
    assertEquals("v: non-minimal varint: 3 bytes where 1 suffices, at offset 2",
        message(() -> Wire.uvarint(at2("ff8000"), 10, "v")));
    assertEquals("v: non-minimal varint: 3 bytes where 2 suffice, at offset 2",
        message(() -> Wire.uvarint(at2("808100"), 10, "v")));
    assertEquals(0, Wire.uvarint(at2("00"), 1, "v"), "a single zero byte is zero");
  }

  @Test
  void aVarintCutShortIsRefusedAtItsFirstByte() {
    assertEquals("v: varint cut short: need another byte, 0 left, at offset 2",
        message(() -> Wire.uvarint(at2(""), 10, "v")));
    assertEquals("v: varint cut short: need another byte, 0 left, at offset 2",
        message(() -> Wire.uvarint(at2("80"), 10, "v")));
    assertEquals("v: varint cut short: need another byte, 0 left, at offset 2",
        message(() -> Wire.uvarint(at2("ffffff"), 4, "v")));
    ByteBuffer limited = at2("8001").limit(3);
    assertEquals("v: varint cut short: need another byte, 0 left, at offset 2",
        message(() -> Wire.uvarint(limited, 10, "v")), "the limit ends the frame, not the array");
  }

  @Test
  void aValueIsCheckedAgainstTheVarintThatCarriesIt() {
    assertEquals((1L << 28) - 1, Wire.checkUvarint((1L << 28) - 1, 4, "id"));
    assertEquals("id is 268435456, more than a 4-byte varint carries (268435455)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkUvarint(1L << 28, 4, "id")).getMessage());
    assertEquals("ids[3] is -1, outside what a 9-byte varint carries (0 to 9223372036854775807)",
        assertThrows(IllegalArgumentException.class, () -> Wire.checkUvarint(-1L, 9, "ids", 3)).getMessage());
    assertEquals(-1L, Wire.checkUvarint(-1L, 10, "id"));
    assertThrows(IllegalArgumentException.class, () -> Wire.checkUvarint(0, 11, "id"));
  }

  @Test
  void varintLengthsAndCountsAreBoundedByTheBytesLeft() throws MalformedFrameException {
    ByteBuffer in = ByteBuffer.wrap(Bytes.fromHex("03616263").toByteArray());
    assertEquals(3, Wire.varintLength(in, 5, "s"));
    assertEquals(1, in.position());
    assertEquals("s: length 4 exceeds the 3 bytes left, at offset 0",
        message(() -> Wire.varintLength(ByteBuffer.wrap(Bytes.fromHex("04616263").toByteArray()), 5, "s")));
    assertEquals("s: length 18446744073709551615 exceeds the 0 bytes left, at offset 0",
        message(() -> Wire.varintLength(ByteBuffer.wrap(encoded(-1L)), 10, "s")));
    assertEquals(0, Wire.varintLength(ByteBuffer.wrap(new byte[1]), 1, "s"));

    assertEquals(2, Wire.varintCount(ByteBuffer.wrap(Bytes.fromHex("0200000000").toByteArray()), 5, 2, "l"));
    assertEquals("l: count 3 of elements of at least 2 bytes exceeds the 4 bytes left, at offset 0",
        message(() -> Wire.varintCount(ByteBuffer.wrap(Bytes.fromHex("0300000000").toByteArray()), 5, 2, "l")));
    assertEquals("l: count 18446744073709551615 exceeds the largest list (2147483647), at offset 0",
        message(() -> Wire.varintCount(ByteBuffer.wrap(encoded(-1L)), 10, 1, "l")));
    assertEquals("l: varint cut short: need another byte, 0 left, at offset 0",
        message(() -> Wire.varintCount(ByteBuffer.wrap(new byte[0]), 5, 1, "l")));
  }

  @Test
  void zigzagGivesSmallMagnitudesSmallCodes() {
    long[][] pairs = {{0, 0}, {-1, 1}, {1, 2}, {-2, 3}, {Long.MAX_VALUE, -2L}, {Long.MIN_VALUE, -1L}};
    for (long[] pair : pairs) {
      assertEquals(pair[1], Wire.zigzag(pair[0]), Long.toString(pair[0]));
      assertEquals(pair[0], Wire.unzigzag(pair[1]), Long.toString(pair[0]));
    }
    assertEquals(1, Wire.uvarintSize(Wire.zigzag(-64)));
    assertEquals(2, Wire.uvarintSize(Wire.zigzag(64)));
  }

  @Test
  void randomVarintsRoundTrip() throws MalformedFrameException {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    ByteBuffer buf = ByteBuffer.allocate(64);
    for (int run = 0, runs = Math.max(20_000, Integer.getInteger("parley.values", 0)); run < runs; run++) {
      int bits = rnd.nextInt(65);
      long value = bits == 0 ? 0 : rnd.nextLong() >>> (64 - bits);
      long signed = rnd.nextLong() >> rnd.nextInt(64);
      int start = rnd.nextInt(8);
      buf.clear().position(start);
      Wire.putUvarint(buf, value);
      int size = buf.position() - start;
      Wire.putUvarint(buf, Wire.zigzag(signed));
      buf.flip().position(start);
      String where = "run " + run + ", value " + Long.toUnsignedString(value) + "; rerun with -Dparley.seed=" + seed;
      assertEquals(Wire.uvarintSize(value), size, where);
      assertEquals(value, Wire.uvarint(buf, 10, "v"), where);
      assertEquals(start + size, buf.position(), where);
      assertEquals(signed, Wire.unzigzag(Wire.uvarint(buf, 10, "v")), where);
      assertEquals(0, buf.remaining(), where);
      buf.position(start);
      if (size > 1) {
        assertThrows(MalformedFrameException.class, () -> Wire.uvarint(buf, size - 1, "v"), where);
        assertThrows(IllegalArgumentException.class, () -> Wire.checkUvarint(value, size - 1, "v"), where);
      }
      buf.position(start).limit(start + size - 1);
      assertThrows(MalformedFrameException.class, () -> Wire.uvarint(buf, 10, "v"), where);
    }
  }
}
