package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * How a decoder knows where variable-size data ends: the byte length of a {@code string} or
 * {@code bytes}, or the element count of a {@code list}. A schema writes it between the type's
 * angle brackets: {@code string<u8>}, {@code string<nul>}, {@code bytes<key_length>},
 * {@code bytes<rest>}, {@code list<Param, until "">}, {@code list<T, varint<4>>}.
 */
public sealed interface Size {

  /** The size as the schema writes it between the angle brackets. */
  String keyword();

  /** The bytes the size itself takes before the data: 0 when it is kept elsewhere or implied. */
  int prefixSize();

  /** The largest length or count the size can say; a frame bounds the others. */
  default long maxValue() {
    return Integer.MAX_VALUE;
  }

  /** {@code <u16>}: a length or count of {@code width} just before the data (SPEC.md 8.4). */
  record Prefix(PrefixWidth width) implements Size {
    public Prefix {
      requireNonNull(width, "width");
    }

    @Override
    public String keyword() {
      return width.keyword();
    }

    @Override
    public int prefixSize() {
      return width.size();
    }

    @Override
    public long maxValue() {
      return width.maxValue();
    }
  }

  /**
   * {@code <varint<4>>}: a length or count written as an unsigned LEB128 varint of at most
   * {@code maxBytes} bytes just before the data, in its shortest form (SPEC.md 13.11).
   *
   * @param maxBytes the most bytes the varint may take, 1 to 10
   */
  record Varint(int maxBytes) implements Size {
    public Varint {
      if (maxBytes < 1 || maxBytes > VarintType.MAX_BYTES) {
        throw new IllegalArgumentException("a varint takes 1 to " + VarintType.MAX_BYTES + " bytes: " + maxBytes);
      }
    }

    @Override
    public String keyword() {
      return "varint<" + maxBytes + ">";
    }

    /** The fewest bytes the varint takes: one, for a length or count below 128. */
    @Override
    public int prefixSize() {
      return 1;
    }

    /** The largest value {@code maxBytes} bytes hold, at most the largest Java array or list. */
    @Override
    public long maxValue() {
      return maxBytes >= 5 ? Integer.MAX_VALUE : (1L << 7 * maxBytes) - 1;
    }
  }

  /** {@code <nul>}: a string's UTF-8 bytes, then one 0x00 byte that ends them (SPEC.md 13.2). */
  record Terminated() implements Size {
    @Override
    public String keyword() {
      return "nul";
    }

    @Override
    public int prefixSize() {
      return 0;
    }
  }

  /**
   * {@code <key_length>}: the length or count is the value of an earlier integer field of the same
   * struct or message, which the encoder computes and the record does not hold (SPEC.md 13.3).
   *
   * @param field the schema name of the field that holds the size
   * @param type that field's integer type, which bounds the size
   * @param header whether the field is an application field of the frame header (memcached's key
   *     length), not of the message's body
   */
  record FieldRef(String field, PrimitiveType type, boolean header) implements Size {
    public FieldRef {
      requireNonNull(field, "field");
      requireNonNull(type, "type");
    }

    @Override
    public String keyword() {
      return field;
    }

    @Override
    public int prefixSize() {
      return 0;
    }

    /** The largest size the field can hold. */
    @Override
    public long maxValue() {
      return type.maxValue().min(java.math.BigInteger.valueOf(Integer.MAX_VALUE)).longValueExact();
    }
  }

  /** {@code <rest>}: the data takes every byte left in the frame; only the last field (SPEC.md 13.4). */
  record Rest() implements Size {
    @Override
    public String keyword() {
      return "rest";
    }

    @Override
    public int prefixSize() {
      return 0;
    }
  }

  /**
   * {@code <until VALUE>}: a list's elements follow one another until one starts with
   * {@code sentinel}; that first value alone is written, and ends the list (SPEC.md 13.5).
   *
   * @param sentinel the value that ends the list
   * @param type the type of the value compared: the element's, or its first field's
   */
  record Until(Value sentinel, FieldType type) implements Size {
    public Until {
      requireNonNull(sentinel, "sentinel");
      requireNonNull(type, "type");
    }

    @Override
    public String keyword() {
      return "until " + Value.source(sentinel);
    }

    @Override
    public int prefixSize() {
      return 0;
    }
  }
}
