package dev.parley.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.parley.spec.BytesType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FlagBit;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.Value;
import dev.parley.spec.VarintType;

/** Java expressions for schema values: field defaults and constants. */
final class Defaults {

  private Defaults() {}

  /** The default of a non-optional {@code @since} field. */
  static CodeBlock of(Field field, JavaTypes types) {
    return value(field.type(), field.defaultValue().orElseThrow(), types);
  }

  static CodeBlock value(FieldType type, Value value, JavaTypes types) {
    if (value instanceof Value.IntegerValue i && type instanceof VarintType varint) {
      // A varint<10> above Long.MAX_VALUE keeps its 64 bits, as a u64 does.
      return varint.isLong() ? CodeBlock.of("$LL", i.value().longValue()) : CodeBlock.of("$L", i.value());
    }
    if (value instanceof Value.IntegerValue i) {
      PrimitiveType p = (PrimitiveType) type;
      return switch (p) {
        case I8 -> CodeBlock.of("(byte) $L", i.value());
        case I16 -> CodeBlock.of("(short) $L", i.value());
        case U32, U64, I64 -> CodeBlock.of("$LL", i.value().longValue());
        case F32 -> CodeBlock.of("$Lf", i.value().floatValue());
        case F64 -> CodeBlock.of("$L", i.value().doubleValue());
        default -> CodeBlock.of("$L", i.value());
      };
    } else if (value instanceof Value.FloatValue f) {
      return type == PrimitiveType.F32
          ? CodeBlock.of("$Lf", Float.toString((float) f.value()))
          : CodeBlock.of("$L", Double.toString(f.value()));
    } else if (value instanceof Value.BoolValue b) {
      return CodeBlock.of("$L", b.value());
    } else if (value instanceof Value.StringValue s) {
      return CodeBlock.of("$S", s.value());
    } else if (value instanceof Value.EnumValue e) {
      return CodeBlock.of("$T.$N", types.className(e.type()), e.constant().name());
    } else if (value instanceof Value.FlagsValue f) {
      if (f.bits().isEmpty()) {
        return CodeBlock.of("$T.noneOf($T.class)", JavaTypes.ENUM_SET, types.className(f.type()));
      }
      CodeBlock.Builder bits = CodeBlock.builder();
      for (FlagBit bit : f.bits()) {
        bits.add(bits.isEmpty() ? "$T.$N" : ", $T.$N", types.className(f.type()), bit.name());
      }
      return CodeBlock.of("$T.of($L)", JavaTypes.ENUM_SET, bits.build());
    }
    // The empty value: [] for a list or a byte string.
    return type instanceof BytesType
        ? CodeBlock.of("$T.empty()", JavaTypes.BYTES)
        : CodeBlock.of("$T.of()", JavaTypes.LIST);
  }
}
