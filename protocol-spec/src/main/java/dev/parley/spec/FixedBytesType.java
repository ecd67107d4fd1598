package dev.parley.spec;

/** {@code bytes[N]}: exactly {@code size} raw bytes, with no prefix. */
public record FixedBytesType(int size) implements FieldType {

  public FixedBytesType {
    if (size < 1) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
  }

  @Override
  public int minimumSize() {
    return size;
  }

  @Override
  public String displayName() {
    return "bytes[" + size + "]";
  }
}
