package dev.parley.runtime;

import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Optional;

/**
 * One field of a frame header, as {@link FrameFormat.Builder#header} takes them in wire order: a
 * name, a width of 1, 2, 3, 4 or 8 bytes, unsigned unless {@link #signed()}, in the format's byte
 * order unless given its own, and a {@link Role} that says what the frame reader and writer make of
 * it. Immutable; equal when every one of those is equal.
 *
 * <p>Most fields lie at a fixed offset from the frame's first byte. Two kinds do not take whole
 * bytes of their own: a {@link #bits(int) bit field} takes some bits of one byte, shared with the
 * bit fields around it (MQTT's packet type and flags), and a {@link #varintLength varint length}
 * takes as many bytes as its value needs, which is why it must end the header (MQTT's remaining
 * length).
 */
public final class HeaderField {

  /** What a header field is to the framing. */
  public enum Role {
    /** The frame's length, which cuts the stream; at most one per header. */
    LENGTH,
    /** The message's type id, which gives the size of a frame without a length; at most one. */
    TYPE_ID,
    /** A value every frame carries, such as a magic byte or a protocol version. */
    CONSTANT,
    /** Any other field: the protocol reads and writes it, the framing does not look at it. */
    FIELD
  }

  private final String name;
  private final int size;
  private final boolean signed;
  private final Role role;
  private final Optional<ByteOrder> order;
  private final LengthCounts counts;
  private final long constant;
  /** The bits of its byte a bit field takes; 0 for a whole field. */
  private final int bitWidth;
  private final boolean varint;

  private HeaderField(String name, int size, boolean signed, Role role, Optional<ByteOrder> order,
      LengthCounts counts, long constant, int bitWidth, boolean varint) {
    this.name = name;
    this.size = size;
    this.signed = signed;
    this.role = role;
    this.order = order;
    this.counts = counts;
    this.constant = constant;
    this.bitWidth = bitWidth;
    this.varint = varint;
  }

  /**
   * The frame's length, {@code size} bytes counting what {@code counts} says.
   *
   * @throws IllegalArgumentException for a blank name or a size other than 1, 2, 3, 4 or 8
   */
  public static HeaderField length(String name, int size, LengthCounts counts) {
    Objects.requireNonNull(counts, "counts");
    return new HeaderField(checkName(name), checkSize(name, size), false, Role.LENGTH, Optional.empty(), counts, 0, 0,
        false);
  }

  /**
   * The message's type id, {@code size} bytes.
   *
   * @throws IllegalArgumentException for a blank name or a size other than 1, 2, 3 or 4
   */
  public static HeaderField typeId(String name, int size) {
    checkSize(checkName(name), size);
    if (size > 4) {
      throw new IllegalArgumentException("type id '" + name + "' must be at most 4 bytes: " + size);
    }
    return new HeaderField(name, size, false, Role.TYPE_ID, Optional.empty(), null, 0, 0, false);
  }

  /**
   * A field every frame carries with {@code value}: the bytes on the wire, which must fit the width
   * signed or not. The constant is what the field reads: {@code constant("v", 2, -2)} is
   * {@code 0xfffe} until made {@link #signed()}, when it is {@code -2} again (an 8-byte constant
   * takes any {@code long}, as the 64 bits it writes).
   *
   * @throws IllegalArgumentException for a blank name, a bad size, or a value that does not fit
   */
  public static HeaderField constant(String name, int size, long value) {
    checkSize(checkName(name), size);
    int bits = 8 * size;
    if (size < 8 && value >>> bits != 0 && value >> (bits - 1) != -1) {
      throw new IllegalArgumentException("constant " + value + " does not fit the " + size + "-byte field '"
          + name + "', signed or not");
    }
    return new HeaderField(name, size, false, Role.CONSTANT, Optional.empty(), null, read(value, 8 * size, false), 0,
        false);
  }

  /**
   * A field of the header the framing does not look at.
   *
   * @throws IllegalArgumentException for a blank name or a size other than 1, 2, 3, 4 or 8
   */
  public static HeaderField field(String name, int size) {
    return new HeaderField(checkName(name), checkSize(name, size), false, Role.FIELD, Optional.empty(), null, 0, 0,
        false);
  }

  /**
   * The frame's length as a variable byte integer (MQTT's remaining length): unsigned LEB128, 7
   * bits a byte, the least significant group first, the high bit of a byte set when another byte
   * follows, in the fewest bytes its value needs and at most {@code maxBytes} (MQTT's 4 hold up to
   * 268,435,455). It counts the bytes after it, {@link LengthCounts#FOLLOWING}, which are the
   * body's, {@link LengthCounts#BODY}: it must be the header's last field, since no field after
   * it would have a fixed offset. {@link #size()} is {@code maxBytes}.
   *
   * @throws IllegalArgumentException for a blank name or {@code maxBytes} other than 1 to 5
   */
  public static HeaderField varintLength(String name, int maxBytes, LengthCounts counts) {
    Objects.requireNonNull(counts, "counts");
    checkName(name);
    if (maxBytes < 1 || maxBytes > 5) {
      throw new IllegalArgumentException("the varint length '" + name + "' may take at most 1 to 5 bytes, not "
          + maxBytes);
    }
    return new HeaderField(name, maxBytes, false, Role.LENGTH, Optional.empty(), counts, 0, 0, true);
  }

  /**
   * A copy read as two's complement: a negative length is refused, a signed type id keys its
   * fixed frame sizes by its negative values too, a constant's bytes read as a signed number.
   *
   * @throws IllegalStateException for a bit field or a varint length, which are unsigned
   */
  public HeaderField signed() {
    if (bitWidth > 0 || varint) {
      throw new IllegalStateException("'" + name + "' is a " + typeName() + (varint ? " length" : " bit field")
          + ", which is unsigned");
    }
    return new HeaderField(name, size, true, role, order, counts, read(constant, 8 * size, true), 0, false);
  }

  /**
   * A copy in {@code order} whatever the format's byte order.
   *
   * @throws IllegalStateException for a varint length, whose byte order is its own
   */
  public HeaderField order(ByteOrder order) {
    Objects.requireNonNull(order, "order");
    if (varint) {
      throw new IllegalStateException("the varint length '" + name + "' has its own byte order: least significant"
          + " group first");
    }
    return new HeaderField(name, size, signed, role, Optional.of(order), counts, constant, bitWidth, false);
  }

  /**
   * A copy that takes {@code width} bits of a byte instead of the whole byte: a type id, a
   * constant or any other field of 1 byte, unsigned. Bit fields one after the other in a header
   * share a byte, the first taking its most significant bits, and together must take all 8 of
   * them: {@code typeId("packet_type", 1).bits(4)} then {@code field("flags", 1).bits(4)} is MQTT's
   * first byte. {@link #size()} stays 1; the format gives the byte's offset, and
   * {@link FrameFormat#readField} and {@link FrameFormat#writeField} read and write the field's
   * bits alone.
   *
   * @throws IllegalArgumentException for a width other than 1 to 7, or a constant that does not
   *     fit it
   * @throws IllegalStateException for a length (which takes bytes of its own), a field of more
   *     than 1 byte, or a signed one
   */
  public HeaderField bits(int width) {
    if (role == Role.LENGTH) {
      throw new IllegalStateException("the length '" + name + "' cannot be a bit field: it takes bytes of its own");
    }
    if (size != 1) {
      throw new IllegalStateException("'" + name + "' is a " + size + "-byte field: a bit field takes bits of"
          + " 1 byte");
    }
    if (signed) {
      throw new IllegalStateException("'" + name + "' is signed: a bit field is unsigned");
    }
    if (width < 1 || width > 7) {
      throw new IllegalArgumentException("bit field '" + name + "' must take 1 to 7 bits (8 are the whole byte,"
          + " a field of its own): " + width);
    }
    if (role == Role.CONSTANT && constant >>> width != 0) {
      throw new IllegalArgumentException("constant " + format(constant) + " does not fit the " + width
          + " bits of '" + name + "'");
    }
    return new HeaderField(name, size, false, role, order, counts, constant, width, false);
  }

  /** The field's name, unique in its header. */
  public String name() {
    return name;
  }

  /**
   * Bytes on the wire: 1, 2, 3, 4 or 8; 1 for a bit field, the byte it shares; the most bytes a
   * varint length may take.
   */
  public int size() {
    return size;
  }

  /** The bits of its byte a {@link #bits(int) bit field} takes, 1 to 7; 0 for a whole field. */
  public int bitWidth() {
    return bitWidth;
  }

  /** Whether this is a {@link #varintLength varint length}. */
  public boolean isVarint() {
    return varint;
  }

  /** Whether the field is read as two's complement. */
  public boolean isSigned() {
    return signed;
  }

  /** What the field is to the framing. */
  public Role role() {
    return role;
  }

  /** The field's own byte order, if it has one; else it is in the format's. */
  public Optional<ByteOrder> order() {
    return order;
  }

  /**
   * What the length counts.
   *
   * @throws IllegalStateException if this is not the {@link Role#LENGTH}
   */
  public LengthCounts counts() {
    if (role != Role.LENGTH) {
      throw new IllegalStateException("'" + name + "' is a " + role + " field, not a length: it counts nothing");
    }
    return counts;
  }

  /**
   * The value every frame carries here.
   *
   * @throws IllegalStateException if this is not a {@link Role#CONSTANT}
   */
  public long constant() {
    if (role != Role.CONSTANT) {
      throw new IllegalStateException("'" + name + "' is a " + role + " field, not a constant");
    }
    return constant;
  }

  /** Whether {@code value} fits this field's width and signedness (any value fits 8 bytes). */
  boolean fits(long value) {
    if (varint) {
      return value >= 0 && value <= maxValue();
    }
    int bits = valueBits();
    if (bits == 64) {
      return true;
    }
    return signed ? value >> (bits - 1) == 0 || value >> (bits - 1) == -1 : value >>> bits == 0;
  }

  /**
   * The largest value the field holds: an unsigned 8-byte field's is held to a {@code long}'s, a
   * bit field's is 2^{@link #bitWidth()} - 1, a varint length's 2^(7 * {@link #size()}) - 1.
   */
  public long maxValue() {
    if (varint) {
      return Varint.maxValue(size);
    }
    int bits = valueBits();
    return bits == 64 ? Long.MAX_VALUE : signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
  }

  /** The bits of the value: the bit field's width, or the whole field's bytes' (not for a varint). */
  private int valueBits() {
    return bitWidth > 0 ? bitWidth : 8 * size;
  }

  /**
   * {@code u16}, {@code i24}: the width and signedness, as SPEC.md writes them; {@code u4} for a
   * bit field of 4 bits, {@code varint<4>} for a varint length of at most 4 bytes.
   */
  String typeName() {
    return varint ? "varint<" + size + ">" : (signed ? "i" : "u") + valueBits();
  }

  /** {@code value} as it reads in messages: hex for unsigned fields, decimal for signed ones. */
  String format(long value) {
    if (signed) {
      return Long.toString(value);
    }
    int bits = varint ? 64 : valueBits();
    return "0x" + Long.toHexString(bits == 64 ? value : value & ((1L << bits) - 1));
  }

  /** The low {@code bits} bits of {@code value} read as a field of that width and signedness does. */
  private static long read(long value, int bits, boolean signed) {
    int unused = 64 - bits;
    return signed ? value << unused >> unused : value << unused >>> unused;
  }

  private static String checkName(String name) {
    if (Objects.requireNonNull(name, "name").isBlank()) {
      throw new IllegalArgumentException("a header field needs a name");
    }
    return name;
  }

  private static int checkSize(String name, int size) {
    if (size != 1 && size != 2 && size != 3 && size != 4 && size != 8) {
      throw new IllegalArgumentException("header field '" + name + "' must be 1, 2, 3, 4 or 8 bytes: " + size);
    }
    return size;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HeaderField that
        && name.equals(that.name)
        && size == that.size
        && signed == that.signed
        && role == that.role
        && order.equals(that.order)
        && counts == that.counts
        && constant == that.constant
        && bitWidth == that.bitWidth
        && varint == that.varint;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, size, signed, role, order, counts, constant, bitWidth, varint);
  }

  /**
   * The field as a header lists it: {@code u8 tag type_id}, {@code i32 length counts itself and
   * following}, {@code u8 magic = 0x80}, {@code u24 little-endian length counts the body},
   * {@code u4 packet_type type_id} (a bit field), {@code varint<4> remaining_length counts
   * following}.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(typeName());
    order.ifPresent(o -> s.append(o == ByteOrder.BIG_ENDIAN ? " big-endian" : " little-endian"));
    s.append(' ').append(name);
    switch (role) {
      case LENGTH -> s.append(" counts ").append(counts.description());
      case TYPE_ID -> s.append(" type_id");
      case CONSTANT -> s.append(" = ").append(format(constant));
      case FIELD -> { }
    }
    return s.toString();
  }
}
