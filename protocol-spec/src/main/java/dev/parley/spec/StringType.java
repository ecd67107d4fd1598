package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code string<size>}: UTF-8 bytes, and how a decoder knows where they end: a byte count of a
 * prefix width before them ({@code string<u8>}; {@code string} alone is {@code string<u16>}), a
 * 0x00 after them ({@code string<nul>}), an earlier field ({@code string<key_length>}) or the end
 * of the frame ({@code string<rest>}).
 */
public record StringType(Size size) implements FieldType {

  public StringType {
    requireNonNull(size, "size");
    if (size instanceof Size.Until) {
      throw new IllegalArgumentException("a string has no sentinel: " + size);
    }
  }

  /** A string with a byte count of {@code width} before it. */
  public StringType(PrefixWidth width) {
    this(new Size.Prefix(width));
  }

  /** The width of the byte count before the string, when it has one. */
  public java.util.Optional<PrefixWidth> prefix() {
    return size instanceof Size.Prefix p ? java.util.Optional.of(p.width()) : java.util.Optional.empty();
  }

  @Override
  public int minimumSize() {
    return size instanceof Size.Terminated ? 1 : size.prefixSize();
  }

  @Override
  public String displayName() {
    return FieldType.sized("string", size);
  }
}
