package dev.parley.spec;

import java.math.BigInteger;

/**
 * {@code varint<N>}: an unsigned integer written as LEB128, seven bits a byte, least significant
 * group first, in at most {@code maxBytes} bytes and in its shortest form; {@code zigzag<N>}: a
 * signed integer mapped to an unsigned one by zigzag (0, -1, 1, -2 become 0, 1, 2, 3), then
 * written so (SPEC.md 13.11). A value takes 1 to {@code maxBytes} bytes on the wire.
 *
 * @param zigzag whether the value is signed and travels zigzag-mapped
 * @param maxBytes the most bytes the value may take, 1 to 10; ten carry 64 bits
 */
public record VarintType(boolean zigzag, int maxBytes) implements FieldType {

  /** The most bytes any varint takes: ten groups of seven bits carry 64. */
  public static final int MAX_BYTES = 10;

  /** The most bytes of a varint whose every value a Java {@code int} holds. */
  private static final int INT_BYTES = 4;

  public VarintType {
    if (maxBytes < 1 || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException("a varint takes 1 to " + MAX_BYTES + " bytes: " + maxBytes);
    }
  }

  /**
   * Whether its values need a Java {@code long}: above 4 bytes. Up to 4, every value fits an
   * {@code int} (at most 2<sup>28</sup> - 1, or -2<sup>27</sup> to 2<sup>27</sup> - 1 for a
   * zigzag); a {@code varint<10>} carries all 64 bits, in a long's bits as a {@code u64} does.
   */
  public boolean isLong() {
    return maxBytes > INT_BYTES;
  }

  /** The smallest value: 0, or -2<sup>7N-1</sup> for a zigzag (the least long at 10 bytes). */
  public BigInteger minValue() {
    return zigzag ? BigInteger.ONE.shiftLeft(bits() - 1).negate() : BigInteger.ZERO;
  }

  /** The largest value: 2<sup>7N</sup> - 1, or 2<sup>7N-1</sup> - 1 for a zigzag; at 10 bytes, 64 bits'. */
  public BigInteger maxValue() {
    return zigzag
        ? BigInteger.ONE.shiftLeft(bits() - 1).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(bits()).subtract(BigInteger.ONE);
  }

  /** Whether {@code value} is one of the type's values. */
  public boolean fits(BigInteger value) {
    return value.compareTo(minValue()) >= 0 && value.compareTo(maxValue()) <= 0;
  }

  /**
   * The fixed-width integer type whose values and Java mapping of decoded values cover this
   * one's, as {@code parley decode} reports them: {@code u32} or {@code i32} up to 4 bytes,
   * {@code u64} or {@code i64} above.
   */
  public PrimitiveType valueType() {
    if (zigzag) {
      return isLong() ? PrimitiveType.I64 : PrimitiveType.I32;
    }
    return isLong() ? PrimitiveType.U64 : PrimitiveType.U32;
  }

  /** The bits of the unsigned form: seven a byte, at most 64. */
  private int bits() {
    return Math.min(7 * maxBytes, 64);
  }

  /** One byte, for a value below 128 (or of magnitude below 64, zigzag). */
  @Override
  public int minimumSize() {
    return 1;
  }

  @Override
  public String displayName() {
    return (zigzag ? "zigzag" : "varint") + "<" + maxBytes + ">";
  }
}
