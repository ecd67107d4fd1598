package dev.parley.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeName;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.HeaderField;
import dev.parley.spec.FrameField;
import dev.parley.spec.FrameLayout;
import dev.parley.spec.JavaNames;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.SchemaFile;
import java.nio.ByteOrder;
import java.util.stream.Collectors;

/**
 * The code of a declared frame header in the generated protocol: the {@code FrameFormat} that
 * describes it, the statements that write it around a body and patch the length once the body is
 * written, and those that read and check it before dispatching on the type id.
 */
final class HeaderCodec {

  private final SchemaFile file;
  private final FrameLayout frame;
  private final JavaTypes types;

  HeaderCodec(SchemaFile file, JavaTypes types) {
    this.file = file;
    this.frame = file.frame().orElseThrow();
    this.types = types;
  }

  /**
   * {@code 1 + 4}: the header's size as the sum of its fields' widths; with fields of a few bits
   * or a varint length, its fixed part's size, the bytes before the varint.
   */
  CodeBlock headerSize() {
    if (packed()) {
      return CodeBlock.of("$L", frame.fixedHeaderSize());
    }
    return CodeBlock.of("$L", frame.fields().stream().map(f -> Integer.toString(f.type().size()))
        .collect(Collectors.joining(" + ")));
  }

  /** Whether the header has fields of a few bits or a varint length. */
  private boolean packed() {
    return frame.fields().stream().anyMatch(f -> f.bits() > 0 || f.varint() > 0);
  }

  /** Whether the header ends with a varint length, written before the body from its size. */
  boolean varintLength() {
    return frame.varintLength();
  }

  /** The fields of the header by name, for the Javadoc of its size: {@code tag, length}. */
  String fieldNames() {
    return frame.fields().stream().map(FrameField::name).collect(Collectors.joining(", "));
  }

  /** The header as a schema writes it, for Javadoc: {@code u8 tag, i32 length counts ...}. */
  String describe() {
    return frame.fields().stream().map(FrameField::describe).collect(Collectors.joining(", "));
  }

  /** The {@code FrameFormat.builder()...build()} expression of the file's frames. */
  CodeBlock format(String order) {
    CodeBlock.Builder code = CodeBlock.builder()
        .add("$T.builder()\n$>$>.header($T.of(\n$>$>", JavaTypes.FRAME_FORMAT, JavaTypes.LIST);
    for (int i = 0; i < frame.fields().size(); i++) {
      code.add(i == 0 ? "" : ",\n").add(headerField(frame.fields().get(i)));
    }
    code.add("))$<$<\n.byteOrder($T.$N)\n", JavaTypes.BYTE_ORDER, order);
    if (frame.length().isEmpty()) {
      // The sizes the schema's own frame format gives, so that the two cannot differ.
      FrameFormat sizes = file.frameFormat();
      for (var message : file.messages()) {
        int size = sizes.fixedFrameSize(message.id()).getAsInt();
        if (frame.typeId().isPresent()) {
          code.add(".fixedFrameSize($T.TYPE_ID, $L)\n", types.className(message), size);
        } else {
          code.add(".fixedFrameSize($L)\n", size);
        }
      }
    }
    return code.add(".maxFrameLength($L)\n.build()$<$<", file.options().maxFrameLength()).build();
  }

  private static CodeBlock headerField(FrameField field) {
    CodeBlock.Builder code = CodeBlock.builder();
    int size = field.type().size();
    if (field.varint() > 0) {
      return code.add("$T.varintLength($S, $L, $T.$N)", JavaTypes.HEADER_FIELD, field.name(), field.varint(),
          JavaTypes.LENGTH_COUNTS, field.counts().orElseThrow().name()).build();
    }
    switch (field.role()) {
      case LENGTH -> code.add("$T.length($S, $L, $T.$N)", JavaTypes.HEADER_FIELD, field.name(), size,
          JavaTypes.LENGTH_COUNTS, field.counts().orElseThrow().name());
      case TYPE_ID -> code.add("$T.typeId($S, $L)", JavaTypes.HEADER_FIELD, field.name(), size);
      case CONSTANT -> code.add("$T.constant($S, $L, $L)", JavaTypes.HEADER_FIELD, field.name(), size,
          longLiteral(field.type(), field.constant()));
      case FIELD -> code.add("$T.field($S, $L)", JavaTypes.HEADER_FIELD, field.name(), size);
    }
    if (field.type().isSigned()) {
      code.add(".signed()");
    }
    if (field.bits() > 0) {
      code.add(".bits($L)", field.bits());
    }
    field.byteOrder().ifPresent(o -> code.add(".order($T.$N)", JavaTypes.BYTE_ORDER, orderName(o)));
    return code.build();
  }

  /** A constant's bits as a Java literal: an int literal where one holds it, else a long one. */
  static String longLiteral(PrimitiveType type, long bits) {
    String text = FrameLayout.constantText(type, bits);
    long value = FrameLayout.constantValue(type, bits);
    // An unsigned value that is negative as a long is a u64 above 2^63-1: its hex needs the L.
    boolean fitsInt = value == (int) value && (type.isSigned() || value >= 0);
    return fitsInt ? text : text + "L";
  }

  static String orderName(ByteOrder order) {
    return order == ByteOrder.BIG_ENDIAN ? "BIG_ENDIAN" : "LITTLE_ENDIAN";
  }

  /**
   * Writes the header at {@code out}'s position, {@code start}: every field in order, the length
   * as 0 until {@link #patchLength} writes it over once the body is written.
   */
  void write(CodeBlock.Builder code, String out, String message) {
    CodeBlock.Builder packed = null;
    for (FrameField field : frame.fields()) {
      if (field.varint() > 0) {
        code.addStatement("$T.putUvarint($N, bodySize)", JavaTypes.WIRE, out);
        continue;
      }
      if (field.bits() > 0) {
        // Fields of a few bits make one byte between them, written once the byte is whole.
        CodeBlock value = switch (field.role()) {
          case TYPE_ID -> CodeBlock.of("$N.typeId()", message);
          case CONSTANT -> CodeBlock.of("$L", field.constant());
          default -> CodeBlock.of("$N.$N()", message, JavaNames.fieldName(field.name()));
        };
        int shift = frame.shift(field);
        CodeBlock part = shift == 0 ? CodeBlock.of("$L", value) : CodeBlock.of("$L << $L", value, shift);
        packed = packed == null ? CodeBlock.builder().add("$L", part) : packed.add(" | $L", part);
        if (shift == 0) {
          code.addStatement("$N.put((byte) ($L))", out, packed.build());
          packed = null;
        }
        continue;
      }
      CodeBlock value = switch (field.role()) {
        case LENGTH -> CodeBlock.of("0");
        case TYPE_ID -> CodeBlock.of("$N.typeId()", message);
        case CONSTANT -> CodeBlock.of("$L", longLiteral(field.type(), field.constant()));
        case FIELD -> CodeBlock.of("$N.$N()", message, JavaNames.fieldName(field.name()));
      };
      TypeName valueType = switch (field.role()) {
        case LENGTH, TYPE_ID -> TypeName.INT;
        case CONSTANT -> literalType(field);
        case FIELD -> types.javaType(field.type());
      };
      if (field.role() == HeaderField.Role.LENGTH) {
        code.add("// $N: written once the body is\n", field.name());
      }
      inOrder(code, field, out, () -> put(code, field, value, valueType, out, null));
    }
  }

  /** Writes the length over its placeholder, now that {@code out}'s position is the frame's end. */
  void patchLength(CodeBlock.Builder code, String out, String start) {
    FrameField length = frame.length().orElseThrow();
    int offset = frame.offset(length);
    int uncounted = frame.uncounted();
    CodeBlock value = uncounted == 0
        ? CodeBlock.of("$N.position() - $N", out, start)
        : CodeBlock.of("$N.position() - $N - $L", out, start, uncounted);
    inOrder(code, length, out, () -> put(code, length, value, TypeName.INT, out, at(start, offset)));
  }

  /**
   * Reads every header field from {@code in}, checking constants and the length against the frame,
   * and declares a local for the type id and each application field, named as
   * {@link #allocate} named them.
   */
  void read(CodeBlock.Builder code, String in, String start, NameAllocator names) {
    String packedByte = null;
    for (FrameField field : frame.fields()) {
      int offset = frame.offset(field);
      CodeBlock position = at(start, offset);
      if (field.varint() > 0) {
        // Its size varies: what it counts is what follows it, up to the frame's end.
        code.addStatement("$T.frameLength($T.uvarint($N, $L, $S), $N.remaining(), $S, $L)", JavaTypes.WIRE,
            JavaTypes.WIRE, in, field.varint(), field.name(), in, field.name(), position);
        continue;
      }
      if (field.bits() > 0) {
        if (frame.bitOffset(field) % 8 == 0) {
          packedByte = names.newName("headerByte");
          code.addStatement("int $N = $T.u8($N, $S)", packedByte, JavaTypes.WIRE, in, field.name());
        }
        CodeBlock bits = CodeBlock.of("$T.bitsOf($N, $L, $L)", JavaTypes.WIRE, packedByte, frame.shift(field),
            field.bits());
        switch (field.role()) {
          case TYPE_ID -> code.addStatement("int $N = $L", names.get(field), bits);
          case CONSTANT -> code.addStatement("$T.constant($L, $L, $S, $L)", JavaTypes.WIRE, bits, field.constant(),
              field.name(), position);
          default -> code.addStatement("int $N = $L", names.get(field), bits);
        }
        continue;
      }
      CodeBlock read = CodeBlock.of("$T.$N($N, $S)", JavaTypes.WIRE, WireCodec.readMethod(field.type()), in, field.name());
      inOrder(code, field, in, () -> {
        switch (field.role()) {
          case LENGTH -> {
            int uncounted = frame.uncounted();
            code.addStatement("$T.frameLength($L, $N.limit() - $N$L, $S, $L)", JavaTypes.WIRE, read, in, start,
                uncounted == 0 ? "" : " - " + uncounted, field.name(), position);
          }
          case TYPE_ID -> code.addStatement("int $N = $L$L", names.get(field),
              field.type() == PrimitiveType.U32 ? "(int) " : "", read);
          case CONSTANT -> code.addStatement("$T.constant($L, $L, $S, $L)", JavaTypes.WIRE, read,
              longLiteral(field.type(), field.constant()), field.name(), position);
          case FIELD -> code.addStatement("$T $N = $L", types.javaType(field.type()), names.get(field),
              read);
        }
      });
    }
  }

  /** The position of {@code field} in the frame whose first byte is at {@code start}. */
  CodeBlock position(FrameField field, String start) {
    return at(start, frame.offset(field));
  }

  /** The position of the type id in the frame, for the error of an unknown one. */
  CodeBlock typeIdPosition(String start) {
    return at(start, frame.offset(frame.typeId().orElseThrow()));
  }

  /** {@code start + offset}, or {@code start} at offset 0: where a header field is in the buffer. */
  private static CodeBlock at(String start, int offset) {
    return offset == 0 ? CodeBlock.of("$N", start) : CodeBlock.of("$N + $L", start, offset);
  }

  /** Names the locals {@link #read} declares: the type id, then the application fields. */
  void allocate(NameAllocator names) {
    for (FrameField field : frame.fields()) {
      if (field.role() == HeaderField.Role.TYPE_ID) {
        names.newName("typeId", field);
      } else if (field.role() == HeaderField.Role.FIELD) {
        names.newName(JavaNames.fieldName(field.name()), field);
      }
    }
  }

  /** Runs {@code body} with {@code buffer} set to the field's own byte order, if it has one. */
  private void inOrder(CodeBlock.Builder code, FrameField field, String buffer, Runnable body) {
    boolean own = field.byteOrder().isPresent() && field.byteOrder().get() != file.options().byteOrder();
    if (own) {
      code.addStatement("$N.order($T.$N)", buffer, JavaTypes.BYTE_ORDER, orderName(field.byteOrder().get()));
    }
    body.run();
    if (own) {
      code.addStatement("$N.order($T.$N)", buffer, JavaTypes.BYTE_ORDER, orderName(file.options().byteOrder()));
    }
  }

  /** Puts a value at the buffer's position, or at {@code index} when given, at the field's width. */
  private static void put(CodeBlock.Builder code, FrameField field, CodeBlock value, TypeName valueType,
      String out, CodeBlock index) {
    String at = index == null ? "" : index + ", ";
    switch (field.type().size()) {
      case 1 -> code.addStatement("$N.put($L$L)", out, at, narrowed(value, valueType, TypeName.BYTE));
      case 2 -> code.addStatement("$N.putShort($L$L)", out, at, narrowed(value, valueType, TypeName.SHORT));
      case 3 -> code.addStatement("$T.putU24($N, $L$L)", JavaTypes.WIRE, out, at, narrowed(value, valueType, TypeName.INT));
      case 4 -> code.addStatement("$N.putInt($L$L)", out, at, narrowed(value, valueType, TypeName.INT));
      default -> code.addStatement("$N.putLong($L$L)", out, at, narrowed(value, valueType, TypeName.LONG));
    }
  }

  private static CodeBlock narrowed(CodeBlock value, TypeName from, TypeName to) {
    if (from.equals(to)) {
      return value;
    }
    boolean simple = value.toString().matches("[\\w.()]+");
    return simple ? CodeBlock.of("($T) $L", to, value) : CodeBlock.of("($T) ($L)", to, value);
  }

  /** The Java type of a constant's literal: int unless it needs a long. */
  private static TypeName literalType(FrameField field) {
    return longLiteral(field.type(), field.constant()).endsWith("L") ? TypeName.LONG : TypeName.INT;
  }
}
