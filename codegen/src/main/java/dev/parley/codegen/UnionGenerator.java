package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.EnumType;
import dev.parley.spec.GeneratedMember;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.UnionCase;
import dev.parley.spec.UnionType;
import dev.parley.spec.Value;
import java.math.BigInteger;
import javax.lang.model.element.Modifier;

/**
 * Generates the sealed interface of a {@code union}: its cases are the records of their structs,
 * which implement it, and {@code Other} holds the raw bytes of a selector value without a case
 * when the union has a default. The interface says each value's selector and reads the case a
 * selector chooses (SPEC.md 13.8).
 */
final class UnionGenerator {

  /** The default case's record, nested in the interface. */
  static final String OTHER = "Other";

  private final JavaTypes types;
  private final Externs externs = new Externs();

  UnionGenerator(JavaTypes types) {
    this.types = types;
  }

  TypeSpec union(UnionType union) {
    ClassName name = types.className(union);
    TypeName selector = types.javaType(union.selector());
    TypeSpec.Builder spec = TypeSpec.interfaceBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.SEALED)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addJavadoc(Sources.javadoc(union.doc().orElse("Union " + union.name() + ".")
            + "\n\n<p>Its case is chosen by a " + union.selector().displayName() + ": "
            + String.join(", ", union.cases().stream().map(c -> c.valueText() + " " + c.struct().name()).toList())
            + (union.hasDefault() ? "; any other value keeps its bytes in " + OTHER + "." : ".")));
    // A struct may be the case of several selector values: it is permitted once.
    union.cases().stream().map(c -> types.className(c.struct())).distinct().forEach(spec::addPermittedSubclass);
    if (union.hasDefault()) {
      spec.addPermittedSubclass(name.nestedClass(OTHER));
      spec.addType(other(union, name, selector));
    }
    spec.addMethod(MethodSpec.methodBuilder(GeneratedMember.ENCODED_SIZE.javaName())
        .addJavadoc("The exact number of bytes {@link #encode} writes.")
        .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
        .returns(TypeName.INT)
        .build());
    spec.addMethod(MethodSpec.methodBuilder(GeneratedMember.ENCODE.javaName())
        .addJavadoc("Writes the case's fields at the position of {@code out}, in its byte order.")
        .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
        .addParameter(JavaTypes.BYTE_BUFFER, "out")
        .build());
    spec.addMethod(selectorOf(union, name, selector));
    spec.addMethod(decode(union, name, selector));
    return spec.build();
  }

  /** The Java literal of a case's selector value. */
  private CodeBlock literal(UnionType union, UnionCase c) {
    if (union.selector() instanceof EnumType e) {
      return CodeBlock.of("$T.$N", types.className(e), c.constant().orElseThrow().name());
    }
    return Defaults.value(union.selector(), new Value.IntegerValue(BigInteger.valueOf(c.value())), types);
  }

  private MethodSpec selectorOf(UnionType union, ClassName name, TypeName selector) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (UnionCase c : union.cases()) {
      code.beginControlFlow("if (value instanceof $T)", types.className(c.struct()));
      code.addStatement("return $L", literal(union, c));
      code.endControlFlow();
    }
    if (union.hasDefault()) {
      code.addStatement("return (($T) value).selector()", name.nestedClass(OTHER));
    } else {
      code.addStatement("throw new $T(value.getClass().getName())", IllegalStateException.class);
    }
    return MethodSpec.methodBuilder("selector")
        .addJavadoc("The selector value that chooses {@code value}'s case: what the encoder writes in the"
            + " field that selects it.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(selector)
        .addParameter(name, "value")
        .addCode(code.build())
        .build();
  }

  private MethodSpec decode(UnionType union, ClassName name, TypeName selector) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (UnionCase c : union.cases()) {
      code.beginControlFlow("if (selector == $L)", literal(union, c));
      code.addStatement("return $T.decode(in$L)", types.className(c.struct()),
          externs.needsOrigin((dev.parley.spec.FieldType) c.struct()) ? ", origin" : "");
      code.endControlFlow();
    }
    if (union.hasDefault()) {
      code.addStatement("return new $T(selector, $T.restBytes(in))", name.nestedClass(OTHER), JavaTypes.WIRE);
    } else {
      code.addStatement("throw $T.malformed($S, $S + selector + $S, in.position())", JavaTypes.WIRE, "",
          union.name() + " has no case for ", " and no default");
    }
    MethodSpec.Builder method = MethodSpec.methodBuilder(GeneratedMember.DECODE.javaName())
        .addJavadoc("Reads the case {@code selector} chooses at the position of {@code in}; the default case"
            + " takes every byte up to its limit.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(name)
        .addParameter(JavaTypes.BYTE_BUFFER, "in")
        .addParameter(selector, "selector");
    if (externs.needsOrigin(union)) {
      method.addParameter(TypeName.INT, "origin");
    }
    return method.addException(JavaTypes.MALFORMED).addCode(code.build()).build();
  }

  /** {@code record Other(int selector, Bytes data)}: a selector value without a case, and its bytes. */
  private TypeSpec other(UnionType union, ClassName name, TypeName selector) {
    MethodSpec.Builder constructor = MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC)
        .addParameter(selector, "selector")
        .addParameter(JavaTypes.BYTES, "data");
    if (union.selector() instanceof EnumType) {
      constructor.addStatement("$T.requireNonNull(selector, $S)", JavaTypes.OBJECTS, "selector");
    } else {
      PrimitiveType p = (PrimitiveType) union.selector();
      switch (p) {
        case U8 -> constructor.addStatement("$T.checkU8(selector, $S)", JavaTypes.WIRE, "selector");
        case U16 -> constructor.addStatement("$T.checkU16(selector, $S)", JavaTypes.WIRE, "selector");
        case U24 -> constructor.addStatement("$T.checkU24(selector, $S)", JavaTypes.WIRE, "selector");
        case I24 -> constructor.addStatement("$T.checkI24(selector, $S)", JavaTypes.WIRE, "selector");
        case U32 -> constructor.addStatement("$T.checkU32(selector, $S)", JavaTypes.WIRE, "selector");
        default -> { }
      }
    }
    for (UnionCase c : union.cases()) {
      constructor.beginControlFlow("if (selector == $L)", literal(union, c));
      constructor.addStatement("throw new $T($S)", IllegalArgumentException.class, "selector "
          + c.valueText() + " has its own case, " + c.struct().name());
      constructor.endControlFlow();
    }
    constructor.addStatement("$T.requireNonNull(data, $S)", JavaTypes.OBJECTS, "data");
    return TypeSpec.recordBuilder(OTHER)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addSuperinterface(name)
        .addJavadoc("A selector value of {@link $T} without a case of its own, and the bytes that came with it.\n"
            + "\n@param selector the value, which no case has\n@param data the bytes, kept raw\n", name)
        .recordConstructor(constructor.build())
        .addMethod(MethodSpec.methodBuilder(GeneratedMember.ENCODED_SIZE.javaName())
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.INT)
            .addStatement("return data.size()")
            .build())
        .addMethod(MethodSpec.methodBuilder(GeneratedMember.ENCODE.javaName())
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(JavaTypes.BYTE_BUFFER, "out")
            .addStatement("data.writeTo(out)")
            .build())
        .build();
  }
}
