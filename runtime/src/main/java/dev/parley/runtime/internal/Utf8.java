package dev.parley.runtime.internal;

import dev.parley.runtime.MalformedFrameException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 as the wire format wants it: lengths computed without encoding, encoding straight into a
 * buffer without {@code String.getBytes}, and strict decoding (overlong forms, surrogates,
 * truncated sequences and bytes that start nothing are errors, never replacement characters),
 * with a fast path for ASCII.
 */
final class Utf8 {

  private static final char REPLACEMENT = '\uFFFD';

  /**
   * Strings this long or longer go into a buffer without an array (a direct one, where the event
   * loop queues its frames) through {@link #SCRATCH}: a direct buffer's {@code put(byte)} checks
   * and writes one byte at a time, about 0.5 ns each, while the copy of a whole array costs little
   * more than a few of them. Shorter strings go a byte at a time: the thread's lookup of its array
   * costs more than they save (an Order's 4-char symbol through it took its encode into a direct
   * buffer from 19–23 ns to 32–35 ns).
   */
  private static final int THROUGH_SCRATCH = 16;

  /** Bytes a thread encodes into before copying them to a buffer without an array. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[512]);

  private Utf8() {}

  /**
   * The UTF-8 byte length of {@code s}.
   *
   * @throws IllegalArgumentException at an unpaired surrogate, which has no UTF-8 form
   */
  static int length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // Two chars, four bytes.
          i++;
        } else {
          throw new IllegalArgumentException("string has an unpaired surrogate at index " + i
              + ", which UTF-8 cannot carry");
        }
      } else {
        bytes += 2;
      }
    }
    return bytes;
  }

  /**
   * Writes {@code s} as UTF-8 at {@code out.position()}; {@code s} has passed {@link #length},
   * which gave {@code utf8Length}.
   *
   * @throws BufferOverflowException if fewer than {@code utf8Length} bytes remain; what was
   *     written of the string before that is the caller's to roll back
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): see below
  static void encode(String s, int utf8Length, ByteBuffer out) {
    int n = s.length();
    if (out.hasArray()) {
      if (out.remaining() < utf8Length) {
        throw new BufferOverflowException();
      }
      int p = out.arrayOffset() + out.position();
      if (utf8Length == n) {
        // All ASCII: the one JDK method that copies a string's bytes into an array without
        // allocating. It keeps the low byte of each char, which for ASCII is the UTF-8.
        s.getBytes(0, n, out.array(), p);
      } else {
        encodeChars(s, 0, n, out.array(), p);
      }
      out.position(out.position() + utf8Length);
    } else if (n < THROUGH_SCRATCH) {
      encodeFrom(s, out);
    } else {
      encodeThroughScratch(s, utf8Length, out);
    }
  }

  /** Encodes {@code s} into this thread's scratch array, a chunk at a time, and copies each chunk to {@code out}. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int), as in encode
  private static void encodeThroughScratch(String s, int utf8Length, ByteBuffer out) {
    if (out.remaining() < utf8Length) {
      throw new BufferOverflowException();
    }
    byte[] a = SCRATCH.get();
    int n = s.length();
    // At most three bytes a char (a surrogate pair is two chars and four bytes), and a pair is never cut.
    int chars = utf8Length == n ? a.length : a.length / 3 - 1;
    for (int i = 0; i < n; ) {
      int to = Math.min(n, i + chars);
      if (to < n && Character.isHighSurrogate(s.charAt(to - 1))) {
        to++;
      }
      if (utf8Length == n) {
        s.getBytes(i, to, a, 0);
        out.put(a, 0, to - i);
      } else {
        out.put(a, 0, encodeChars(s, i, to, a, 0));
      }
      i = to;
    }
  }

  /**
   * Writes the UTF-8 of {@code s}'s chars {@code [from, to)}, which end on no high surrogate, into
   * {@code a} at {@code p}, which has room; returns where they end.
   */
  private static int encodeChars(String s, int from, int to, byte[] a, int p) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        a[p++] = (byte) c;
      } else if (c < 0x800) {
        a[p++] = (byte) (0xC0 | c >> 6);
        a[p++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        a[p++] = (byte) (0xF0 | cp >> 18);
        a[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
        a[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
        a[p++] = (byte) (0x80 | cp & 0x3F);
      } else {
        a[p++] = (byte) (0xE0 | c >> 12);
        a[p++] = (byte) (0x80 | c >> 6 & 0x3F);
        a[p++] = (byte) (0x80 | c & 0x3F);
      }
    }
    return p;
  }

  /** Writes {@code s} a byte at a time: for a short string into a buffer without an array. */
  private static void encodeFrom(String s, ByteBuffer out) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.put((byte) c);
      } else if (c < 0x800) {
        out.put((byte) (0xC0 | c >> 6)).put((byte) (0x80 | c & 0x3F));
      } else if (Character.isHighSurrogate(c)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.put((byte) (0xF0 | cp >> 18))
            .put((byte) (0x80 | cp >> 12 & 0x3F))
            .put((byte) (0x80 | cp >> 6 & 0x3F))
            .put((byte) (0x80 | cp & 0x3F));
      } else {
        out.put((byte) (0xE0 | c >> 12))
            .put((byte) (0x80 | c >> 6 & 0x3F))
            .put((byte) (0x80 | c & 0x3F));
      }
    }
  }

  /** Reads {@code length} bytes of strict UTF-8 from {@code in}; they are known to be there. */
  static String decode(ByteBuffer in, int length, String field) throws MalformedFrameException {
    int start = in.position();
    byte[] a;
    int offset;
    if (in.hasArray()) {
      a = in.array();
      offset = in.arrayOffset() + start;
      in.position(start + length);
    } else {
      a = new byte[length];
      offset = 0;
      in.get(a);
    }
    // The JDK decodes ASCII at the speed of a copy, but replaces malformed input instead of
    // refusing it. Its result is exact when the bytes are valid: a result as long as the input
    // without a replacement character can only come from ASCII, since every other valid
    // sequence gives fewer chars than bytes and every malformed one a U+FFFD; anything else is
    // checked strictly here.
    String decoded = new String(a, offset, length, StandardCharsets.UTF_8);
    if (decoded.length() == length && decoded.indexOf(REPLACEMENT) < 0) {
      return decoded;
    }
    int bad = firstInvalid(a, offset, offset + length);
    if (bad >= 0) {
      throw new MalformedFrameException(field, "malformed UTF-8 (byte 0x"
          + Integer.toHexString(a[bad] & 0xFF) + ")", start + (bad - offset));
    }
    return decoded;
  }

  /** The index of the first byte that starts no valid sequence, or -1 when all is valid. */
  static int firstInvalid(byte[] a, int from, int to) {
    int i = from;
    while (i < to) {
      int b = a[i] & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int need;
      int min = 0x80;
      int max = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) {
          min = 0xA0; // overlong
        } else if (b == 0xED) {
          max = 0x9F; // surrogates
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) {
          min = 0x90; // overlong
        } else if (b == 0xF4) {
          max = 0x8F; // above U+10FFFF
        }
      } else {
        return i; // a continuation byte, an overlong lead (C0, C1) or F5..FF
      }
      if (i + need >= to) {
        return i; // truncated: the sequence runs past the end
      }
      int second = a[i + 1] & 0xFF;
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        if ((a[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }
}
