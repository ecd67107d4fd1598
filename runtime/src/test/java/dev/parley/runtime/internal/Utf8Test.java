package dev.parley.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Strict UTF-8, checked against the JDK's own strict decoder and encoder on seeded random input. */
class Utf8Test {

  private static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  /** The JDK's verdict: the decoded string, or empty when the bytes are not valid UTF-8. */
  private static Optional<String> jdkDecode(byte[] bytes) {
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return Optional.of(chars.toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> ourDecode(byte[] bytes, boolean direct) {
    ByteBuffer in = direct ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip() : ByteBuffer.wrap(bytes);
    try {
      String s = Utf8.decode(in, bytes.length, "f");
      assertEquals(bytes.length, in.position());
      return Optional.of(s);
    } catch (MalformedFrameException e) {
      return Optional.empty();
    }
  }

  @Test
  void agreesWithTheJdkStrictDecoderOnRandomBytes() {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] leads = {0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    for (int i = 0, cases = Math.max(20_000, Integer.getInteger("parley.values", 0)); i < cases; i++) {
      byte[] bytes = new byte[rnd.nextInt(8)];
      for (int k = 0; k < bytes.length; k++) {
        bytes[k] = (byte) (rnd.nextBoolean() ? leads[rnd.nextInt(leads.length)] : 0x80 | rnd.nextInt(0x40));
      }
      Optional<String> expected = jdkDecode(bytes);
      int at = i;
      assertEquals(expected, ourDecode(bytes, false), () -> "case " + at + " " + Bytes.of(bytes).hex()
          + "; rerun with -Dparley.seed=" + seed);
      assertEquals(expected, ourDecode(bytes, true), () -> "direct, seed " + seed);
    }
  }

  @Test
  void longAsciiRunsWithOneOtherByteAnywhereAgreeWithTheJdk() {
    // The ASCII scan reads eight bytes a step: every run length, array offset and position of the
    // first non-ASCII byte (a valid two-byte sequence, or a lone continuation byte).
    for (int length = 0; length <= 40; length++) {
      for (int offset = 0; offset < 8; offset++) {
        for (int at = -1; at < length; at++) {
          for (byte[] other : new byte[][] {{(byte) 0xC3, (byte) 0xA9}, {(byte) 0x80}}) {
            byte[] text = new byte[length + (at < 0 ? 0 : other.length)];
            java.util.Arrays.fill(text, (byte) 'a');
            if (at >= 0) {
              System.arraycopy(other, 0, text, at, other.length);
            }
            byte[] framed = new byte[offset + text.length + 3];
            System.arraycopy(text, 0, framed, offset, text.length);
            ByteBuffer in = ByteBuffer.wrap(framed, offset, text.length).slice();
            Optional<String> ours;
            try {
              ours = Optional.of(Utf8.decode(in, text.length, "f"));
            } catch (MalformedFrameException e) {
              ours = Optional.empty();
            }
            int l = length;
            int o = offset;
            int a = at;
            assertEquals(jdkDecode(text), ours, () -> "length " + l + ", offset " + o + ", other byte at " + a);
          }
        }
      }
    }
  }

  @Test
  void lengthAndEncodingMatchTheJdkForValidStrings() {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0, cases = Math.max(5_000, Integer.getInteger("parley.values", 0)); i < cases; i++) {
      StringBuilder text = new StringBuilder();
      // Mostly short; one in eight long enough to cross the scratch array's chunks (512 bytes).
      int n = rnd.nextInt(8) == 0 ? rnd.nextInt(1500) : rnd.nextInt(40);
      boolean ascii = rnd.nextInt(3) == 0;
      for (int k = 0; k < n; k++) {
        int cp = switch (ascii ? 0 : rnd.nextInt(4)) {
          case 0 -> rnd.nextInt(0x80);
          case 1 -> 0x80 + rnd.nextInt(0x780);
          case 2 -> {
            int c = 0x800 + rnd.nextInt(0xF800);
            yield Character.isSurrogate((char) c) ? 'x' : c;
          }
          default -> 0x10000 + rnd.nextInt(0x100000);
        };
        text.appendCodePoint(cp);
      }
      String s = text.toString();
      byte[] expected = s.getBytes(StandardCharsets.UTF_8);
      assertEquals(expected.length, Utf8.length(s), () -> "seed " + seed);
      for (boolean direct : new boolean[] {false, true}) {
        ByteBuffer out = direct ? ByteBuffer.allocateDirect(expected.length + 3) : ByteBuffer.allocate(expected.length + 3);
        out.position(3);
        Utf8.encode(s, expected.length, out);
        byte[] written = new byte[expected.length];
        out.flip().position(3);
        out.get(written);
        assertArrayEquals(expected, written, () -> "seed " + seed + ": " + s);
      }
    }
  }

  @Test
  void aStringLongerThanTheRoomLeftOverflowsInEveryKindOfBuffer() {
    String ascii = "x".repeat(600);
    String mixed = "\u00e9".repeat(300);
    for (String s : new String[] {ascii, mixed}) {
      int length = Utf8.length(s);
      for (ByteBuffer out : new ByteBuffer[] {ByteBuffer.allocate(length - 1), ByteBuffer.allocateDirect(length - 1)}) {
        assertThrows(BufferOverflowException.class, () -> Utf8.encode(s, length, out),
            () -> (out.isDirect() ? "direct, " : "heap, ") + length + " bytes");
      }
    }
  }

  @Test
  void unpairedSurrogatesHaveNoLength() {
    assertThrows(IllegalArgumentException.class, () -> Utf8.length("a\uD800"));
    assertThrows(IllegalArgumentException.class, () -> Utf8.length("\uDC00b"));
    assertEquals(4, Utf8.length("\uD83D\uDE00"));
  }

  @Test
  void malformedInputNamesTheFieldAndTheOffsetOfTheBadByte() {
    ByteBuffer in = ByteBuffer.wrap(new byte[] {9, 9, 'a', 'b', (byte) 0xC0, (byte) 0xAF}).position(2);
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> Utf8.decode(in, 4, "name"));
    assertEquals("name: malformed UTF-8 (byte 0xc0), at offset 4", e.getMessage());
  }
}
