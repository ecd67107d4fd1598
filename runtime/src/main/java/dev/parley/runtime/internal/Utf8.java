package dev.parley.runtime.internal;

import dev.parley.runtime.MalformedFrameException;
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
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): see below
  static void encode(String s, int utf8Length, ByteBuffer out) {
    int n = s.length();
    if (utf8Length == n && out.hasArray() && out.remaining() >= n) {
      // All ASCII: the one JDK method that copies a string's bytes into an array without
      // allocating. It keeps the low byte of each char, which for ASCII is the UTF-8.
      s.getBytes(0, n, out.array(), out.arrayOffset() + out.position());
      out.position(out.position() + n);
      return;
    }
    if (out.hasArray()) {
      byte[] a = out.array();
      int p = out.arrayOffset() + out.position();
      int i = 0;
      // ASCII fast path: one byte a char, written straight into the array.
      int asciiEnd = Math.min(n, a.length - p);
      while (i < asciiEnd) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          break;
        }
        a[p++] = (byte) c;
        i++;
      }
      out.position(p - out.arrayOffset());
      if (i == n) {
        return;
      }
      encodeFrom(s, i, out);
    } else {
      encodeFrom(s, 0, out);
    }
  }

  private static void encodeFrom(String s, int from, ByteBuffer out) {
    int n = s.length();
    for (int i = from; i < n; i++) {
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
