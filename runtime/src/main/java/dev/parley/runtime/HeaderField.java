package dev.parley.runtime;

import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Optional;

/**
 * One field of a frame header, as {@link FrameFormat.Builder#header} takes them in wire order: a
 * name, a width of 1, 2, 3, 4 or 8 bytes, unsigned unless {@link #signed()}, in the format's byte
 * order unless given its own, and a {@link Role} that says what the frame reader and writer make of
 * it. Immutable; equal when every one of those is equal.
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

  private HeaderField(String name, int size, boolean signed, Role role, Optional<ByteOrder> order,
      LengthCounts counts, long constant) {
    this.name = name;
    this.size = size;
    this.signed = signed;
    this.role = role;
    this.order = order;
    this.counts = counts;
    this.constant = constant;
  }

  /**
   * The frame's length, {@code size} bytes counting what {@code counts} says.
   *
   * @throws IllegalArgumentException for a blank name or a size other than 1, 2, 3, 4 or 8
   */
  public static HeaderField length(String name, int size, LengthCounts counts) {
    Objects.requireNonNull(counts, "counts");
    return new HeaderField(checkName(name), checkSize(name, size), false, Role.LENGTH, Optional.empty(), counts, 0);
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
    return new HeaderField(name, size, false, Role.TYPE_ID, Optional.empty(), null, 0);
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
    return new HeaderField(name, size, false, Role.CONSTANT, Optional.empty(), null, read(value, size, false));
  }

  /**
   * A field of the header the framing does not look at.
   *
   * @throws IllegalArgumentException for a blank name or a size other than 1, 2, 3, 4 or 8
   */
  public static HeaderField field(String name, int size) {
    return new HeaderField(checkName(name), checkSize(name, size), false, Role.FIELD, Optional.empty(), null, 0);
  }

  /**
   * A copy read as two's complement: a negative length is refused, a signed type id keys its
   * fixed frame sizes by its negative values too, a constant's bytes read as a signed number.
   */
  public HeaderField signed() {
    return new HeaderField(name, size, true, role, order, counts, read(constant, size, true));
  }

  /** A copy in {@code order} whatever the format's byte order. */
  public HeaderField order(ByteOrder order) {
    return new HeaderField(name, size, signed, role, Optional.of(Objects.requireNonNull(order, "order")), counts,
        constant);
  }

  public String name() {
    return name;
  }

  /** Bytes on the wire: 1, 2, 3, 4 or 8. */
  public int size() {
    return size;
  }

  /** Whether the field is read as two's complement. */
  public boolean isSigned() {
    return signed;
  }

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
    if (size == 8) {
      return true;
    }
    int bits = 8 * size;
    return signed ? value >> (bits - 1) == 0 || value >> (bits - 1) == -1 : value >>> bits == 0;
  }

  /** The largest value the field holds; an unsigned 8-byte field is held to a {@code long}'s. */
  long maxValue() {
    return size == 8 ? Long.MAX_VALUE : signed ? (1L << (8 * size - 1)) - 1 : (1L << (8 * size)) - 1;
  }

  /** {@code u16}, {@code i24}: the width and signedness, as SPEC.md writes them. */
  String typeName() {
    return (signed ? "i" : "u") + 8 * size;
  }

  /** {@code value} as it reads in messages: hex for unsigned fields, decimal for signed ones. */
  String format(long value) {
    if (signed) {
      return Long.toString(value);
    }
    return "0x" + Long.toHexString(size == 8 ? value : value & ((1L << (8 * size)) - 1));
  }

  /** The low {@code size} bytes of {@code bits} read as a field of that size and signedness does. */
  private static long read(long bits, int size, boolean signed) {
    int unused = 64 - 8 * size;
    return signed ? bits << unused >> unused : bits << unused >>> unused;
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
        && constant == that.constant;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, size, signed, role, order, counts, constant);
  }

  /**
   * The field as a header lists it: {@code u8 tag type_id}, {@code i32 length counts itself and
   * following}, {@code u8 magic = 0x80}, {@code u24 little-endian length counts the body}.
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
