package dev.parley.runtime.internal;

import dev.parley.runtime.MalformedFrameException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reading a NUL-terminated string, for {@link Wire#cstring}. Finding the NUL costs a pass that a
 * length prefix saves, and the JDK has no search for a byte in an array or a buffer: the search
 * here goes eight bytes at a time, and stops at the first byte that is not ASCII too, so that a
 * string of ASCII, the usual case, is copied without the second pass over it that strict UTF-8
 * decoding makes. A string that is not all ASCII is decoded by {@link Utf8#decode}.
 */
final class CString {

  /** Eight bytes of an array as a long, the first in the low bits, in one unaligned load. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;

  private CString() {}

  /** See {@link Wire#cstring}. */
  static String read(ByteBuffer in, String field) throws MalformedFrameException {
    int start = in.position();
    int limit = in.limit();
    int stop;
    if (in.hasArray()) {
      int base = in.arrayOffset();
      int found = indexOfNulOrNonAscii(in.array(), base + start, base + limit);
      stop = found < 0 ? -1 : found - base;
    } else {
      stop = indexOfNulOrNonAscii(in, start, limit);
    }
    if (stop >= 0 && in.get(stop) == 0) {
      // ASCII up to the NUL: valid UTF-8, which a second pass would only confirm.
      String value = ascii(in, stop - start);
      in.position(stop + 1);
      return value;
    }
    int nul = stop < 0 ? -1 : indexOfNul(in, stop, limit);
    if (nul < 0) {
      throw new MalformedFrameException(field,
          "string has no NUL terminator in the " + in.remaining() + " bytes left", start);
    }
    String value = Utf8.decode(in, nul - start, field);
    in.position(nul + 1);
    return value;
  }

  /**
   * See {@link Wire#lastCString}: a string that is its message's last field, which the frame's last
   * byte usually ends.
   */
  static String readLast(ByteBuffer in, String field) throws MalformedFrameException {
    int start = in.position();
    int limit = in.limit();
    if (limit > start && in.get(limit - 1) == 0) {
      // The usual place of a NUL-terminated string is a message's last field, which ends at the
      // frame's last byte. Decoded as a prefixed string is, by the JDK's vectorised code, it needs
      // only the JDK's vectorised search for a NUL before that byte; one there ends it earlier.
      String value;
      try {
        value = Utf8.decode(in, limit - 1 - start, field);
      } catch (MalformedFrameException e) {
        value = null; // bytes after an earlier NUL need not be UTF-8: the search below decides
      }
      if (value != null && value.indexOf('\0') < 0) {
        in.position(limit);
        return value;
      }
      in.position(start);
    }
    return read(in, field);
  }

  /** {@code length} bytes of ASCII at the position, copied as chars, the position moved past them. */
  private static String ascii(ByteBuffer in, int length) {
    int start = in.position();
    if (in.hasArray()) {
      // ISO-8859-1 is the one charset the JDK decodes by copying alone; on ASCII it is UTF-8.
      String value = new String(in.array(), in.arrayOffset() + start, length, StandardCharsets.ISO_8859_1);
      in.position(start + length);
      return value;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  // ---- The search, eight bytes at a time ------------------------------------------------------
  //
  // In an array, words are read little-endian, the first byte lowest. The marks are then exact in
  // their lowest byte: a borrow can mark bytes above (after) the first true mark, never below it.
  // So the word at the end of a range may be read whole, past the range (never past the array):
  // the bytes there can mark only after every byte that counts, and are ignored.

  /** The index of the first byte in [{@code from}, {@code to}) that is 0x00 or not ASCII, or -1. */
  private static int indexOfNulOrNonAscii(byte[] a, int from, int to) {
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = (long) LONGS.get(a, i);
      // A byte's high bit survives when it is set (not ASCII), or when taking 1 borrows (0x00).
      long marks = (word - ONES | word) & HIGHS;
      if (marks != 0) {
        return i + (Long.numberOfTrailingZeros(marks) >>> 3);
      }
    }
    if (i < to && i <= a.length - Long.BYTES) {
      long word = (long) LONGS.get(a, i);
      int k = Long.numberOfTrailingZeros((word - ONES | word) & HIGHS) >>> 3; // 8 when none
      return k < to - i ? i + k : -1;
    }
    for (; i < to; i++) {
      if (a[i] <= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the first 0x00 in [{@code from}, {@code to}), or -1. */
  private static int indexOfNul(byte[] a, int from, int to) {
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = (long) LONGS.get(a, i);
      long marks = (word - ONES) & ~word & HIGHS;
      if (marks != 0) {
        return i + (Long.numberOfTrailingZeros(marks) >>> 3);
      }
    }
    if (i < to && i <= a.length - Long.BYTES) {
      long word = (long) LONGS.get(a, i);
      int k = Long.numberOfTrailingZeros((word - ONES) & ~word & HIGHS) >>> 3; // 8 when none
      return k < to - i ? i + k : -1;
    }
    for (; i < to; i++) {
      if (a[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** {@link #indexOfNulOrNonAscii(byte[], int, int)} by the buffer's absolute indexes. */
  private static int indexOfNulOrNonAscii(ByteBuffer buf, int from, int to) {
    boolean big = buf.order() == ByteOrder.BIG_ENDIAN;
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = buf.getLong(i);
      long marks = zeros(word) | word & HIGHS;
      if (marks != 0) {
        return i + first(marks, big);
      }
    }
    for (; i < to; i++) {
      if (buf.get(i) <= 0) {
        return i;
      }
    }
    return -1;
  }

  /** {@link #indexOfNul(byte[], int, int)} by the buffer's absolute indexes, in its array if it has one. */
  private static int indexOfNul(ByteBuffer buf, int from, int to) {
    if (buf.hasArray()) {
      int base = buf.arrayOffset();
      int found = indexOfNul(buf.array(), base + from, base + to);
      return found < 0 ? -1 : found - base;
    }
    boolean big = buf.order() == ByteOrder.BIG_ENDIAN;
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = buf.getLong(i);
      long marks = zeros(word);
      if (marks != 0) {
        return i + first(marks, big);
      }
    }
    for (; i < to; i++) {
      if (buf.get(i) == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The high bit of each zero byte of {@code word} and of no other: no carry crosses bytes, so a
   * word read in either byte order can take its first mark.
   */
  private static long zeros(long word) {
    return ~((word & LOW7) + LOW7 | word | LOW7);
  }

  /** The index in its word of the first byte marked in {@code marks}, for a word read in that order. */
  private static int first(long marks, boolean bigEndian) {
    return (bigEndian ? Long.numberOfLeadingZeros(marks) : Long.numberOfTrailingZeros(marks)) >>> 3;
  }
}
