package dev.parley.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.parley.spec.EnumType;
import dev.parley.spec.ListType;
import dev.parley.spec.StructType;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.Size;
import dev.parley.spec.StringType;
import dev.parley.spec.Value;
import java.nio.charset.StandardCharsets;

/**
 * The sentinel that ends a list ({@code list<Param, until "">}): its size, how it is written after
 * the elements, and the Java test that a value read is the sentinel (SPEC.md 13.5). The linker
 * allows an integer, an enum or a string with a prefix or a NUL as a sentinel's type.
 */
final class Sentinels {

  private Sentinels() {}

  /** The bytes the sentinel takes on the wire. */
  static int size(Size.Until until) {
    if (until.type() instanceof PrimitiveType p) {
      return p.size();
    } else if (until.type() instanceof EnumType e) {
      return e.underlying().size();
    }
    StringType string = (StringType) until.type();
    int bytes = ((Value.StringValue) until.sentinel()).value().getBytes(StandardCharsets.UTF_8).length;
    return string.size() instanceof Size.Terminated ? bytes + 1 : string.size().prefixSize() + bytes;
  }

  /** Writes the sentinel that ends the list. */
  static void write(CodeBlock.Builder code, Size.Until until, String out) {
    if (until.type() instanceof StringType string) {
      String text = ((Value.StringValue) until.sentinel()).value();
      if (string.size() instanceof Size.Terminated) {
        code.addStatement("$T.putCString($N, $S)", JavaTypes.WIRE, out, text);
      } else {
        code.addStatement("$T.putString($N, $S, $L)", JavaTypes.WIRE, out, text, string.size().prefixSize());
      }
      return;
    }
    PrimitiveType wire = until.type() instanceof EnumType e ? e.underlying() : (PrimitiveType) until.type();
    long value = until.sentinel() instanceof Value.EnumValue e
        ? e.constant().value() : ((Value.IntegerValue) until.sentinel()).value().longValue();
    code.addStatement(switch (wire.size()) {
      case 1 -> CodeBlock.of("$N.put((byte) $L)", out, value);
      case 2 -> CodeBlock.of("$N.putShort((short) $L)", out, value);
      case 3 -> CodeBlock.of("$T.putU24($N, $L)", JavaTypes.WIRE, out, value);
      case 4 -> CodeBlock.of("$N.putInt((int) $LL)", out, value);
      default -> CodeBlock.of("$N.putLong($LL)", out, value);
    });
  }

  /**
   * A boolean expression: whether {@code element}, an element of {@code list}, starts with the
   * sentinel, which writing it would end the list at: a struct by its first field, any other
   * element (boxed in a list) by itself.
   */
  static CodeBlock startsWithSentinel(ListType list, Size.Until until, CodeBlock element, JavaTypes types) {
    CodeBlock first = list.element() instanceof StructType struct
        ? CodeBlock.of("$L.$N()", element, RecordGenerator.javaName(struct.fields().get(0)))
        : element;
    if (until.type() instanceof PrimitiveType && !(list.element() instanceof StructType)) {
      // A boxed element, unboxed for the comparison.
      first = CodeBlock.of("($T) $L", types.javaType(until.type()), first);
    }
    return matches(until, first, types);
  }

  /** A boolean expression: whether {@code value}, a Java value of the sentinel's type, is the sentinel. */
  static CodeBlock matches(Size.Until until, CodeBlock value, JavaTypes types) {
    if (until.sentinel() instanceof Value.StringValue s) {
      return s.value().isEmpty()
          ? CodeBlock.of("$L.isEmpty()", value)
          : CodeBlock.of("$S.equals($L)", s.value(), value);
    } else if (until.sentinel() instanceof Value.EnumValue e) {
      return CodeBlock.of("$L == $T.$N", value, types.className(e.type()), e.constant().name());
    }
    return CodeBlock.of("$L == $L", value, Defaults.value(until.type(), until.sentinel(), types));
  }
}
