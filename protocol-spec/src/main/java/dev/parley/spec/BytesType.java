package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code bytes<size>}: raw bytes, and how a decoder knows where they end: a byte count of a prefix
 * width before them ({@code bytes} alone is {@code bytes<u16>}), an earlier field
 * ({@code bytes<value_length>}) or the end of the frame ({@code bytes<rest>}).
 */
public record BytesType(Size size) implements FieldType {

  public BytesType {
    requireNonNull(size, "size");
    if (size instanceof Size.Until || size instanceof Size.Terminated) {
      throw new IllegalArgumentException("bytes cannot end at a sentinel: " + size);
    }
  }

  /** Bytes with a byte count of {@code width} before them. */
  public BytesType(PrefixWidth width) {
    this(new Size.Prefix(width));
  }

  /** The width of the byte count before the bytes, when they have one. */
  public java.util.Optional<PrefixWidth> prefix() {
    return size instanceof Size.Prefix p ? java.util.Optional.of(p.width()) : java.util.Optional.empty();
  }

  @Override
  public int minimumSize() {
    return size.prefixSize();
  }

  @Override
  public String displayName() {
    return FieldType.sized("bytes", size);
  }
}
