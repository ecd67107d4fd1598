package dev.parley.runtime;

import java.nio.ByteBuffer;

/**
 * The variable byte integer of a {@link HeaderField#varintLength varint length}: unsigned LEB128,
 * 7 bits a byte, the least significant group first, the high bit of a byte set when another
 * follows (MQTT 3.1.1, section 2.2.3). Every read and write here is absolute: a buffer's position
 * is neither used nor changed.
 */
final class Varint {

  /** {@link #count}: the bytes held end inside the varint, every one with its continuation bit. */
  static final int INCOMPLETE = -1;

  private Varint() {}

  /** Bytes of the shortest encoding of {@code value}, which must not be negative: 1 for 0 to 127. */
  static int size(long value) {
    int size = 1;
    for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
      size++;
    }
    return size;
  }

  /** The largest value {@code bytes} bytes encode: 2^(7 * bytes) - 1. */
  static long maxValue(int bytes) {
    return (1L << (7 * bytes)) - 1;
  }

  /**
   * The bytes of the varint at {@code at}, of which those before {@code end} are held: the count
   * up to and including the first byte without its continuation bit; {@link #INCOMPLETE} when
   * every byte held has it and fewer than {@code maxBytes} are held; {@code maxBytes + 1} when the
   * first {@code maxBytes} bytes all have it (the varint is longer than it may be: no byte after
   * them is looked at).
   */
  static int count(ByteBuffer bytes, int at, int end, int maxBytes) {
    for (int k = 0; k < maxBytes; k++) {
      if (at + k >= end) {
        return INCOMPLETE;
      }
      if ((bytes.get(at + k) & 0x80) == 0) {
        return k + 1;
      }
    }
    return maxBytes + 1;
  }

  /** The value of the {@code count} bytes at {@code at}, the last of which ends the varint. */
  static long value(ByteBuffer bytes, int at, int count) {
    long value = 0;
    for (int k = 0; k < count; k++) {
      value |= (long) (bytes.get(at + k) & 0x7F) << (7 * k);
    }
    return value;
  }

  /**
   * Whether the {@code count} bytes at {@code at} are the shortest encoding of their value: one
   * byte, or a last byte other than 0x00 (a last 0x00 adds nothing to the value).
   */
  static boolean isMinimal(ByteBuffer bytes, int at, int count) {
    return count == 1 || bytes.get(at + count - 1) != 0;
  }

  /** Writes the shortest encoding of {@code value} (not negative) at {@code at}; returns its size. */
  static int write(ByteBuffer bytes, int at, long value) {
    int k = 0;
    long rest = value;
    while (rest >>> 7 != 0) {
      bytes.put(at + k++, (byte) (rest & 0x7F | 0x80));
      rest >>>= 7;
    }
    bytes.put(at + k++, (byte) rest);
    return k;
  }
}
