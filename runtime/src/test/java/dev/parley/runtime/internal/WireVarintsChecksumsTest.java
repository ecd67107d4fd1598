package dev.parley.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The varint and checksum primitives generated code and the interpreter share (SPEC.md 13.11,
 * 13.12): shortest forms only, zigzag ranges, varint lengths, and checksums that leave the
 * buffer as they found it.
 */
class WireVarintsChecksumsTest {

  private static final HexFormat HEX = HexFormat.of();

  private static ByteBuffer bytes(String hex) {
    return ByteBuffer.wrap(HEX.parseHex(hex));
  }

  @Test
  void everyLengthEdgeIsWrittenAndReadInItsShortestForm() throws MalformedFrameException {
    for (int length = 1; length <= 10; length++) {
      long least = length == 1 ? 0 : 1L << 7 * (length - 1);
      long greatest = length == 10 ? -1L : (1L << 7 * length) - 1;
      for (long value : new long[] {least, greatest}) {
        ByteBuffer out = ByteBuffer.allocate(10);
        Wire.putUvarint(out, value);
        assertEquals(length, out.position(), Long.toUnsignedString(value));
        assertEquals(length, Wire.uvarintSize(value));
        out.flip();
        assertEquals(value, Wire.uvarint(out, 10, "v"));
        assertEquals(length, out.position());
      }
    }
  }

  @Test
  void longerFormsThanNeededAreRefusedAtTheFirstByte() {
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> Wire.uvarint(bytes("ff8000"), 4, "v"));
    assertEquals("v: non-minimal varint: 3 bytes where 1 suffices, at offset 0", e.getMessage());
    e = assertThrows(MalformedFrameException.class, () -> Wire.uvarint(bytes("8080808001"), 4, "v"));
    assertEquals("v: varint longer than its 4 bytes, at offset 0", e.getMessage());
    e = assertThrows(MalformedFrameException.class, () -> Wire.uvarint(bytes("ffffffffffffffffff02"), 10, "v"));
    assertEquals("v: varint above 64 bits: its tenth byte is 2, more than 1, at offset 0", e.getMessage());
    e = assertThrows(MalformedFrameException.class, () -> Wire.uvarint(bytes("ff"), 4, "v"));
    assertEquals("v: varint cut short: need another byte, 0 left, at offset 0", e.getMessage());
  }

  @Test
  void zigzagRangesHoldExactlyWhatTheirBytesCarry() {
    for (int maxBytes = 1; maxBytes <= 9; maxBytes++) {
      long bound = 1L << 7 * maxBytes - 1;
      assertEquals(-bound, Wire.checkZigzag(-bound, maxBytes, "z"));
      assertEquals(bound - 1, Wire.checkZigzag(bound - 1, maxBytes, "z"));
      assertEquals(Wire.uvarintSize((1L << 7 * maxBytes) - 1), Wire.uvarintSize(Wire.zigzag(-bound)));
      int n = maxBytes;
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Wire.checkZigzag(bound, n, "z", 2));
      assertEquals("z[2] is " + bound + ", outside what a " + n + "-byte zigzag varint carries (" + -bound + " to "
          + (bound - 1) + ")", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Wire.checkZigzag(-bound - 1, n, "z"));
    }
    for (long value : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}) {
      assertEquals(value, Wire.checkZigzag(value, 10, "z"));
      assertEquals(value, Wire.unzigzag(Wire.zigzag(value)));
    }
  }

  @Test
  void aNegativeValueOfANarrowVarintIsNamedAsItIs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wire.checkUvarint(-5, 4, "n"));
    assertEquals("n is -5, outside what a 4-byte varint carries (0 to 268435455)", e.getMessage());
    assertEquals(-5, Wire.checkUvarint(-5, 10, "n"), "ten bytes carry every long's bits");
  }

  @Test
  void varintStringsAreSizedWrittenAndReadAsTheyAreChecked() throws MalformedFrameException {
    String text = "é".repeat(64); // 128 bytes of UTF-8: one more than a varint<1> length holds
    ByteBuffer out = ByteBuffer.allocate(Wire.varintStringSize(text));
    Wire.putVarintString(out, text);
    assertEquals(2 + 128, out.position());
    out.flip();
    assertEquals(text, Wire.stringOf(out, Wire.varintLength(out, 2, "s"), "s"));
    assertSame(text, Wire.checkVarintString(text, 2, "s"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Wire.checkVarintString(text, 1, "s"));
    assertEquals("s takes 128 bytes of UTF-8, more than its varint<1> length allows (127)", e.getMessage());
    assertSame(text, Wire.checkVarintString(text, 5, "s"));
    e = assertThrows(IllegalArgumentException.class,
        () -> Wire.checkVarintBytes(Bytes.of(new byte[128]), 1, "b", 3));
    assertEquals("b[3] has 128 bytes, more than its varint<1> length allows (127)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Wire.checkVarintList(Collections.nCopies(128, 0), 1, "l"));
    assertEquals("l has 128 elements, more than its varint<1> count allows (127)", e.getMessage());
    Optional<List<Integer>> some = Optional.of(List.of(1));
    assertSame(some, Wire.checkOptionalVarintList(some, 1, "l"));
  }

  @Test
  void aVarintLengthIsCheckedAgainstTheBytesLeftBeforeAnythingIsRead() {
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> Wire.varintLength(bytes("ac026869"), 2, "s"));
    assertEquals("s: length 300 exceeds the 2 bytes left, at offset 0", e.getMessage());
    e = assertThrows(MalformedFrameException.class, () -> Wire.varintCount(bytes("0a0000"), 1, 1, "l"));
    assertEquals("l: count 10 of elements of at least 1 byte exceeds the 2 bytes left, at offset 0", e.getMessage());
  }

  @Test
  void checksumsOfASpanAreTheCheckValuesAndMoveNothing() throws MalformedFrameException {
    byte[] check = "--123456789--".getBytes(StandardCharsets.US_ASCII);
    // The span is at index 2 of a buffer over the array, or of a direct copy; at 1 of a slice from 1.
    ByteBuffer heap = ByteBuffer.wrap(check).position(5);
    ByteBuffer direct = ByteBuffer.allocateDirect(check.length).put(check).position(3);
    ByteBuffer slice = ByteBuffer.wrap(check).slice(1, 12);
    for (ByteBuffer buffer : List.of(heap, direct, slice)) {
      int from = buffer == slice ? 1 : 2;
      int position = buffer.position();
      int limit = buffer.limit();
      assertEquals(0xCBF43926L, Wire.crc32(buffer, from, from + 9));
      assertEquals(0xE3069283L, Wire.crc32c(buffer, from, from + 9));
      assertEquals(position, buffer.position());
      assertEquals(limit, buffer.limit());
    }
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> Wire.checksum(0xCBF43927L, 0xCBF43926L, "crc", 11));
    assertEquals("crc: checksum mismatch: the frame carries 0xCBF43927, the bytes give 0xCBF43926, at offset 11",
        e.getMessage());
    Wire.checksumEnds(ByteBuffer.allocate(0), "crc");
    e = assertThrows(MalformedFrameException.class, () -> Wire.checksumEnds(bytes("00"), "crc"));
    assertEquals("crc: 1 byte after the checksum, which ends the message, at offset 0", e.getMessage());
  }
}
