package dev.parley.runtime.internal;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

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

  /** The most bytes a varint of 64 bits takes. */
  private static final int MAX_VARINT_BYTES = 10;

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
    return sized(in, prefix(in, width, field), field, at);
  }

  /**
   * An element count of {@code width} bytes, checked so that {@code count * minElementSize}
   * fits the bytes left: a count can never make a decoder allocate more than the frame carries.
   */
  public static int count(ByteBuffer in, int width, int minElementSize, String field)
      throws MalformedFrameException {
    int at = in.position();
    return counted(in, prefix(in, width, field), minElementSize, field, at);
  }

  /**
   * A byte length that an earlier field gave, checked as {@link #length} checks its prefix: from 0
   * to the bytes left. An error is reported at {@code at}, the offset of the field that gave it.
   */
  public static int sized(ByteBuffer in, long length, String field, int at) throws MalformedFrameException {
    if (length < 0 || length > in.remaining()) {
      throw new MalformedFrameException(field, length < 0 ? "length " + length + " is negative"
          : "length " + length + " exceeds the " + in.remaining() + " bytes left", at);
    }
    return (int) length;
  }

  /**
   * An element count that an earlier field gave, checked as {@link #count} checks its prefix: not
   * negative, and {@code count * minElementSize} within the bytes left. An error is reported at
   * {@code at}, the offset of the field that gave it.
   */
  public static int counted(ByteBuffer in, long count, int minElementSize, String field, int at)
      throws MalformedFrameException {
    // Past Integer.MAX_VALUE no list can hold it, and below it the product cannot overflow.
    if (count < 0 || count > Integer.MAX_VALUE || count * minElementSize > in.remaining()) {
      throw new MalformedFrameException(field, count < 0 ? "count " + count + " is negative"
          : minElementSize == 0 ? "count " + count + " exceeds the largest list (" + Integer.MAX_VALUE + ")"
          : "count " + count + " of elements of at least " + minElementSize + " byte"
              + (minElementSize == 1 ? "" : "s") + " exceeds the " + in.remaining() + " bytes left", at);
    }
    return (int) count;
  }

  /**
   * A signed byte length of {@code width} bytes (1, 2 or 4: an i8, i16 or i32), checked as
   * {@link #length} checks its prefix; a negative length is an error.
   */
  public static int signedLength(ByteBuffer in, int width, String field) throws MalformedFrameException {
    int at = in.position();
    return sized(in, signedPrefix(in, width, field), field, at);
  }

  /**
   * A signed element count of {@code width} bytes (1, 2 or 4), checked as {@link #count} checks
   * its prefix; a negative count is an error.
   */
  public static int signedCount(ByteBuffer in, int width, int minElementSize, String field)
      throws MalformedFrameException {
    int at = in.position();
    return counted(in, signedPrefix(in, width, field), minElementSize, field, at);
  }

  /**
   * A signed byte length of {@code width} bytes (1, 2 or 4) where -1 means null, as PostgreSQL
   * writes a NULL column value: -1 is returned, and no bytes follow. Any other negative length is
   * an error; the others are checked as {@link #length} checks its prefix.
   */
  public static int nullableLength(ByteBuffer in, int width, String field) throws MalformedFrameException {
    int at = in.position();
    int length = nullablePrefix(in, width, field, "length");
    return length == -1 ? -1 : sized(in, length, field, at);
  }

  /**
   * A signed element count of {@code width} bytes (1, 2 or 4) where -1 means null, as a nullable
   * list's: -1 is returned, and no elements follow. Any other negative count is an error; the
   * others are checked as {@link #count} checks its prefix.
   */
  public static int nullableCount(ByteBuffer in, int width, int minElementSize, String field)
      throws MalformedFrameException {
    int at = in.position();
    int count = nullablePrefix(in, width, field, "count");
    return count == -1 ? -1 : counted(in, count, minElementSize, field, at);
  }

  /** A signed prefix that may be -1, null, but no other negative value; {@code what} names it in errors. */
  private static int nullablePrefix(ByteBuffer in, int width, String field, String what)
      throws MalformedFrameException {
    int at = in.position();
    int value = signedPrefix(in, width, field);
    if (value < -1) {
      throw new MalformedFrameException(field, what + " " + value + ": only -1, null, may be negative", at);
    }
    return value;
  }

  private static long prefix(ByteBuffer in, int width, String field) throws MalformedFrameException {
    return switch (width) {
      case 1 -> u8(in, field);
      case 2 -> u16(in, field);
      case 4 -> u32(in, field);
      default -> throw new IllegalArgumentException("width " + width);
    };
  }

  private static int signedPrefix(ByteBuffer in, int width, String field) throws MalformedFrameException {
    return switch (width) {
      case 1 -> i8(in, field);
      case 2 -> i16(in, field);
      case 4 -> i32(in, field);
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

  /** {@code length} bytes of strict UTF-8; a {@link #sized} or similar check found them there. */
  public static String stringOf(ByteBuffer in, int length, String field) throws MalformedFrameException {
    return Utf8.decode(in, length, field);
  }

  /** {@code length} bytes; a {@link #sized} or similar check found them there. */
  public static Bytes bytesOf(ByteBuffer in, int length) {
    return Bytes.read(in, length);
  }

  /** The bytes left, to the end of the frame, as strict UTF-8. */
  public static String restString(ByteBuffer in, String field) throws MalformedFrameException {
    return Utf8.decode(in, in.remaining(), field);
  }

  /**
   * The bytes left, to the end of the frame. It declares the exception that every read of a field
   * may throw, so that a decoder of nothing else still reads as every decoder does.
   */
  public static Bytes restBytes(ByteBuffer in) throws MalformedFrameException {
    return Bytes.read(in, in.remaining());
  }

  /**
   * A NUL-terminated string that is its message's last field, which the frame's last byte usually
   * ends: then it is read as a prefixed string is, by the JDK's vectorised UTF-8 decoding, and one
   * vectorised search proves no NUL ends it earlier. A NUL before the last byte still ends it
   * there, as {@link #cstring} reads it. Only for a message's last field: called for every string
   * of a frame, the first try would read the rest of the frame each time.
   */
  public static String lastCString(ByteBuffer in, String field) throws MalformedFrameException {
    return CString.readLast(in, field);
  }

  /**
   * A NUL-terminated string: the strict UTF-8 before the first 0x00 byte, which is consumed and
   * not returned. A string whose terminator is not among the bytes left is an error at its start.
   */
  public static String cstring(ByteBuffer in, String field) throws MalformedFrameException {
    return CString.read(in, field);
  }

  /**
   * An unsigned LEB128 varint of at most {@code maxBytes} bytes (1 to 10): seven bits a byte, the
   * least significant group first, the high bit set on every byte but the last. Refused, at the
   * varint's first byte: one cut short by the end of the frame, one longer than {@code maxBytes},
   * one not in its shortest form (a last byte of 0x00 after others), and one above 64 bits. A
   * value of 64 bits comes back in a long's bits.
   */
  public static long uvarint(ByteBuffer in, int maxBytes, String field) throws MalformedFrameException {
    checkMaxBytes(maxBytes);
    int at = in.position();
    int end = in.limit();
    long value = 0;
    for (int n = 0; ; n++) { // n: the bytes read before this one
      if (at + n == end) {
        throw new MalformedFrameException(field, "varint cut short: need another byte, 0 left", at);
      }
      byte b = in.get(at + n);
      value |= (long) (b & 0x7F) << (7 * n);
      if (b >= 0) {
        if (b == 0 && n > 0) {
          int shortest = uvarintSize(value);
          throw new MalformedFrameException(field, "non-minimal varint: " + (n + 1) + " bytes where "
              + shortest + (shortest == 1 ? " suffices" : " suffice"), at);
        }
        if (n == MAX_VARINT_BYTES - 1 && b > 1) {
          // The tenth byte carries bit 63 only.
          throw new MalformedFrameException(field, "varint above 64 bits: its tenth byte is " + b
              + ", more than 1", at);
        }
        in.position(at + n + 1);
        return value;
      }
      if (n + 1 == maxBytes) {
        throw new MalformedFrameException(field, "varint longer than its " + maxBytes + " byte"
            + (maxBytes == 1 ? "" : "s"), at);
      }
    }
  }

  /**
   * A byte length carried as a {@link #uvarint} of at most {@code maxBytes} bytes, checked as
   * {@link #length} checks its prefix.
   */
  public static int varintLength(ByteBuffer in, int maxBytes, String field) throws MalformedFrameException {
    int at = in.position();
    long length = uvarint(in, maxBytes, field);
    if (length < 0) {
      // Above 2^63: unsigned, so it is too long, not negative.
      throw new MalformedFrameException(field, "length " + Long.toUnsignedString(length) + " exceeds the "
          + in.remaining() + " bytes left", at);
    }
    return sized(in, length, field, at);
  }

  /**
   * An element count carried as a {@link #uvarint} of at most {@code maxBytes} bytes, checked as
   * {@link #count} checks its prefix.
   */
  public static int varintCount(ByteBuffer in, int maxBytes, int minElementSize, String field)
      throws MalformedFrameException {
    int at = in.position();
    long count = uvarint(in, maxBytes, field);
    if (count < 0) {
      // Above 2^63: unsigned, so it is too large, not negative.
      throw new MalformedFrameException(field, "count " + Long.toUnsignedString(count)
          + " exceeds the largest list (" + Integer.MAX_VALUE + ")", at);
    }
    return counted(in, count, minElementSize, field, at);
  }

  /**
   * The CRC-32 (ISO-HDLC, as zip and Ethernet use) of the bytes of {@code buf} from index
   * {@code from} to {@code to}, exclusive; moves nothing.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= buf.limit()}
   */
  public static long crc32(ByteBuffer buf, int from, int to) {
    return checksumOf(new CRC32(), buf, from, to);
  }

  /**
   * The CRC-32C (Castagnoli, as iSCSI and Kafka use) of the bytes of {@code buf} from index
   * {@code from} to {@code to}, exclusive; moves nothing.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= buf.limit()}
   */
  public static long crc32c(ByteBuffer buf, int from, int to) {
    return checksumOf(new CRC32C(), buf, from, to);
  }

  private static long checksumOf(Checksum checksum, ByteBuffer buf, int from, int to) {
    Objects.checkFromToIndex(from, to, buf.limit());
    if (buf.hasArray()) {
      checksum.update(buf.array(), buf.arrayOffset() + from, to - from);
    } else {
      // A view of the span, so that the caller's position and limit stay as they are.
      checksum.update(buf.slice(from, to - from));
    }
    return checksum.getValue();
  }

  /**
   * Checks a checksum: {@code found}, what the frame carries in field {@code field} at
   * {@code offset}, must be {@code computed}, what its bytes give.
   */
  public static void checksum(long found, long computed, String field, int offset)
      throws MalformedFrameException {
    if (found != computed) {
      throw new MalformedFrameException(field, "checksum mismatch: the frame carries " + hex32(found)
          + ", the bytes give " + hex32(computed), offset);
    }
  }

  /**
   * Throws unless nothing is left in {@code in} after the checksum {@code field}: a checksum ends
   * its message, so a byte after it is one no checksum covers, not a newer writer's.
   */
  public static void checksumEnds(ByteBuffer in, String field) throws MalformedFrameException {
    int left = in.remaining();
    if (left > 0) {
      throw new MalformedFrameException(field, left + (left == 1 ? " byte" : " bytes")
          + " after the checksum, which ends the message", in.position());
    }
  }

  private static String hex32(long value) {
    return String.format(Locale.ROOT, "0x%08X", value);
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
    return value < 10 ? Long.toString(value) : "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
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

  /**
   * Writes a signed length or count of {@code width} bytes (1, 2 or 4), -1 for null included: the
   * low {@code width} bytes of {@code value}'s two's complement.
   */
  public static void putSignedLength(ByteBuffer out, int width, int value) {
    putLength(out, width, value);
  }

  /**
   * Writes a NUL-terminated string: its UTF-8, then 0x00. The string holds no U+0000, as
   * {@link #checkCString} made sure.
   */
  public static void putCString(ByteBuffer out, String value) {
    Utf8.encode(value, Utf8.length(value), out);
    out.put((byte) 0);
  }

  /** The encoded size of a NUL-terminated string: its UTF-8 byte length and one for the NUL. */
  public static int cstringSize(String value) {
    return Utf8.length(value) + 1;
  }

  /** Writes {@code value}, unsigned, as a {@link #uvarint} of {@link #uvarintSize} bytes. */
  public static void putUvarint(ByteBuffer out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.put((byte) (value | 0x80));
      value >>>= 7;
    }
    out.put((byte) value);
  }

  /** The bytes of {@code value}, unsigned, as a {@link #uvarint}: 1 to 10. */
  public static int uvarintSize(long value) {
    // Seven bits a byte, and one byte for zero.
    return 1 + (63 - Long.numberOfLeadingZeros(value | 1)) / 7;
  }

  /** Writes a string: its UTF-8 byte length as a {@link #uvarint}, then the UTF-8. */
  public static void putVarintString(ByteBuffer out, String value) {
    int length = Utf8.length(value);
    putUvarint(out, length);
    Utf8.encode(value, length, out);
  }

  /** The encoded size of a string whose UTF-8 byte length goes before it as a {@link #uvarint}. */
  public static int varintStringSize(String value) {
    int length = Utf8.length(value);
    return uvarintSize(length) + length;
  }

  // ---- Mapping values -----------------------------------------------------------------------

  /**
   * The zigzag form of {@code signed}, as protobuf's {@code sint64} carries it in a varint: 0, -1,
   * 1, -2, ... become 0, 1, 2, 3, ..., so that small magnitudes take few bytes.
   */
  public static long zigzag(long signed) {
    return signed << 1 ^ signed >> 63;
  }

  /** The signed value of the zigzag form {@code unsigned}: the inverse of {@link #zigzag}. */
  public static long unzigzag(long unsigned) {
    return unsigned >>> 1 ^ -(unsigned & 1);
  }

  /** The {@code width} bits (1 to 32) of {@code word} from bit {@code shift} up, as an int. */
  public static int bitsOf(long word, int shift, int width) {
    return (int) (word >>> shift & (1L << width) - 1);
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
    return checkString(value, width, false, field, index);
  }

  /**
   * {@link #checkString(String, int, String)} for a signed length of {@code width} bytes, whose
   * maximum is half an unsigned one's: an i16 length allows 32767 bytes.
   */
  public static String checkSignedString(String value, int width, String field) {
    return checkString(value, width, true, field, -1);
  }

  /** {@link #checkSignedString(String, int, String)} for element {@code index} of list {@code field}. */
  public static String checkSignedString(String value, int width, String field, int index) {
    return checkString(value, width, true, field, index);
  }

  private static String checkString(String value, int width, boolean signed, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    long max = maxOf(width, signed);
    if ((long) value.length() * 3 <= max) {
      return value;
    }
    int length;
    try {
      length = Utf8.length(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label(field, index) + ": " + e.getMessage(), e);
    }
    if (length > max) {
      throw new IllegalArgumentException(label(field, index) + " takes " + length
          + " bytes of UTF-8, more than its " + prefixType(width, signed) + " length allows (" + max + ")");
    }
    return value;
  }

  /**
   * Non-null and free of U+0000, which would end a NUL-terminated string early on the wire. An
   * unpaired surrogate, which UTF-8 cannot carry, is refused when the string is sized or encoded,
   * as {@link #checkString(String, int, String)} refuses one in a string too short to measure: a
   * string decoded from the wire is not read a second time, but for the JDK's search for U+0000.
   */
  public static String checkCString(String value, String field) {
    return checkCString(value, field, -1);
  }

  /** {@link #checkCString(String, String)} for element {@code index} of list {@code field}. */
  public static String checkCString(String value, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    int nul = value.indexOf(0);
    if (nul >= 0) {
      throw new IllegalArgumentException(label(field, index) + " contains a NUL character at index " + nul
          + ", which would end it on the wire");
    }
    return value;
  }

  /** Non-null and a length that fits its prefix. */
  public static Bytes checkBytes(Bytes value, int width, String field) {
    return checkBytes(value, width, field, -1);
  }

  /** {@link #checkBytes(Bytes, int, String)} for element {@code index} of list {@code field}. */
  public static Bytes checkBytes(Bytes value, int width, String field, int index) {
    return checkBytes(value, width, false, field, index);
  }

  /** {@link #checkBytes(Bytes, int, String)} for a signed length of {@code width} bytes. */
  public static Bytes checkSignedBytes(Bytes value, int width, String field) {
    return checkBytes(value, width, true, field, -1);
  }

  /** {@link #checkSignedBytes(Bytes, int, String)} for element {@code index} of list {@code field}. */
  public static Bytes checkSignedBytes(Bytes value, int width, String field, int index) {
    return checkBytes(value, width, true, field, index);
  }

  private static Bytes checkBytes(Bytes value, int width, boolean signed, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    if (value.size() > maxOf(width, signed)) {
      throw new IllegalArgumentException(label(field, index) + " has " + value.size()
          + " bytes, more than its " + prefixType(width, signed) + " length allows (" + maxOf(width, signed)
          + ")");
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
    return checkList(list, width, false, field, index);
  }

  /** {@link #checkList(List, int, String)} for a signed count of {@code width} bytes. */
  public static <E> List<E> checkSignedList(List<E> list, int width, String field) {
    return checkList(list, width, true, field, -1);
  }

  /** {@link #checkSignedList(List, int, String)} for element {@code index} of list {@code field}. */
  public static <E> List<E> checkSignedList(List<E> list, int width, String field, int index) {
    return checkList(list, width, true, field, index);
  }

  private static <E> List<E> checkList(List<E> list, int width, boolean signed, String field, int index) {
    if (list instanceof ImmutableArrayList<E> own) {
      // A decoder's own list, the usual case: no copy, and a call to a final class.
      if (own.size() > maxOf(width, signed)) {
        throw tooLong(own.size(), width, signed, field, index);
      }
      return list;
    }
    if (list == null) {
      throw new NullPointerException(label(field, index));
    }
    if (list.size() > maxOf(width, signed)) {
      throw tooLong(list.size(), width, signed, field, index);
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

  private static IllegalArgumentException tooLong(int size, int width, boolean signed, String field, int index) {
    return new IllegalArgumentException(label(field, index) + " has " + size
        + " elements, more than its " + prefixType(width, signed) + " count allows (" + maxOf(width, signed) + ")");
  }

  /**
   * A value that a {@link #uvarint} of at most {@code maxBytes} bytes (1 to 10) carries: below
   * 2<sup>7 * maxBytes</sup>, taken as unsigned. At 10 bytes every long fits, a negative one as
   * the unsigned value of its bits.
   */
  public static long checkUvarint(long value, int maxBytes, String field) {
    return checkUvarint(value, maxBytes, field, -1);
  }

  /** {@link #checkUvarint(long, int, String)} for element {@code index} of list {@code field}. */
  public static long checkUvarint(long value, int maxBytes, String field, int index) {
    checkMaxBytes(maxBytes);
    if (maxBytes < MAX_VARINT_BYTES && value < 0) {
      // Below ten bytes no value has bit 63 set: a negative value is one, not a large unsigned one.
      throw new IllegalArgumentException(label(field, index) + " is " + value + ", outside what a " + maxBytes
          + "-byte varint carries (0 to " + ((1L << 7 * maxBytes) - 1) + ")");
    }
    if (maxBytes < MAX_VARINT_BYTES && value >>> 7 * maxBytes != 0) {
      throw new IllegalArgumentException(label(field, index) + " is " + Long.toUnsignedString(value)
          + ", more than a " + maxBytes + "-byte varint carries (" + ((1L << 7 * maxBytes) - 1) + ")");
    }
    return value;
  }

  /**
   * A value that a zigzag varint of at most {@code maxBytes} bytes (1 to 10) carries: from
   * -2<sup>7 * maxBytes - 1</sup> to 2<sup>7 * maxBytes - 1</sup> - 1, whose {@link #zigzag} form
   * a {@link #uvarint} of that many bytes holds. At 10 bytes every long fits.
   */
  public static long checkZigzag(long value, int maxBytes, String field) {
    return checkZigzag(value, maxBytes, field, -1);
  }

  /** {@link #checkZigzag(long, int, String)} for element {@code index} of list {@code field}. */
  public static long checkZigzag(long value, int maxBytes, String field, int index) {
    checkMaxBytes(maxBytes);
    if (maxBytes < MAX_VARINT_BYTES && zigzag(value) >>> 7 * maxBytes != 0) {
      long bound = 1L << 7 * maxBytes - 1;
      throw new IllegalArgumentException(label(field, index) + " is " + value + ", outside what a " + maxBytes
          + "-byte zigzag varint carries (" + -bound + " to " + (bound - 1) + ")");
    }
    return value;
  }

  /**
   * Non-null, and a UTF-8 length that a {@link #uvarint} of at most {@code maxBytes} bytes holds;
   * measured only when it could be too long, as {@link #checkString(String, int, String)} does.
   */
  public static String checkVarintString(String value, int maxBytes, String field) {
    return checkVarintString(value, maxBytes, field, -1);
  }

  /** {@link #checkVarintString(String, int, String)} for element {@code index} of list {@code field}. */
  public static String checkVarintString(String value, int maxBytes, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    long max = varintMax(maxBytes);
    if ((long) value.length() * 3 <= max) {
      return value;
    }
    int length;
    try {
      length = Utf8.length(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label(field, index) + ": " + e.getMessage(), e);
    }
    if (length > max) {
      throw new IllegalArgumentException(label(field, index) + " takes " + length
          + " bytes of UTF-8, more than its varint<" + maxBytes + "> length allows (" + max + ")");
    }
    return value;
  }

  /** Non-null and a length that a {@link #uvarint} of at most {@code maxBytes} bytes holds. */
  public static Bytes checkVarintBytes(Bytes value, int maxBytes, String field) {
    return checkVarintBytes(value, maxBytes, field, -1);
  }

  /** {@link #checkVarintBytes(Bytes, int, String)} for element {@code index} of list {@code field}. */
  public static Bytes checkVarintBytes(Bytes value, int maxBytes, String field, int index) {
    if (value == null) {
      throw new NullPointerException(label(field, index));
    }
    if (value.size() > varintMax(maxBytes)) {
      throw new IllegalArgumentException(label(field, index) + " has " + value.size()
          + " bytes, more than its varint<" + maxBytes + "> length allows (" + varintMax(maxBytes) + ")");
    }
    return value;
  }

  /**
   * {@link #checkList(List, int, String)} for a count written as a {@link #uvarint} of at most
   * {@code maxBytes} bytes: checked, copied, and no longer than the varint counts.
   */
  public static <E> List<E> checkVarintList(List<E> list, int maxBytes, String field) {
    return checkVarintList(list, maxBytes, field, -1);
  }

  /** {@link #checkVarintList(List, int, String)} for element {@code index} of list {@code field}. */
  public static <E> List<E> checkVarintList(List<E> list, int maxBytes, String field, int index) {
    // A u32 count holds any Java list, so the common check only copies and refuses nulls.
    List<E> checked = checkList(list, 4, false, field, index);
    if (checked.size() > varintMax(maxBytes)) {
      throw new IllegalArgumentException(label(field, index) + " has " + checked.size()
          + " elements, more than its varint<" + maxBytes + "> count allows (" + varintMax(maxBytes) + ")");
    }
    return checked;
  }

  /** {@link #checkOptionalList} for a count written as a {@link #uvarint} of at most {@code maxBytes} bytes. */
  public static <E> Optional<List<E>> checkOptionalVarintList(Optional<List<E>> list, int maxBytes, String field) {
    Objects.requireNonNull(list, field);
    if (list.isEmpty()) {
      return list;
    }
    List<E> value = list.get();
    List<E> checked = checkVarintList(value, maxBytes, field);
    return checked == value ? list : Optional.of(checked);
  }

  /** The largest length or count a varint of {@code maxBytes} bytes holds, at most a Java array's. */
  private static long varintMax(int maxBytes) {
    checkMaxBytes(maxBytes);
    return maxBytes >= 5 ? Integer.MAX_VALUE : (1L << 7 * maxBytes) - 1;
  }

  /** A value that a bit field of {@code width} bits (1 to 31) holds: 0 to 2<sup>width</sup> - 1. */
  public static int checkBits(int value, int width, String field) {
    return checkBits(value, width, field, -1);
  }

  /** {@link #checkBits(int, int, String)} for element {@code index} of list {@code field}. */
  public static int checkBits(int value, int width, String field, int index) {
    if (width < 1 || width > 31) {
      throw new IllegalArgumentException("width " + width);
    }
    if (value >>> width != 0) {
      // Negative values have their top bit set, so they land here too.
      throw new IllegalArgumentException(label(field, index) + " is " + value
          + (value < 0 ? ", less than " : ", more than ") + (width == 1 ? "1 bit holds" : width + " bits hold")
          + " (0 to " + ((1 << width) - 1) + ")");
    }
    return value;
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

  /** The largest value a length or count prefix of {@code width} bytes carries. */
  private static long maxOf(int width, boolean signed) {
    return (1L << (width * 8 - (signed ? 1 : 0))) - 1;
  }

  /** {@code u16}, {@code i32}: the prefix's type, for messages. */
  private static String prefixType(int width, boolean signed) {
    return (signed ? "i" : "u") + width * 8;
  }

  /** {@code field}, or {@code field[index]} for an element: built only once a check has failed. */
  static String label(String field, int index) {
    return index < 0 ? field : field + "[" + index + "]";
  }
  // ---- Sizes kept elsewhere -------------------------------------------------------------------

  /** The UTF-8 byte length of {@code value}: what a field that holds a string's size holds. */
  public static int utf8Length(String value) {
    return Utf8.length(value);
  }

  /** Writes a string's UTF-8 with no length before it: its size is kept elsewhere, or implied. */
  public static void putStringOf(ByteBuffer out, String value) {
    Utf8.encode(value, Utf8.length(value), out);
  }

  /**
   * As {@link #putStringOf(ByteBuffer, String)}, for a string whose UTF-8 length the caller has
   * from {@link #utf8Length} already, to write it in an earlier field: one pass over the chars
   * fewer.
   */
  public static void putStringOf(ByteBuffer out, String value, int utf8Length) {
    Utf8.encode(value, utf8Length, out);
  }

  // ---- Regions --------------------------------------------------------------------------------

  /**
   * Starts a region of {@code length} bytes, already checked against the bytes left: the buffer's
   * limit becomes the region's end, so that what is read inside cannot pass it. Returns the limit
   * to give back to {@link #endRegion}.
   */
  public static int region(ByteBuffer in, int length) {
    int limit = in.limit();
    in.limit(in.position() + length);
    return limit;
  }

  /**
   * Ends a region that {@link #region} started: every byte of it must have been read, since its
   * length said they belong to the value; then the buffer's limit is {@code limit} again.
   */
  public static void endRegion(ByteBuffer in, int limit, String field) throws MalformedFrameException {
    if (in.hasRemaining()) {
      int left = in.remaining();
      in.limit(limit);
      throw new MalformedFrameException(field, "the value ends " + left + " byte" + (left == 1 ? "" : "s")
          + " before its length does", in.position());
    }
    in.limit(limit);
  }

  // ---- Extern types ---------------------------------------------------------------------------

  /** Checks field {@code field}'s value with its codec. */
  public static <T> void checkExtern(dev.parley.runtime.ExternCodec<T> codec, T value, String field) {
    codec.check(value, field);
  }

  /** Checks element {@code index} of list {@code field} with its codec, named {@code field[index]}. */
  public static <T> void checkExtern(dev.parley.runtime.ExternCodec<T> codec, T value, String field, int index) {
    codec.check(value, label(field, index));
  }

  /** A varint's most bytes, as a schema may give it: 1 to {@link #MAX_VARINT_BYTES}. */
  private static void checkMaxBytes(int maxBytes) {
    if (maxBytes < 1 || maxBytes > MAX_VARINT_BYTES) {
      throw new IllegalArgumentException("maxBytes " + maxBytes);
    }
  }
}
