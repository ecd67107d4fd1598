package dev.parley.testing;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.HeaderField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Damages valid frames the ways networks and attackers do: flipped bits, cut bodies, inflated
 * length prefixes, bytes overwritten with 0xFF (which inflates any length or count they land on).
 * The result is a whole frame: length prefix and body, the prefix kept consistent with the body
 * unless the damage is to the prefix itself.
 */
public final class Corruption {

  private Corruption() {}

  /**
   * One random kind of damage applied to {@code frame}: a length prefix and its body, or, for a
   * format with a header, a whole frame as its protocol writes it.
   */
  public static byte[] corrupt(byte[] frame, FrameFormat format, RandomGenerator rnd) {
    if (format.hasHeader()) {
      return corruptWithHeader(frame, format, rnd);
    }
    int prefix = format.lengthSize();
    byte[] body = Arrays.copyOfRange(frame, prefix, frame.length);
    switch (rnd.nextInt(5)) {
      case 0 -> { // flip a few bits of the body
        for (int i = 0, n = 1 + rnd.nextInt(3); i < n && body.length > 0; i++) {
          body[rnd.nextInt(body.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 1 -> body = Arrays.copyOf(body, body.length == 0 ? 0 : rnd.nextInt(body.length)); // cut short
      case 2 -> { // a length or count claiming far more than is there
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n && body.length > 0; i++) {
          body[rnd.nextInt(body.length)] = (byte) 0xFF;
        }
      }
      case 3 -> { // trailing garbage, as from a newer writer or a confused one
        byte[] longer = Arrays.copyOf(body, body.length + 1 + rnd.nextInt(8));
        for (int i = body.length; i < longer.length; i++) {
          longer[i] = (byte) rnd.nextInt();
        }
        body = longer;
      }
      default -> { // the frame's own length lies: the body stays, the prefix claims more
        return withPrefix(body, format, body.length + 1 + rnd.nextInt(1 << 20));
      }
    }
    return withPrefix(body, format, body.length);
  }

  /**
   * Damage to a frame with a header: any byte but the length's may change (a constant, the type id,
   * a header field, the body), the frame may be cut short or grow, and the length is kept true to
   * the damaged frame, unless the damage is to the length itself, which then claims more than is
   * there, or a value no frame can have. A varint length kept true is written again for the
   * damaged body, in the bytes its size needs; a varint that lies keeps its bytes' count, and
   * claims more than is there, is not in its fewest bytes, or runs on into the body.
   */
  private static byte[] corruptWithHeader(byte[] frame, FrameFormat format, RandomGenerator rnd) {
    Optional<HeaderField> length = format.lengthField();
    boolean varint = length.isPresent() && length.get().isVarint();
    int lengthAt = length.map(format::offsetOf).orElse(-1);
    // A varint ends the header, after the bytes its value takes in this frame.
    int headerSize = varint ? format.headerSize(ByteBuffer.wrap(frame), 0) : format.headerSize();
    int lengthEnd = length.map(f -> varint ? headerSize : lengthAt + f.size()).orElse(-1);
    byte[] damaged = frame.clone();
    int header = Math.min(headerSize, frame.length);
    switch (rnd.nextInt(length.isPresent() ? 5 : 4)) {
      case 0 -> { // flip a few bits outside the length
        for (int i = 0, n = 1 + rnd.nextInt(3); i < n && damaged.length > 0; i++) {
          int at = rnd.nextInt(damaged.length);
          if (at < lengthAt || at >= lengthEnd) {
            damaged[at] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
      }
      case 1 -> damaged = Arrays.copyOf(damaged, header + (frame.length == header ? 0 : rnd.nextInt(frame.length - header)));
      case 2 -> { // 0xFF over bytes of the body, inflating any size or count it lands on
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n && damaged.length > header; i++) {
          damaged[header + rnd.nextInt(damaged.length - header)] = (byte) 0xFF;
        }
      }
      case 3 -> { // trailing garbage
        damaged = Arrays.copyOf(damaged, damaged.length + 1 + rnd.nextInt(8));
        for (int i = frame.length; i < damaged.length; i++) {
          damaged[i] = (byte) rnd.nextInt();
        }
      }
      default -> { // the length lies: more than is there, or a value no frame can have
        if (varint) {
          return varintLies(damaged, lengthAt, lengthEnd, rnd);
        }
        HeaderField field = length.get();
        long claimed = switch (rnd.nextInt(3)) {
          case 0 -> format.lengthValue(frame.length) + 1 + rnd.nextInt(1 << 20);
          case 1 -> field.isSigned() ? -1 - rnd.nextInt(1 << 16) : 0;
          default -> -1; // every bit set: the largest unsigned value, -1 when signed
        };
        putBits(damaged, lengthAt, field.size(), bigEndian(field, format), claimed);
        return damaged;
      }
    }
    if (varint) {
      return withVarint(damaged, lengthAt, lengthEnd);
    }
    if (length.isPresent() && damaged.length >= lengthEnd && damaged.length >= format.headerSize()) {
      putBits(damaged, lengthAt, length.get().size(), bigEndian(length.get(), format),
          format.lengthValue(damaged.length));
    }
    return damaged;
  }

  /**
   * {@code damaged} with its varint length, at {@code [lengthAt, lengthEnd)}, written again for the
   * bytes after it, in as many bytes as their count needs (which may be more than the format
   * allows: the reader refuses that).
   */
  private static byte[] withVarint(byte[] damaged, int lengthAt, int lengthEnd) {
    int body = damaged.length - lengthEnd;
    int size = FrameFormat.varintSize(body);
    byte[] frame = new byte[lengthAt + size + body];
    System.arraycopy(damaged, 0, frame, 0, lengthAt);
    putVarint(frame, lengthAt, body);
    System.arraycopy(damaged, lengthEnd, frame, lengthAt + size, body);
    return frame;
  }

  /** The varint length at {@code [lengthAt, lengthEnd)} of {@code frame} lies, in as many bytes. */
  private static byte[] varintLies(byte[] frame, int lengthAt, int lengthEnd, RandomGenerator rnd) {
    int count = lengthEnd - lengthAt;
    long value = frame.length - lengthEnd;
    long most = (1L << (7 * count)) - 1;
    int kind = rnd.nextInt(3);
    if (kind == 0 && value < most) { // more than is there, in as many bytes
      putVarint(frame, lengthAt, value + 1 + rnd.nextLong(Math.min(most - value, 1 << 20)));
    } else if (kind <= 1 && count > 1) { // a last byte of 0x00: not the fewest bytes
      frame[lengthEnd - 1] = 0;
    } else { // every bit set: the varint runs on into the body
      Arrays.fill(frame, lengthAt, lengthEnd, (byte) 0xFF);
    }
    return frame;
  }

  /** The shortest varint (unsigned LEB128, 7 bits a byte, low group first) of {@code value} at {@code at}. */
  private static void putVarint(byte[] frame, int at, long value) {
    int k = at;
    long rest = value;
    for (; rest >>> 7 != 0; rest >>>= 7) {
      frame[k++] = (byte) (rest & 0x7F | 0x80);
    }
    frame[k] = (byte) rest;
  }

  private static boolean bigEndian(HeaderField field, FrameFormat format) {
    return field.order().orElse(format.byteOrder()) == ByteOrder.BIG_ENDIAN;
  }

  /** The low {@code size} bytes of {@code value} at {@code at}, in the given order. */
  private static void putBits(byte[] frame, int at, int size, boolean bigEndian, long value) {
    for (int k = 0; k < size; k++) {
      frame[at + k] = (byte) (value >>> (8 * (bigEndian ? size - 1 - k : k)));
    }
  }

  /** {@code body} behind a length prefix of {@code format} that says {@code length}. */
  public static byte[] withPrefix(byte[] body, FrameFormat format, long length) {
    ByteBuffer out = ByteBuffer.allocate(format.lengthSize() + body.length).order(format.byteOrder());
    if (format.lengthSize() == 2) {
      out.putShort((short) length);
    } else {
      out.putInt((int) length);
    }
    return out.put(body).array();
  }
}
