package dev.parley.runtime;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable string of bytes, equal to another by content: the Java type of {@code bytes}
 * fields. Owns its array; nothing outside can change it.
 */
public final class Bytes implements Comparable<Bytes> {

  private static final Bytes EMPTY = new Bytes(new byte[0]);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final byte[] bytes;
  private int hash;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The empty byte string. */
  public static Bytes empty() {
    return EMPTY;
  }

  /** A copy of {@code bytes}. */
  public static Bytes of(byte... bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** A copy of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static Bytes of(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /**
   * Reads the next {@code length} bytes of {@code source} into a new byte string and advances its
   * position. The result shares nothing with {@code source}.
   *
   * @throws java.nio.BufferUnderflowException if fewer than {@code length} bytes remain
   */
  public static Bytes read(ByteBuffer source, int length) {
    if (length == 0) {
      return EMPTY;
    }
    if (length > source.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] copy;
    if (source.hasArray()) {
      // Arrays.copyOfRange fills the new array as it allocates it; new byte[] then get() zeroes
      // it first, which for small fields costs as much as the copy.
      int from = source.arrayOffset() + source.position();
      copy = Arrays.copyOfRange(source.array(), from, from + length);
      source.position(source.position() + length);
    } else {
      copy = new byte[length];
      source.get(copy);
    }
    return new Bytes(copy);
  }

  /** The bytes of a hex string such as {@code "00ff10"} (upper or lower case, no separators). */
  public static Bytes fromHex(String hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException("hex string of odd length " + hex.length());
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int high = Character.digit(hex.charAt(2 * i), 16);
      int low = Character.digit(hex.charAt(2 * i + 1), 16);
      if (high < 0 || low < 0) {
        throw new IllegalArgumentException("not a hex digit at " + (high < 0 ? 2 * i : 2 * i + 1));
      }
      out[i] = (byte) (high << 4 | low);
    }
    return out.length == 0 ? EMPTY : new Bytes(out);
  }

  /** The number of bytes. */
  public int size() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** The byte at {@code index}. */
  public byte get(int index) {
    return bytes[index];
  }

  /** A fresh copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** A read-only view of the bytes, positioned at 0; cheap, copies nothing. */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** Writes the bytes at {@code out.position()} and advances it; allocates nothing. */
  public void writeTo(ByteBuffer out) {
    // Not put(bytes), which only calls put(bytes, 0, length): into a direct buffer the JDK's copy
    // is eight calls deep, and from an event loop's send a level less lets the JIT inline all of it.
    out.put(bytes, 0, bytes.length);
  }

  /** The bytes as lower-case hex, two digits a byte. */
  public String hex() {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /** Unsigned lexicographic order. */
  @Override
  public int compareTo(Bytes other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** {@code Bytes[size=3, 00ff10]}, the hex cut after 32 bytes. */
  @Override
  public String toString() {
    String hex = bytes.length <= 32 ? hex() : Bytes.of(bytes, 0, 32).hex() + "...";
    return "Bytes[size=" + bytes.length + ", " + hex + "]";
  }
}
