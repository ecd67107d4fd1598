package dev.parley.runtime.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The search for the NUL that ends a NUL-terminated string, eight bytes at a time: a byte loop
 * costs a NUL-terminated string more than its decoding, and the JDK has no search for a byte in
 * an array or a buffer.
 */
final class NulScan {

  /** Eight bytes of an array as a long, the first in the low bits, in one unaligned load. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;

  private NulScan() {}

  /** The index of the first 0x00 of {@code buf} in [{@code from}, {@code to}), or -1; moves nothing. */
  static int indexOf(ByteBuffer buf, int from, int to) {
    if (buf.hasArray()) {
      int base = buf.arrayOffset();
      int found = indexOf(buf.array(), base + from, base + to);
      return found < 0 ? -1 : found - base;
    }
    return indexOfAbsolute(buf, from, to);
  }

  private static int indexOf(byte[] a, int from, int to) {
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = (long) LONGS.get(a, i);
      // The high bit of each zero byte; a borrow can also mark a byte above (after) a zero one,
      // never below, so the lowest mark is the first NUL.
      long zeros = (word - ONES) & ~word & HIGHS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (a[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** For a buffer without an accessible array: absolute reads, eight bytes at a time. */
  private static int indexOfAbsolute(ByteBuffer buf, int from, int to) {
    boolean big = buf.order() == ByteOrder.BIG_ENDIAN;
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = buf.getLong(i);
      // The high bit of each zero byte and of no other: no carry crosses bytes, so either byte
      // order can take its first mark.
      long zeros = ~((word & LOW7) + LOW7 | word | LOW7);
      if (zeros != 0) {
        return i + ((big ? Long.numberOfLeadingZeros(zeros) : Long.numberOfTrailingZeros(zeros)) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buf.get(i) == 0) {
        return i;
      }
    }
    return -1;
  }
}
