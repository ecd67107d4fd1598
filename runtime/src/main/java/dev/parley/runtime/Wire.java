package dev.parley.runtime;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * The wire format's primitive reads, writes and checks, for generated code. Reads check the bytes
 * left before touching them and throw {@link MalformedFrameException} naming the field and the
 * buffer position; checks throw {@link IllegalArgumentException} or {@link NullPointerException}
 * naming the field. Every multi-byte value is read and written in the buffer's current byte order,
 * which the generated protocol sets for the whole frame. Nothing here allocates on success except
 * the value it returns.
 */
public final class Wire {

  private Wire() {}

  // ---- Reading ------------------------------------------------------------------------------

  /** Throws unless {@code n} bytes remain. */
  public static void need(ByteBuffer in, int n, String field) throws MalformedFrameException {
    if (in.remaining() < n) {
      throw new MalformedFrameException(field,
          "need " + n + " byte" + (n == 1 ? "" : "s") + ", " + in.remaining() + " left", in.position());
    }
  }

  public static int u8(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 1, field);
    return in.get() & 0xFF;
  }

  public static int u16(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 2, field);
    return in.getShort() & 0xFFFF;
  }

  public static long u32(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 4, field);
    return in.getInt() & 0xFFFF_FFFFL;
  }

  public static byte i8(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 1, field);
    return in.get();
  }

  public static short i16(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 2, field);
    return in.getShort();
  }

  public static int i32(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 4, field);
    return in.getInt();
  }

  /** An {@code i64}, or a {@code u64} carried in a long's bits. */
  public static long i64(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 8, field);
    return in.getLong();
  }

  public static float f32(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 4, field);
    return in.getFloat();
  }

  public static double f64(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 8, field);
    return in.getDouble();
  }

  /** A bool: 0 or 1; any other byte is an error. */
  public static boolean bool(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 1, field);
    byte b = in.get();
    if (b == 0 || b == 1) {
      return b == 1;
    }
    throw new MalformedFrameException(field, "bool must be 0 or 1, found " + (b & 0xFF), in.position() - 1);
  }

  /** The presence byte of an optional value: 0 absent, 1 present, anything else an error. */
  public static boolean present(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 1, field);
    byte b = in.get();
    if (b == 0 || b == 1) {
      return b == 1;
    }
    throw new MalformedFrameException(field, "presence byte must be 0 or 1, found " + (b & 0xFF),
        in.position() - 1);
  }

  /**
   * A byte length of {@code width} bytes (1, 2 or 4), checked against the bytes left so that
   * nothing is allocated for bytes the frame does not carry.
   */
  public static int length(ByteBuffer in, int width, String field) throws MalformedFrameException {
    int at = in.position();
    long length = prefix(in, width, field);
    if (length > in.remaining()) {
      throw new MalformedFrameException(field,
          "length " + length + " exceeds the " + in.remaining() + " bytes left", at);
    }
    return (int) length;
  }

  /**
   * An element count of {@code width} bytes, checked so that {@code count * minElementSize}
   * fits the bytes left: a count can never make a decoder allocate more than the frame carries.
   */
  public static int count(ByteBuffer in, int width, int minElementSize, String field)
      throws MalformedFrameException {
    int at = in.position();
    long count = prefix(in, width, field);
    if (count * minElementSize > in.remaining()) {
      throw new MalformedFrameException(field, "count " + count + " of elements of at least "
          + minElementSize + " byte" + (minElementSize == 1 ? "" : "s") + " exceeds the "
          + in.remaining() + " bytes left", at);
    }
    return (int) count;
  }

  private static long prefix(ByteBuffer in, int width, String field) throws MalformedFrameException {
    return switch (width) {
      case 1 -> u8(in, field);
      case 2 -> u16(in, field);
      case 4 -> u32(in, field);
      default -> throw new IllegalArgumentException("width " + width);
    };
  }

  /** A string: a byte length of {@code width} bytes, then strict UTF-8. */
  public static String string(ByteBuffer in, int width, String field) throws MalformedFrameException {
    int length = length(in, width, field);
    return Utf8.decode(in, length, field);
  }

  /** A byte string: a byte length of {@code width} bytes, then the bytes. */
  public static Bytes bytes(ByteBuffer in, int width, String field) throws MalformedFrameException {
    return Bytes.read(in, length(in, width, field));
  }

  /** Exactly {@code size} bytes. */
  public static Bytes fixedBytes(ByteBuffer in, int size, String field) throws MalformedFrameException {
    need(in, size, field);
    return Bytes.read(in, size);
  }

  /**
   * An unmodifiable list over {@code elements}, which the caller hands over and never touches
   * again. Records accept it without another copy.
   */
  public static <E> List<E> adopt(Object[] elements) {
    return new ImmutableArrayList<>(elements);
  }

  /** An error at {@code offset}, for checks that generated decoders make themselves. */
  public static MalformedFrameException malformed(String field, String problem, int offset) {
    return new MalformedFrameException(field, problem, offset);
  }

  // ---- Writing ------------------------------------------------------------------------------

  /** Writes a length or count of {@code width} bytes (1, 2 or 4). */
  public static void putLength(ByteBuffer out, int width, int value) {
    switch (width) {
      case 1 -> out.put((byte) value);
      case 2 -> out.putShort((short) value);
      case 4 -> out.putInt(value);
      default -> throw new IllegalArgumentException("width " + width);
    }
  }

  /** Writes a string: its UTF-8 byte length in {@code width} bytes, then the UTF-8. */
  public static void putString(ByteBuffer out, String value, int width) {
    int length = Utf8.length(value);
    putLength(out, width, length);
    Utf8.encode(value, length, out);
  }

  /** Writes a byte string: its length in {@code width} bytes, then the bytes. */
  public static void putBytes(ByteBuffer out, Bytes value, int width) {
    putLength(out, width, value.size());
    value.writeTo(out);
  }

  /** The encoded size of a string with a {@code width}-byte length. */
  public static int stringSize(String value, int width) {
    return width + Utf8.length(value);
  }

  // ---- Checking record components -------------------------------------------------------------

  public static int checkU8(int value, String field) {
    return checkRange(value, 0xFF, "u8", field);
  }

  public static int checkU16(int value, String field) {
    return checkRange(value, 0xFFFF, "u16", field);
  }

  public static long checkU32(long value, String field) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(field + " must be a u32 (0 to 4294967295): " + value);
    }
    return value;
  }

  private static int checkRange(int value, int max, String type, String field) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(field + " must be a " + type + " (0 to " + max + "): " + value);
    }
    return value;
  }

  /**
   * Non-null, and a UTF-8 length that fits its prefix. Every char takes at most three bytes of
   * UTF-8 (a surrogate pair four for its two chars), so a string of at most a third of the prefix's
   * maximum in chars fits without being scanned: records decoded from the wire, whose strings
   * were just checked as UTF-8, are not read a second time. A longer string is measured, which
   * also refuses an unpaired surrogate; in a shorter one, an unpaired surrogate (which UTF-8
   * cannot carry) is refused when the message is sized or encoded.
   */
  public static String checkString(String value, int width, String field) {
    Objects.requireNonNull(value, field);
    if ((long) value.length() * 3 <= maxOf(width)) {
      return value;
    }
    int length;
    try {
      length = Utf8.length(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
    if (length > maxOf(width)) {
      throw new IllegalArgumentException(field + " takes " + length
          + " bytes of UTF-8, more than its u" + (width * 8) + " length allows (" + maxOf(width) + ")");
    }
    return value;
  }

  /** Non-null and a length that fits its prefix. */
  public static Bytes checkBytes(Bytes value, int width, String field) {
    Objects.requireNonNull(value, field);
    if (value.size() > maxOf(width)) {
      throw new IllegalArgumentException(field + " has " + value.size()
          + " bytes, more than its u" + (width * 8) + " length allows (" + maxOf(width) + ")");
    }
    return value;
  }

  /** Non-null and exactly {@code size} bytes. */
  public static Bytes checkFixedBytes(Bytes value, int size, String field) {
    Objects.requireNonNull(value, field);
    if (value.size() != size) {
      throw new IllegalArgumentException(field + " must have exactly " + size + " bytes, not " + value.size());
    }
    return value;
  }

  /**
   * An unmodifiable copy of {@code list}, after checking it is non-null, has no null element and
   * has a size that fits its count prefix. A list that a decoder built is taken as it is.
   */
  public static <E> List<E> checkList(List<E> list, int width, String field) {
    Objects.requireNonNull(list, field);
    if (list.size() > maxOf(width)) {
      throw new IllegalArgumentException(field + " has " + list.size()
          + " elements, more than its u" + (width * 8) + " count allows (" + maxOf(width) + ")");
    }
    if (list instanceof ImmutableArrayList<E>) {
      return list;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw new NullPointerException(field + "[" + i + "]");
      }
    }
    return List.copyOf(list);
  }

  private static long maxOf(int width) {
    return (1L << (width * 8)) - 1;
  }

  /** {@code field[index]}: an element's name, built only when a check fails. */
  public static String element(String field, int index) {
    return field + "[" + index + "]";
  }
}
