package dev.parley.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link HexInput}: what it ignores, what it refuses and where it says the problem is. Every case
 * runs with the text delivered whole, a byte at a time, and in chunks of 3 and of 8191 bytes, so
 * that prefixes, digit pairs and comments fall across reads.
 */
class HexInputTest {

  /** Text delivered in reads of at most {@code size} bytes. */
  private static Function<byte[], InputStream> chunksOf(int size) {
    return text -> new FilterInputStream(new ByteArrayInputStream(text)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, size));
      }
    };
  }

  private static final List<Function<byte[], InputStream>> DELIVERIES =
      List.of(ByteArrayInputStream::new, chunksOf(1), chunksOf(3), chunksOf(8191));

  /** The bytes {@code text} holds, read through HexInput in every way of delivering it. */
  private static byte[] decode(String text) throws IOException {
    byte[] result = null;
    for (Function<byte[], InputStream> delivery : DELIVERIES) {
      byte[] bytes = readAll(new HexInput(delivery.apply(text.getBytes(StandardCharsets.UTF_8))));
      if (result != null) {
        assertArrayEquals(result, bytes);
      }
      result = bytes;
    }
    return result;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[100];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** The error reading {@code text} ends with, after handing over {@code before} (hex). */
  private static String error(String text, String before) {
    String message = null;
    for (Function<byte[], InputStream> delivery : DELIVERIES) {
      HexInput in = new HexInput(delivery.apply(text.getBytes(StandardCharsets.UTF_8)));
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      byte[] buffer = new byte[100];
      IOException e = assertThrows(IOException.class, () -> {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          read.write(buffer, 0, n);
        }
      });
      assertEquals(before, HexFormat.of().formatHex(read.toByteArray()));
      assertEquals(e.getMessage(), assertThrows(IOException.class, () -> in.read(buffer)).getMessage(),
          "the error again on the next read");
      if (message != null) {
        assertEquals(message, e.getMessage());
      }
      message = e.getMessage();
    }
    return message;
  }

  @Test
  void readsDigitPairsInEitherCaseIgnoringWhitespaceAndComments() throws IOException {
    assertEquals("00ff0aab7f", HexFormat.of().formatHex(decode(" 00 FF\t0a\r\n# a comment, 12 34\nAb 7f # end")));
    assertEquals(0, decode("").length);
    assertEquals(0, decode("# only a comment").length);
  }

  @Test
  void whitespaceAndCommentsMaySplitADigitPair() throws IOException {
    assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, decode("a b\nc # between\nd"));
  }

  @Test
  void zeroXStartsAWordAndOnlyThere() throws IOException {
    assertArrayEquals(new byte[] {0x12, 0x34, 0x56}, decode("0x1234 0X56"));
    assertEquals("not a hex digit: 'x' at line 1, column 4", error("000x12", "00"));
  }

  @Test
  void aZeroXSplitAcrossTheEndOfARead() throws IOException {
    // HexInput reads the text 8192 bytes at a time: the 0 is the last of the first read, the x
    // the first of the next.
    String padding = "00".repeat(4095) + " ";
    assertEquals(8191, padding.length());
    byte[] bytes = decode(padding + "0xab");
    assertEquals(4096, bytes.length);
    assertEquals((byte) 0xab, bytes[4095]);
    // And a digit pair split there, and a comment running across it.
    assertEquals((byte) 0xcd, decode(padding + "cd")[4095]);
    assertEquals((byte) 0xef, decode("00".repeat(4095) + "#" + "-".repeat(9000) + "\nef")[4095]);
  }

  @Test
  void anOddNumberOfDigitsSaysWhereTheLoneDigitIs() {
    assertEquals("odd number of hex digits: the digit at line 2, column 3 has no second digit",
        error("0102\n  f", "0102"));
    assertEquals("odd number of hex digits: the digit at line 1, column 1 has no second digit", error("a", ""));
  }

  @Test
  void anythingElseIsRefusedWithItsLineAndColumnAfterTheBytesBeforeIt() {
    assertEquals("not a hex digit: 'g' at line 2, column 5", error("0000\n00 2g\n", "000000"));
    assertEquals("not a hex digit: byte 0xc3 at line 1, column 3", error("01é", "01"));
    assertEquals("not a hex digit: byte 0x00 at line 3, column 1", error("01\r\n02\n\0", "0102"));
    assertEquals("not a hex digit: ',' at line 1, column 3", error("01,02", "01"));
  }

  @Test
  void aReadReturnsWhatItHasRatherThanWaitForMoreText() throws IOException {
    InputStream slow = new InputStream() {
      private boolean given;

      @Override
      public int read() {
        throw new AssertionError("one byte at a time");
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (given) {
          throw new AssertionError("read again before handing over what it had");
        }
        given = true;
        b[off] = '0';
        b[off + 1] = '1';
        b[off + 2] = ' ';
        return 3;
      }
    };
    byte[] buffer = new byte[10];
    assertEquals(1, new HexInput(slow).read(buffer));
    assertEquals(1, buffer[0]);
  }

  @Test
  void readsOneByteAtATimeToo() throws IOException {
    HexInput in = new HexInput(new ByteArrayInputStream("ff 01".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0xff, in.read());
    assertEquals(0x01, in.read());
    assertEquals(-1, in.read());
  }
}
