package dev.parley.runtime.internal;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Not API: the wire format's primitive reads, writes and checks, for generated code only (see the
 * {@linkplain dev.parley.runtime.internal package}). Reads check the bytes
 * left before touching them and throw {@link MalformedFrameException} naming the field and the
 * buffer position; checks throw {@link IllegalArgumentException} or {@link NullPointerException}
 * naming the field. Every multi-byte value is read and written in the buffer's current byte order,
 * which the generated protocol sets for the whole frame. Nothing here allocates on success except
 * the value it returns; error messages, and the labels in them, are built only when a check fails.
 *
 * <p>Checks of a list element take the list's name and the element's index, and name the element
 * {@code field[index]} when they fail.
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

  /** Three bytes, unsigned, in the buffer's byte order. */
  public static int u24(ByteBuffer in, String field) throws MalformedFrameException {
    need(in, 3, field);
    int value = getU24(in, in.position());
    in.position(in.position() + 3);
    return value;
  }

  /** Three bytes, two's complement, in the buffer's byte order. */
  public static int i24(ByteBuffer in, String field) throws MalformedFrameException {
    return u24(in, field) << 8 >> 8;
  }

  /** The unsigned three bytes at {@code index}, in the buffer's byte order; moves nothing. */
  public static int getU24(ByteBuffer in, int index) {
    int b0 = in.get(index) & 0xFF;
    int b1 = in.get(index + 1) & 0xFF;
    int b2 = in.get(index + 2) & 0xFF;
    return in.order() == ByteOrder.BIG_ENDIAN ? b0 << 16 | b1 << 8 | b2 : b2 << 16 | b1 << 8 | b0;
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
   * Checks a header constant: {@code found} must be {@code expected}, else the error names the
   * field, both values, and the field's position {@code offset}.
   */
  public static void constant(long found, long expected, String field, int offset)
      throws MalformedFrameException {
    if (found != expected) {
      throw new MalformedFrameException(field, "expected " + hex(expected) + ", found " + hex(found), offset);
    }
  }

  /**
   * Checks a frame's length field against the frame a decoder was given: the field says
   * {@code value}, the frame holds {@code expected} bytes that the length counts.
   */
  public static void frameLength(long value, long expected, String field, int offset)
      throws MalformedFrameException {
    if (value != expected) {
      throw new MalformedFrameException(field, "length " + value + " does not match the frame, which"
          + " holds " + expected + " counted bytes", offset);
    }
  }

  /** A constant as a schema would write it: negative and small numbers in decimal, others in hex. */
  private static String hex(long value) {
    return value < 10 ? Long.toString(value) : "0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
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

  /** Writes the low three bytes of {@code value} in the buffer's byte order. */
  public static void putU24(ByteBuffer out, int value) {
    putU24(out, out.position(), value);
    out.position(out.position() + 3);
  }

  /** Writes the low three bytes of {@code value} at {@code index}; moves nothing. */
  public static void putU24(ByteBuffer out, int index, int value) {
    boolean big = out.order() == ByteOrder.BIG_ENDIAN;
    out.put(index, (byte) (big ? value >> 16 : value));
    out.put(index + 1, (byte) (value >> 8));
    out.put(index + 2, (byte) (big ? value : value >> 16));
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
    return checkRange(value, 0xFF, "u8", field, -1);
  }

  /** {@link #checkU8(int, String)} for element {@code index} of list {@code field}. */
  public static int checkU8(int value, String field, int index) {
    return checkRange(value, 0xFF, "u8", field, index);
  }

  public static int checkU16(int value, String field) {
    return checkRange(value, 0xFFFF, "u16", field, -1);
  }

  /** {@link #checkU16(int, String)} for element {@code index} of list {@code field}. */
  public static int checkU16(int value, String field, int index) {
    return checkRange(value, 0xFFFF, "u16", field, index);
  }

  public static int checkU24(int value, String field) {
    return checkRange(value, 0xFF_FFFF, "u24", field, -1);
  }

  /** {@link #checkU24(int, String)} for element {@code index} of list {@code field}. */
  public static int checkU24(int value, String field, int index) {
    return checkRange(value, 0xFF_FFFF, "u24", field, index);
  }

  public static int checkI24(int value, String field) {
    return checkI24(value, field, -1);
  }

  /** {@link #checkI24(int, String)} for element {@code index} of list {@code field}. */
  public static int checkI24(int value, String field, int index) {
    if (value < -0x80_0000 || value > 0x7F_FFFF) {
      throw new IllegalArgumentException(label(field, index) + " must be an i24 (-8388608 to 8388607): " + value);
    }
    return value;
  }

  public static long checkU32(long value, String field) {
    return checkU32(value, field, -1);
  }

  /** {@link #checkU32(long, String)} for element {@code index} of list {@code field}. */
  public static long checkU32(long value, String field, int index) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(label(field, index) + " must be a u32 (0 to 4294967295): " + value);
    }
    return value;
  }

  private static int checkRange(int value, int max, String type, String field, int index) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(label(field, index) + " must be a " + type + " (0 to " + max + "): "
          + value);
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
    return checkString(value, width, field, -1);
  }

  /** {@link #checkString(String, int, String)} for element {@code index} of list {@code field}. */
  public static String checkString(String value, int width, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    if ((long) value.length() * 3 <= maxOf(width)) {
      return value;
    }
    int length;
    try {
      length = Utf8.length(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label(field, index) + ": " + e.getMessage(), e);
    }
    if (length > maxOf(width)) {
      throw new IllegalArgumentException(label(field, index) + " takes " + length
          + " bytes of UTF-8, more than its u" + (width * 8) + " length allows (" + maxOf(width) + ")");
    }
    return value;
  }

  /** Non-null and a length that fits its prefix. */
  public static Bytes checkBytes(Bytes value, int width, String field) {
    return checkBytes(value, width, field, -1);
  }

  /** {@link #checkBytes(Bytes, int, String)} for element {@code index} of list {@code field}. */
  public static Bytes checkBytes(Bytes value, int width, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    if (value.size() > maxOf(width)) {
      throw new IllegalArgumentException(label(field, index) + " has " + value.size()
          + " bytes, more than its u" + (width * 8) + " length allows (" + maxOf(width) + ")");
    }
    return value;
  }

  /** Non-null and exactly {@code size} bytes. */
  public static Bytes checkFixedBytes(Bytes value, int size, String field) {
    return checkFixedBytes(value, size, field, -1);
  }

  /** {@link #checkFixedBytes(Bytes, int, String)} for element {@code index} of list {@code field}. */
  public static Bytes checkFixedBytes(Bytes value, int size, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    if (value.size() != size) {
      throw new IllegalArgumentException(label(field, index) + " must have exactly " + size + " bytes, not "
          + value.size());
    }
    return value;
  }

  /**
   * An immutable copy of {@code list}, after checking it is non-null, has no null element and has
   * a size that fits its count prefix. The copy shares no mutable state with {@code list}: an
   * element that is itself a list is copied too, all the way down. A list built by a
   * {@link ListBuilder} (what decoders build) or by an earlier call is returned as it is, and so
   * is an unmodifiable list of the JDK ({@code List.of}, {@code List.copyOf}) that holds no list.
   */
  public static <E> List<E> checkList(List<E> list, int width, String field) {
    return checkList(list, width, field, -1);
  }

  /** {@link #checkList(List, int, String)} for element {@code index} of list {@code field}. */
  public static <E> List<E> checkList(List<E> list, int width, String field, int index) {
    if (list instanceof ImmutableArrayList<E> own) {
      // A decoder's own list, the usual case: no copy, and a call to a final class.
      if (own.size() > maxOf(width)) {
        throw tooLong(own.size(), width, field, index);
      }
      return list;
    }
    if (list == null) {
      throw new NullPointerException(label(field, index));
    }
    if (list.size() > maxOf(width)) {
      throw tooLong(list.size(), width, field, index);
    }
    List<E> copy;
    try {
      // Returns an unmodifiable JDK list as it is; copies anything else, and its copy cannot
      // change under us, unlike the caller's list.
      copy = List.copyOf(list);
    } catch (NullPointerException e) {
      throw new NullPointerException(label(field, index) + "[" + indexOfNull(list) + "]");
    }
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i) instanceof List<?>) {
        // A list of lists: the JDK's copy is shallow, so copy each element list too.
        try {
          return ImmutableArrayList.deepCopy(copy);
        } catch (NullPointerException e) {
          throw new NullPointerException(label(field, index) + e.getMessage());
        }
      }
    }
    return copy;
  }

  private static IllegalArgumentException tooLong(int size, int width, String field, int index) {
    return new IllegalArgumentException(label(field, index) + " has " + size
        + " elements, more than its u" + (width * 8) + " count allows (" + maxOf(width) + ")");
  }

  /**
   * An optional list, checked and copied as by {@link #checkList}: the same optional when its
   * list needs no copy.
   */
  public static <E> Optional<List<E>> checkOptionalList(Optional<List<E>> list, int width, String field) {
    Objects.requireNonNull(list, field);
    if (list.isEmpty()) {
      return list;
    }
    List<E> value = list.get();
    List<E> checked = checkList(value, width, field);
    return checked == value ? list : Optional.of(checked);
  }

  /**
   * A check of an element of a list within list {@code field}, failed: the same problem, named
   * {@code field[index]} then the inner element ({@code grid[1][2]}). Generated constructors call
   * it as a failure travels out of a nested list.
   */
  public static IllegalArgumentException within(IllegalArgumentException e, String field, int index) {
    return new IllegalArgumentException(label(field, index) + e.getMessage(), e);
  }

  /** Where the null is, for a message; a list that then says it holds none gets a "?". */
  private static String indexOfNull(List<?> list) {
    try {
      int i = list.indexOf(null);
      return i < 0 ? "?" : Integer.toString(i);
    } catch (RuntimeException e) {
      return "?";
    }
  }

  private static long maxOf(int width) {
    return (1L << (width * 8)) - 1;
  }

  /** {@code field}, or {@code field[index]} for an element: built only once a check has failed. */
  static String label(String field, int index) {
    return index < 0 ? field : field + "[" + index + "]";
  }
}
