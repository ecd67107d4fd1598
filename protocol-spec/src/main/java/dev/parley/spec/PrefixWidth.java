package dev.parley.spec;

import java.util.Optional;

/**
 * The width of a length or count written before variable-size data: a string's byte count, a
 * list's element count, a frame's length, a message's type id. The signed widths are for the
 * prefixes of existing protocols (PostgreSQL's {@code i16} counts and {@code i32} lengths): their
 * value is never negative, except −1 where the type is {@code nullable}.
 */
public enum PrefixWidth {
  U8("u8", 1, false),
  U16("u16", 2, false),
  U32("u32", 4, false),
  I8("i8", 1, true),
  I16("i16", 2, true),
  I32("i32", 4, true);

  private final String keyword;
  private final int size;
  private final boolean signed;

  PrefixWidth(String keyword, int size, boolean signed) {
    this.keyword = keyword;
    this.size = size;
    this.signed = signed;
  }

  /** Whether the prefix is a two's-complement integer, whose top bit is its sign. */
  public boolean signed() {
    return signed;
  }

  /** The width's name in a schema, such as {@code u16}. */
  public String keyword() {
    return keyword;
  }

  /** Bytes the prefix takes on the wire. */
  public int size() {
    return size;
  }

  /** The largest value the prefix can carry: 255, 65535 or 4294967295; 32767 for an i16. */
  public long maxValue() {
    return (1L << (size * 8 - (signed ? 1 : 0))) - 1;
  }

  /** The width a schema spells {@code keyword}, if any. */
  public static Optional<PrefixWidth> forKeyword(String keyword) {
    for (PrefixWidth width : values()) {
      if (width.keyword.equals(keyword)) {
        return Optional.of(width);
      }
    }
    return Optional.empty();
  }
}
