package dev.parley.spec.decode;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.Bytes;
import dev.parley.spec.BytesType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FlagBit;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.Value;
import java.util.Optional;

/**
 * The value a reader gives a {@code @since} field that an older writer did not send: its
 * default, converted as the generated code ({@code codegen}'s {@code Defaults}) converts it. A
 * {@code u64} default above {@link Long#MAX_VALUE} keeps its 64 bits. An integer literal given to
 * an {@code f32} or {@code f64} field reaches this class as the nearest double (SPEC.md 5.6, done
 * by the linker), and an {@code f32} then takes the float nearest that double, as generated code
 * does.
 */
final class DefaultValues {

  private DefaultValues() {}

  static DecodedValue of(Field field) {
    if (field.optional() || field.type() instanceof dev.parley.spec.NullableType) {
      return new DecodedValue.OptionalValue(Optional.empty());
    }
    return value(field.type(), field.defaultValue().orElseThrow());
  }

  /** The value that ends a list with a sentinel, as the reader decodes it. */
  static DecodedValue sentinel(dev.parley.spec.Size.Until until) {
    return value(until.type(), until.sentinel());
  }

  private static DecodedValue value(FieldType type, Value value) {
    if (value instanceof Value.IntegerValue i && type instanceof dev.parley.spec.VarintType varint) {
      // As the reader reports a varint: by the fixed-width type that holds its values.
      return new DecodedValue.IntValue(varint.valueType(), i.value().longValue());
    }
    if (value instanceof Value.IntegerValue i) {
      PrimitiveType p = (PrimitiveType) type;
      return switch (p) {
        // The linker gives float fields FloatValues; these two mirror codegen's Defaults.
        case F32 -> new DecodedValue.FloatValue(p, i.value().floatValue());
        case F64 -> new DecodedValue.FloatValue(p, i.value().doubleValue());
        default -> new DecodedValue.IntValue(p, i.value().longValue());
      };
    } else if (value instanceof Value.FloatValue f) {
      PrimitiveType p = (PrimitiveType) type;
      return new DecodedValue.FloatValue(p, p == PrimitiveType.F32 ? (float) f.value() : f.value());
    } else if (value instanceof Value.BoolValue b) {
      return new DecodedValue.BoolValue(b.value());
    } else if (value instanceof Value.StringValue s) {
      return new DecodedValue.StringValue(s.value());
    } else if (value instanceof Value.EnumValue e) {
      return new DecodedValue.EnumValue(e.type(), e.constant());
    } else if (value instanceof Value.FlagsValue f) {
      return new DecodedValue.FlagsValue(f.type(), FlagBit.mask(f.bits()));
    }
    // [] : the empty list or byte string.
    return type instanceof BytesType
        ? DecodedValue.BytesValue.of(Bytes.empty())
        : new DecodedValue.ListValue(ImmutableList.of());
  }
}
