package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.BitField;
import dev.parley.spec.BitsType;
import dev.parley.spec.GeneratedMember;
import dev.parley.spec.JavaNames;
import javax.lang.model.element.Modifier;

/**
 * Generates the record of a {@code bits} declaration: a component per bit field, range-checked
 * at construction, and the codec that packs them into the underlying integer and out again
 * (SPEC.md 13.7).
 */
final class BitsGenerator {

  private final JavaTypes types;

  BitsGenerator(JavaTypes types) {
    this.types = types;
  }

  TypeSpec bits(BitsType bits) {
    ClassName name = types.className(bits);
    TypeSpec.Builder record = TypeSpec.recordBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames());
    record.addJavadoc(Sources.javadoc(bits.doc().orElse("Bit fields " + bits.name() + ".")
        + "\n\n<p>Packed into a " + bits.underlying().keyword() + ", "
        + (bits.lsbFirst() ? "least" : "most") + " significant bit first."));
    MethodSpec.Builder constructor = MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC);
    boolean throwsOnNull = false;
    for (BitField field : bits.fields()) {
      String java = JavaNames.fieldName(field.name());
      constructor.addParameter(ParameterSpec.builder(javaType(field), java).build());
      record.addJavadoc("\n@param $N $L", java, field.doc().map(Sources::docText)
          .orElse("bits " + (field.shift() + field.width() - 1) + " to " + field.shift()));
      switch (field.kind()) {
        case UINT -> constructor.addStatement("$T.checkBits($N, $L, $S)", JavaTypes.WIRE, java, field.width(),
            field.name());
        case ENUM -> {
          constructor.addStatement("$T.requireNonNull($N, $S)", JavaTypes.OBJECTS, java, field.name());
          throwsOnNull = true;
        }
        case BOOL -> { }
      }
    }
    if (throwsOnNull) {
      constructor.addJavadoc("@throws NullPointerException if a component is null\n");
    }
    constructor.addJavadoc("@throws IllegalArgumentException if a component does not fit its bits\n");
    record.recordConstructor(constructor.build());
    record.addMethod(MethodSpec.methodBuilder(GeneratedMember.ENCODED_SIZE.javaName())
        .addJavadoc("The bytes {@link #encode} writes: always $L.", bits.underlying().size())
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT)
        .addStatement("return $L", bits.underlying().size())
        .build());
    CodeBlock.Builder encode = CodeBlock.builder();
    writeWord(encode, bits, CodeBlock.of("($L)", packed(bits)));
    record.addMethod(MethodSpec.methodBuilder(GeneratedMember.ENCODE.javaName())
        .addJavadoc("Writes the packed fields at the position of {@code out}, in its byte order.")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(JavaTypes.BYTE_BUFFER, "out")
        .addCode(encode.build())
        .build());
    record.addMethod(decode(bits, name));
    return record.build();
  }

  private TypeName javaType(BitField field) {
    return switch (field.kind()) {
      case BOOL -> TypeName.BOOLEAN;
      case UINT -> TypeName.INT;
      case ENUM -> types.className(field.enumType().orElseThrow());
    };
  }

  /** {@code ((long) (qr ? 1 : 0) << 15) | ((long) opcode << 11) | ...}. */
  private static CodeBlock packed(BitsType bits) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (int i = 0; i < bits.fields().size(); i++) {
      BitField field = bits.fields().get(i);
      String java = JavaNames.fieldName(field.name());
      CodeBlock value = switch (field.kind()) {
        case BOOL -> CodeBlock.of("(this.$N ? 1L : 0L)", java);
        case UINT -> CodeBlock.of("(long) this.$N", java);
        case ENUM -> CodeBlock.of("(long) this.$N.value()", java);
      };
      code.add(i == 0 ? "" : "$W| ");
      code.add(field.shift() == 0 ? CodeBlock.of("$L", value) : CodeBlock.of("($L << $L)", value, field.shift()));
    }
    return code.build();
  }

  private static void writeWord(CodeBlock.Builder code, BitsType bits, CodeBlock word) {
    switch (bits.underlying()) {
      case U8 -> code.addStatement("out.put((byte) $L)", word);
      case U16 -> code.addStatement("out.putShort((short) $L)", word);
      case U24 -> code.addStatement("$T.putU24(out, (int) $L)", JavaTypes.WIRE, word);
      default -> code.addStatement("out.putInt((int) $L)", word);
    }
  }

  private MethodSpec decode(BitsType bits, ClassName name) {
    CodeBlock.Builder code = CodeBlock.builder();
    com.palantir.javapoet.NameAllocator names = new com.palantir.javapoet.NameAllocator();
    for (BitField field : bits.fields()) {
      names.newName(JavaNames.fieldName(field.name()), field);
    }
    String in = names.newName("in");
    String word = names.newName("word");
    code.addStatement("long $N = $T.$N($N, $S)", word, JavaTypes.WIRE, WireCodec.readMethod(bits.underlying()), in, "");
    StringBuilder arguments = new StringBuilder();
    for (BitField field : bits.fields()) {
      String java = JavaNames.fieldName(field.name());
      CodeBlock extracted = CodeBlock.of("$T.bitsOf($N, $L, $L)", JavaTypes.WIRE, word, field.shift(), field.width());
      switch (field.kind()) {
        case BOOL -> code.addStatement("boolean $N = $L != 0", java, extracted);
        case UINT -> code.addStatement("int $N = $L", java, extracted);
        case ENUM -> {
          ClassName enumClass = types.className(field.enumType().orElseThrow());
          code.addStatement("$T $N = $T.fromValueOrNull($L)", enumClass, java, enumClass, extracted);
          code.beginControlFlow("if ($N == null)", java);
          code.addStatement("throw $T.malformed($S, $S + $L, $N.position() - $L)", JavaTypes.WIRE, field.name(),
              "undeclared " + field.enumType().get().name() + " value ", extracted, in, bits.underlying().size());
          code.endControlFlow();
        }
      }
      arguments.append(arguments.length() == 0 ? "" : ", ").append(java);
    }
    code.addStatement("return new $T($L)", name, arguments);
    return MethodSpec.methodBuilder(GeneratedMember.DECODE.javaName())
        .addJavadoc("Reads the packed fields at the position of {@code $N}, in its byte order.", in)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(name)
        .addParameter(JavaTypes.BYTE_BUFFER, in)
        .addException(JavaTypes.MALFORMED)
        .addCode(code.build())
        .build();
  }
}
