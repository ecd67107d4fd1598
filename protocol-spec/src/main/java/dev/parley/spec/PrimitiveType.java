package dev.parley.spec;

import java.math.BigInteger;
import java.util.Optional;

/** The fixed-size scalar types of the language, each with its wire width and value range. */
public enum PrimitiveType implements FieldType {
  U8("u8", 1, false),
  U16("u16", 2, false),
  U24("u24", 3, false),
  U32("u32", 4, false),
  U64("u64", 8, false),
  I8("i8", 1, true),
  I16("i16", 2, true),
  I24("i24", 3, true),
  I32("i32", 4, true),
  I64("i64", 8, true),
  F32("f32", 4, true),
  F64("f64", 8, true),
  BOOL("bool", 1, false);

  private final String keyword;
  private final int size;
  private final boolean signed;

  PrimitiveType(String keyword, int size, boolean signed) {
    this.keyword = keyword;
    this.size = size;
    this.signed = signed;
  }

  /** The type's name in a schema, such as {@code u16}. */
  public String keyword() {
    return keyword;
  }

  /** Bytes on the wire. */
  public int size() {
    return size;
  }

  public boolean isInteger() {
    return this != F32 && this != F64 && this != BOOL;
  }

  public boolean isFloatingPoint() {
    return this == F32 || this == F64;
  }

  public boolean isSigned() {
    return signed;
  }

  /** Smallest value of an integer type. */
  public BigInteger minValue() {
    requireInteger();
    return signed ? BigInteger.ONE.shiftLeft(size * 8 - 1).negate() : BigInteger.ZERO;
  }

  /** Largest value of an integer type. */
  public BigInteger maxValue() {
    requireInteger();
    return signed
        ? BigInteger.ONE.shiftLeft(size * 8 - 1).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(size * 8).subtract(BigInteger.ONE);
  }

  /** Whether an integer type can hold {@code value}. */
  public boolean fits(BigInteger value) {
    return value.compareTo(minValue()) >= 0 && value.compareTo(maxValue()) <= 0;
  }

  @Override
  public int minimumSize() {
    return size;
  }

  @Override
  public String displayName() {
    return keyword;
  }

  /** The primitive type a schema spells {@code keyword}, if any. */
  public static Optional<PrimitiveType> forKeyword(String keyword) {
    for (PrimitiveType type : values()) {
      if (type.keyword.equals(keyword)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  private void requireInteger() {
    if (!isInteger()) {
      throw new UnsupportedOperationException(keyword + " is not an integer type");
    }
  }
}
