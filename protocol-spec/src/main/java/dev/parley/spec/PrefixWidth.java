package dev.parley.spec;

import java.util.Optional;

/**
 * The width of an unsigned length or count written before variable-size data: a string's byte
 * count, a list's element count, a frame's length, a message's type id.
 */
public enum PrefixWidth {
  U8("u8", 1),
  U16("u16", 2),
  U32("u32", 4);

  private final String keyword;
  private final int size;

  PrefixWidth(String keyword, int size) {
    this.keyword = keyword;
    this.size = size;
  }

  /** The width's name in a schema, such as {@code u16}. */
  public String keyword() {
    return keyword;
  }

  /** Bytes the prefix takes on the wire. */
  public int size() {
    return size;
  }

  /** The largest value the prefix can carry: 255, 65535 or 4294967295. */
  public long maxValue() {
    return (1L << (size * 8)) - 1;
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
