package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.EnumConstant;
import dev.parley.spec.EnumType;
import dev.parley.spec.FlagBit;
import dev.parley.spec.FlagsType;
import javax.lang.model.element.Modifier;

/**
 * Generates the Java enum of a schema enum ({@code value()}, {@code fromValue}, and
 * {@code fromValueOrNull} for decoders, which must not pay for an exception) and of a flags
 * type (one constant a bit, {@code toBits}, {@code fromBits}). Wire values live in switches, not
 * fields, so no constant name can clash with a member.
 */
final class EnumGenerator {

  private final JavaTypes types;

  EnumGenerator(JavaTypes types) {
    this.types = types;
  }

  TypeSpec enumeration(EnumType type) {
    ClassName name = types.className(type);
    TypeSpec.Builder spec = TypeSpec.enumBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addJavadoc(Sources.javadoc(type.doc().orElse("Enum " + type.name() + ", sent as its "
            + type.underlying().keyword() + " value.")));
    boolean wide = isWide(type);
    for (EnumConstant constant : type.constants()) {
      addConstant(spec, constant.name(), literal(constant, wide), constant.doc());
    }
    TypeName valueType = JavaTypes.enumValueType(type);
    String field = fieldName("value", type.constants().stream().map(EnumConstant::name).toList());
    return spec
        .addField(valueType, field, Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder()
            .addParameter(valueType, field)
            .addStatement("this.$N = $N", field, field)
            .build())
        .addMethod(value(type, field))
        .addMethod(fromValue(type, name))
        .addMethod(fromValueOrNull(type, name))
        .build();
  }

  private static MethodSpec value(EnumType type, String field) {
    return MethodSpec.methodBuilder("value")
        .addJavadoc("The value that stands for this constant on the wire.")
        .addModifiers(Modifier.PUBLIC)
        .returns(JavaTypes.enumValueType(type))
        .addStatement("return $N", field)
        .build();
  }

  /** {@code wanted}, or with underscores after it until no constant has the name: constants are fields too. */
  private static String fieldName(String wanted, java.util.List<String> constants) {
    String name = wanted;
    while (constants.contains(name)) {
      name += "_";
    }
    return name;
  }

  private static MethodSpec fromValue(EnumType type, ClassName name) {
    return MethodSpec.methodBuilder("fromValue")
        .addJavadoc("The constant for a wire value.\n\n@throws IllegalArgumentException if no constant has that value")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(name)
        .addParameter(JavaTypes.enumValueType(type), "value")
        .addStatement("$T constant = fromValueOrNull(value)", name)
        .beginControlFlow("if (constant == null)")
        .addStatement("throw new $T($S + value)", IllegalArgumentException.class,
            "undeclared " + type.name() + " value ")
        .endControlFlow()
        .addStatement("return constant")
        .build();
  }

  private static MethodSpec fromValueOrNull(EnumType type, ClassName name) {
    boolean wide = isWide(type);
    MethodSpec.Builder lookup = MethodSpec.methodBuilder("fromValueOrNull")
        .addJavadoc("The constant for a wire value, or null if no constant has it: decoders look values up"
            + " here, so that an undeclared one costs no exception.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(name)
        .addParameter(JavaTypes.enumValueType(type), "value");
    if (wide) {
      // A u32 value travels in a long; only 0 to 2^32-1 can be a constant.
      lookup.beginControlFlow("if (value < 0 || value > 0xFFFF_FFFFL)")
          .addStatement("return null")
          .endControlFlow();
    }
    CodeBlock.Builder code = CodeBlock.builder()
        .add(wide ? "return switch ((int) value) {\n" : "return switch (value) {\n").indent();
    for (EnumConstant constant : type.constants()) {
      // The switch is on (int) value: a u32 above 2^31-1 has a negative case label.
      String label = wide ? Integer.toString((int) constant.value()) : Long.toString(constant.value());
      code.add("case $L -> $T.$N;\n", label, name, constant.name());
    }
    code.add("default -> null;\n").unindent().add("};\n");
    return lookup.addCode(code.build()).build();
  }

  /** Whether the enum's values travel in a {@code long} (u32), so that its switches need a cast. */
  private static boolean isWide(EnumType type) {
    return JavaTypes.enumValueType(type).equals(TypeName.LONG);
  }

  private static String literal(EnumConstant constant, boolean wide) {
    return wide ? constant.value() + "L" : Long.toString(constant.value());
  }

  TypeSpec flags(FlagsType type) {
    ClassName name = types.className(type);
    TypeSpec.Builder spec = TypeSpec.enumBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addJavadoc(Sources.javadoc(type.doc().orElse("Flags " + type.name() + ": a set of bits, sent as a "
            + type.underlying().keyword() + ".")))
        .addJavadoc("\n<p>A field of this type is an {@code EnumSet<$N>}.", type.name());
    for (FlagBit flag : type.bits()) {
      addConstant(spec, flag.name(), Integer.toString(flag.position()), flag.doc());
    }
    String field = fieldName("bit", type.bits().stream().map(FlagBit::name).toList());
    return spec
        .addField(TypeName.INT, field, Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder()
            .addParameter(TypeName.INT, field)
            .addStatement("this.$N = $N", field, field)
            .build())
        .addMethod(bit(type, field))
        .addMethod(toBits(type, name))
        .addMethod(fromBits(type, name))
        .build();
  }

  private static MethodSpec bit(FlagsType type, String field) {
    return MethodSpec.methodBuilder("bit")
        .addJavadoc("The position of this flag's bit, 0 for the least significant.")
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT)
        .addStatement("return $N", field)
        .build();
  }

  private static MethodSpec toBits(FlagsType type, ClassName name) {
    CodeBlock.Builder code = CodeBlock.builder().addStatement("long bits = 0");
    for (FlagBit flag : type.bits()) {
      code.beginControlFlow("if (flags.contains($T.$N))", name, flag.name())
          .addStatement("bits |= $L", hex(1L << flag.position()))
          .endControlFlow();
    }
    return MethodSpec.methodBuilder("toBits")
        .addJavadoc("The bits of a set of flags, as they travel; allocates nothing.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(TypeName.LONG)
        .addParameter(ParameterizedTypeName.get(JavaTypes.SET, name), "flags")
        .addCode(code.addStatement("return bits").build())
        .build();
  }

  private static MethodSpec fromBits(FlagsType type, ClassName name) {
    CodeBlock.Builder code = CodeBlock.builder()
        .beginControlFlow("if ((bits & ~$L) != 0)", hex(type.mask()))
        .addStatement("throw new $T($S + $T.toHexString(bits & ~$L))", IllegalArgumentException.class,
            "undeclared " + type.name() + " bits 0x", Long.class, hex(type.mask()))
        .endControlFlow()
        .addStatement("$T<$T> flags = $T.noneOf($T.class)", JavaTypes.ENUM_SET, name, JavaTypes.ENUM_SET, name);
    for (FlagBit flag : type.bits()) {
      code.beginControlFlow("if ((bits & $L) != 0)", hex(1L << flag.position()))
          .addStatement("flags.add($T.$N)", name, flag.name())
          .endControlFlow();
    }
    return MethodSpec.methodBuilder("fromBits")
        .addJavadoc("The set of flags whose bits are set in {@code bits}."
            + "\n\n@throws IllegalArgumentException if a bit is set that no flag declares")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(ParameterizedTypeName.get(JavaTypes.ENUM_SET, name))
        .addParameter(TypeName.LONG, "bits")
        .addCode(code.addStatement("return flags").build())
        .build();
  }

  /** An enum constant with the value it stands for, as in {@code CALM(1)}, and its Javadoc. */
  private static void addConstant(TypeSpec.Builder spec, String name, String value,
      java.util.Optional<String> doc) {
    TypeSpec.Builder constant = TypeSpec.anonymousClassBuilder("$L", value);
    doc.ifPresent(d -> constant.addJavadoc(Sources.javadoc(d)));
    spec.addEnumConstant(name, constant.build());
  }

  private static String hex(long value) {
    return "0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT) + "L";
  }
}
