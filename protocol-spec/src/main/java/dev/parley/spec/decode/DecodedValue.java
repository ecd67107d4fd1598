package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.Bytes;
import dev.parley.spec.EnumConstant;
import dev.parley.spec.EnumType;
import dev.parley.spec.FlagBit;
import dev.parley.spec.FlagsType;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.StructType;
import java.io.IOException;
import java.util.Optional;

/** A value read from a frame body by {@link SchemaDecoder}, one variant per kind of schema type. */
public sealed interface DecodedValue {

  /**
   * An integer of any width: {@code u8} to {@code u32} and the signed types as their value, a
   * {@code u64} as its unsigned bits. A varint comes as the fixed-width type that holds its values
   * ({@link dev.parley.spec.VarintType#valueType()}: a {@code varint<10>} as a {@code u64}), a
   * checksum as the {@code u32} the frame carries; {@link DecodedField#field()} has the type the
   * schema wrote.
   */
  record IntValue(PrimitiveType type, long value) implements DecodedValue {
    public IntValue {
      requireNonNull(type, "type");
      if (!type.isInteger()) {
        throw new IllegalArgumentException(type.keyword() + " is not an integer type");
      }
    }

    /** The value in decimal, a {@code u64} read as unsigned. */
    public String decimal() {
      return type == PrimitiveType.U64 ? Long.toUnsignedString(value) : Long.toString(value);
    }
  }

  /** An {@code f32} (held exactly in the double) or an {@code f64}. */
  record FloatValue(PrimitiveType type, double value) implements DecodedValue {
    public FloatValue {
      requireNonNull(type, "type");
      if (!type.isFloatingPoint()) {
        throw new IllegalArgumentException(type.keyword() + " is not a floating-point type");
      }
    }

    /** The shortest decimal that reads back as the same {@code f32} or {@code f64}: {@code 1.5}, {@code NaN}. */
    public String decimal() {
      return type == PrimitiveType.F32 ? Float.toString((float) value) : Double.toString(value);
    }
  }

  /** A {@code bool}: its byte was 1 (true) or 0 (false). */
  record BoolValue(boolean value) implements DecodedValue {}

  /** A string, decoded from strict UTF-8. */
  record StringValue(String value) implements DecodedValue {
    public StringValue {
      requireNonNull(value, "value");
    }
  }

  /**
   * The bytes of a {@code bytes<w>} or {@code bytes[N]}; immutable, equal by content. A class
   * rather than a record so that the decoder can hand over the one copy it makes of a frame's
   * bytes, which may be as long as {@code max_frame_length}, instead of having it copied again.
   */
  final class BytesValue implements DecodedValue {

    private final Bytes bytes;

    /** A value of a copy of {@code bytes}. */
    public BytesValue(byte[] bytes) {
      this(Bytes.of(bytes));
    }

    private BytesValue(Bytes bytes) {
      this.bytes = requireNonNull(bytes, "bytes");
    }

    /** A value of {@code bytes}, which are immutable: the one copy a decoder makes of them. */
    static BytesValue of(Bytes bytes) {
      return new BytesValue(bytes);
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
      return bytes.toByteArray();
    }

    /** How many bytes. */
    public int size() {
      return bytes.size();
    }

    /** The bytes in lower-case hex, two digits each, nothing between: {@code 01ff}. */
    public String hex() {
      return bytes.hex();
    }

    /** Appends {@link #hex()} to {@code out} a few kilobytes at a time. */
    void appendHex(Appendable out) throws IOException {
      FormatOutput.hex(out, bytes);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof BytesValue that && bytes.equals(that.bytes);
    }

    @Override
    public int hashCode() {
      return bytes.hashCode();
    }

    @Override
    public String toString() {
      return "BytesValue[" + hex() + "]";
    }
  }

  /** A declared constant of an enum (an undeclared value is a decode error). */
  record EnumValue(EnumType type, EnumConstant constant) implements DecodedValue {
    public EnumValue {
      requireNonNull(type, "type");
      requireNonNull(constant, "constant");
    }
  }

  /** A set of flags, as the bits that travelled; only declared bits can be set. */
  record FlagsValue(FlagsType type, long bits) implements DecodedValue {
    public FlagsValue {
      requireNonNull(type, "type");
      if ((bits & ~type.mask()) != 0) {
        throw new IllegalArgumentException("undeclared " + type.name() + " bits 0x"
            + Long.toHexString(bits & ~type.mask()));
      }
    }

    /** The bits that are set, in declaration order. */
    public ImmutableList<FlagBit> set() {
      return type.bits().stream()
          .filter(bit -> (bits & 1L << bit.position()) != 0)
          .collect(ImmutableList.toImmutableList());
    }
  }

  /** The value of an {@code optional} field: empty when its presence byte was 0. */
  record OptionalValue(Optional<DecodedValue> value) implements DecodedValue {
    public OptionalValue {
      requireNonNull(value, "value");
    }
  }

  /** A list's elements, in wire order; a list of lists has lists as elements. */
  record ListValue(ImmutableList<DecodedValue> elements) implements DecodedValue {
    public ListValue {
      requireNonNull(elements, "elements");
    }
  }

  /** A value of an extern type, as its codec read it; shown as its {@code toString()}. */
  record ExternValue(dev.parley.spec.ExternType type, Object value) implements DecodedValue {
    public ExternValue {
      requireNonNull(type, "type");
      requireNonNull(value, "value");
    }
  }

  /**
   * A struct's fields, in declaration order; also a {@code bits} type's fields, and a union's
   * default case (its selector and its bytes), named by the union.
   */
  record StructValue(dev.parley.spec.Declaration type, ImmutableList<DecodedField> fields) implements DecodedValue {
    public StructValue {
      requireNonNull(type, "type");
      requireNonNull(fields, "fields");
    }
  }
}
