package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.BytesType;
import dev.parley.spec.Composite;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FixedBytesType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.GeneratedName;
import dev.parley.spec.ListType;
import dev.parley.spec.NullableType;
import dev.parley.spec.Size;
import dev.parley.spec.MessageType;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.StringType;
import dev.parley.spec.StructType;
import dev.parley.spec.VarintType;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <File>Generators}: for every struct and message, and for any message of the
 * file, a random valid value ({@code random<Name>(RandomGenerator, int size)}) and its shrinking
 * candidates ({@code shrink<Name>}); and valid and corrupted frames as bytes. The values respect
 * every constraint of the schema, so the records' constructors accept them.
 */
final class GeneratorsGenerator {

  static final ClassName ARBITRARY = ClassName.get("dev.parley.testing", "Arbitrary");
  static final ClassName CORRUPTION = ClassName.get("dev.parley.testing", "Corruption");
  static final ClassName RANDOM = ClassName.get("java.util.random", "RandomGenerator");
  static final ClassName STREAM = ClassName.get("java.util.stream", "Stream");
  static final ClassName FUNCTION = ClassName.get("java.util.function", "Function");

  private final Schema schema;
  private final JavaTypes types;

  GeneratorsGenerator(Schema schema, JavaTypes types) {
    this.schema = schema;
    this.types = types;
  }

  static ClassName generatorsClass(SchemaFile file) {
    return ClassName.get(file.javaPackage(), GeneratedName.GENERATORS.simpleName(file));
  }

  TypeSpec generators(SchemaFile file) {
    TypeSpec.Builder spec = TypeSpec.classBuilder(generatorsClass(file))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addJavadoc("Random valid values, their shrinks, and valid and corrupted frames for the types of"
            + " {@code $L}, for property tests and fuzzing. Values grow with {@code size} (0 to 100).",
            file.path().getFileName())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    List<Composite> composites = new ArrayList<>();
    composites.addAll(file.structs());
    composites.addAll(file.messages());
    for (Composite composite : composites) {
      List<Field> components = components(composite, file);
      spec.addMethod(random(composite, components));
      spec.addMethod(shrink(composite, components));
    }
    for (dev.parley.spec.Declaration declaration : file.declarations()) {
      if (declaration instanceof dev.parley.spec.BitsType bits) {
        spec.addMethod(randomBits(bits));
      } else if (declaration instanceof dev.parley.spec.UnionType union) {
        spec.addMethod(randomUnion(union));
        spec.addMethod(shrinkUnion(union));
      }
    }
    if (!file.messages().isEmpty()) {
      addMessageMethods(spec, file);
    }
    return spec.build();
  }

  /** The record components of {@code composite}: a message's header fields first, if any. */
  private static List<Field> components(Composite composite, SchemaFile file) {
    List<Field> components = new ArrayList<>();
    if (composite instanceof MessageType) {
      components.addAll(RecordGenerator.headerComponents(file, (MessageType) composite));
    }
    components.addAll(composite.components());
    return components;
  }

  /** The width of {@code field} when it is a header field of a few bits of {@code composite}, a message. */
  private java.util.OptionalInt headerBits(Composite composite, Field field) {
    if (!(composite instanceof MessageType message)) {
      return java.util.OptionalInt.empty();
    }
    return schema.fileOf(message).frame().flatMap(frame -> frame.field(field.name()))
        .filter(f -> f.bits() > 0 && composite.fields().stream().noneMatch(own -> own.name().equals(field.name())))
        .map(f -> java.util.OptionalInt.of(f.bits())).orElse(java.util.OptionalInt.empty());
  }

  private ClassName recordName(Composite composite) {
    return types.className(composite instanceof StructType s ? s : (MessageType) composite);
  }

  private MethodSpec random(Composite composite, List<Field> components) {
    ClassName record = recordName(composite);
    CodeBlock.Builder arguments = CodeBlock.builder();
    for (Field field : components) {
      CodeBlock value = randomValue(field.type());
      java.util.OptionalInt bits = headerBits(composite, field);
      if (bits.isPresent()) {
        // A header field of a few bits: its range is its bits', not its byte's.
        value = CodeBlock.of("(int) $T.unsigned(rnd, $L)", ARBITRARY, bits.getAsInt());
      }
      if (field.optional()) {
        value = CodeBlock.of("rnd.nextBoolean() ? $T.of($L) : $T.empty()", JavaTypes.OPTIONAL, value,
            JavaTypes.OPTIONAL);
      }
      arguments.add(arguments.isEmpty() ? "\n$L" : ",\n$L", value);
    }
    return randomRecord(record, "A random valid {@code $T}.", arguments.build());
  }

  /** {@code randomX(rnd, size)}, a new {@code record} of {@code arguments}. */
  private static MethodSpec randomRecord(ClassName record, String doc, CodeBlock arguments) {
    return MethodSpec.methodBuilder("random" + record.simpleName())
        .addJavadoc(doc, record)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameter(RANDOM, "rnd")
        .addParameter(TypeName.INT, "size")
        .addStatement("return new $T($>$L$<)", record, arguments)
        .build();
  }

  private MethodSpec randomBits(dev.parley.spec.BitsType bits) {
    ClassName record = types.className(bits);
    CodeBlock.Builder arguments = CodeBlock.builder();
    for (dev.parley.spec.BitField field : bits.fields()) {
      CodeBlock value = switch (field.kind()) {
        case BOOL -> CodeBlock.of("rnd.nextBoolean()");
        case UINT -> CodeBlock.of("(int) $T.unsigned(rnd, $L)", ARBITRARY, field.width());
        case ENUM -> CodeBlock.of("$T.oneOf(rnd, $T.values())", ARBITRARY, types.className(field.enumType().orElseThrow()));
      };
      arguments.add(arguments.isEmpty() ? "\n$L" : ",\n$L", value);
    }
    return randomRecord(record, "Random valid {@code $T} bit fields.", arguments.build());
  }

  /** A random case of the union; with a default, sometimes a selector value without a case. */
  private MethodSpec randomUnion(dev.parley.spec.UnionType union) {
    ClassName name = types.className(union);
    int cases = union.cases().size();
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("int pick = rnd.nextInt($L)", cases + (union.hasDefault() ? 1 : 0));
    for (int i = 0; i < cases; i++) {
      dev.parley.spec.StructType struct = union.cases().get(i).struct();
      code.beginControlFlow("if (pick == $L)", i);
      code.addStatement("return $T.random$N(rnd, size)", generatorsClass(schema.fileOf(struct)), struct.name());
      code.endControlFlow();
    }
    if (union.hasDefault()) {
      // A value without a case, when one turns up in a few tries; else a case.
      code.beginControlFlow("for (int tries = 0; tries < 16; tries++)");
      code.addStatement("$T selector = $L", types.javaType(union.selector()), randomValue(union.selector()));
      CodeBlock.Builder isCase = CodeBlock.builder();
      for (dev.parley.spec.UnionCase c : union.cases()) {
        isCase.add(isCase.isEmpty() ? "" : " || ");
        isCase.add("selector == $L", union.selector() instanceof dev.parley.spec.EnumType e
            ? CodeBlock.of("$T.$N", types.className(e), c.constant().orElseThrow().name())
            : Defaults.value(union.selector(), new dev.parley.spec.Value.IntegerValue(java.math.BigInteger.valueOf(c.value())), types));
      }
      code.beginControlFlow("if (!($L))", isCase.build());
      code.addStatement("return new $T(selector, $T.bytes(rnd, size, $LL, -1))", name.nestedClass(UnionGenerator.OTHER),
          ARBITRARY, Integer.MAX_VALUE);
      code.endControlFlow();
      code.endControlFlow();
    }
    dev.parley.spec.StructType first = union.cases().get(0).struct();
    code.addStatement("return $T.random$N(rnd, size)", generatorsClass(schema.fileOf(first)), first.name());
    return MethodSpec.methodBuilder("random" + name.simpleName())
        .addJavadoc("A random valid {@code $T}: any of its cases.", name)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(name)
        .addParameter(RANDOM, "rnd")
        .addParameter(TypeName.INT, "size")
        .addCode(code.build())
        .build();
  }

  /** Smaller values of the same case. */
  private MethodSpec shrinkUnion(dev.parley.spec.UnionType union) {
    ClassName name = types.className(union);
    CodeBlock.Builder code = CodeBlock.builder();
    for (dev.parley.spec.UnionCase c : union.cases()) {
      ClassName record = types.className(c.struct());
      code.beginControlFlow("if (value instanceof $T v)", record);
      code.addStatement("return $T.shrink$N(v).map(s -> ($T) s)", generatorsClass(schema.fileOf(c.struct())),
          c.struct().name(), name);
      code.endControlFlow();
    }
    if (union.hasDefault()) {
      ClassName other = name.nestedClass(UnionGenerator.OTHER);
      code.beginControlFlow("if (value instanceof $T v)", other);
      code.addStatement("return $T.shrinkBytes(v.data()).map(d -> ($T) new $T(v.selector(), d))", ARBITRARY, name, other);
      code.endControlFlow();
    }
    code.addStatement("return $T.empty()", STREAM);
    return MethodSpec.methodBuilder("shrink" + name.simpleName())
        .addJavadoc("Smaller valid values than {@code value}, of the same case.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(ParameterizedTypeName.get(STREAM, name))
        .addParameter(name, "value")
        .addCode(code.build())
        .build();
  }

  /** A Java expression for a random valid value of {@code type}, using {@code rnd} and {@code size}. */
  private CodeBlock randomValue(FieldType type) {
    if (type instanceof PrimitiveType p) {
      return switch (p) {
        case U8 -> CodeBlock.of("(int) $T.unsigned(rnd, 8)", ARBITRARY);
        case U16 -> CodeBlock.of("(int) $T.unsigned(rnd, 16)", ARBITRARY);
        case U24 -> CodeBlock.of("(int) $T.unsigned(rnd, 24)", ARBITRARY);
        case I24 -> CodeBlock.of("(int) $T.signed(rnd, 24)", ARBITRARY);
        case U32 -> CodeBlock.of("$T.unsigned(rnd, 32)", ARBITRARY);
        case U64, I64 -> CodeBlock.of("$T.signed(rnd, 64)", ARBITRARY);
        case I8 -> CodeBlock.of("(byte) $T.signed(rnd, 8)", ARBITRARY);
        case I16 -> CodeBlock.of("(short) $T.signed(rnd, 16)", ARBITRARY);
        case I32 -> CodeBlock.of("(int) $T.signed(rnd, 32)", ARBITRARY);
        case F32 -> CodeBlock.of("$T.f32(rnd)", ARBITRARY);
        case F64 -> CodeBlock.of("$T.f64(rnd)", ARBITRARY);
        case BOOL -> CodeBlock.of("rnd.nextBoolean()");
      };
    } else if (type instanceof VarintType v) {
      return CodeBlock.of(v.isLong() ? "$T.$N(rnd, $L)" : "(int) $T.$N(rnd, $L)", ARBITRARY,
          v.zigzag() ? "zigzag" : "varint", v.maxBytes());
    } else if (type instanceof StringType s) {
      return CodeBlock.of("$T.$N(rnd, size, $LL)", ARBITRARY,
          s.size() instanceof Size.Terminated ? "cstring" : "string", s.size().maxValue());
    } else if (type instanceof BytesType b) {
      return CodeBlock.of("$T.bytes(rnd, size, $LL, -1)", ARBITRARY, b.size().maxValue());
    } else if (type instanceof NullableType n) {
      return CodeBlock.of("rnd.nextBoolean() ? $T.of($L) : $T.empty()", JavaTypes.OPTIONAL,
          randomValue(n.inner()), JavaTypes.OPTIONAL);
    } else if (type instanceof FixedBytesType b) {
      return CodeBlock.of("$T.bytes(rnd, size, 0, $L)", ARBITRARY, b.size());
    } else if (type instanceof EnumType e) {
      return CodeBlock.of("$T.oneOf(rnd, $T.values())", ARBITRARY, types.className(e));
    } else if (type instanceof FlagsType f) {
      return CodeBlock.of("$T.subset(rnd, $T.class)", ARBITRARY, types.className(f));
    } else if (type instanceof StructType s) {
      return CodeBlock.of("$T.random$N(rnd, size)", generatorsClass(schema.fileOf(s)), s.name());
    } else if (type instanceof dev.parley.spec.BitsType b) {
      return CodeBlock.of("$T.random$N(rnd, size)", generatorsClass(schema.fileOf(b)), b.name());
    } else if (type instanceof dev.parley.spec.SelectedType sel) {
      return CodeBlock.of("$T.random$N(rnd, size)", generatorsClass(schema.fileOf(sel.union())), sel.union().name());
    } else if (type instanceof dev.parley.spec.SizedType sized) {
      return randomValue(sized.inner());
    } else if (type instanceof dev.parley.spec.ExternType extern) {
      return CodeBlock.of("new $T().arbitrary(rnd, size)", ClassName.bestGuess(extern.codec()));
    }
    ListType list = (ListType) type;
    CodeBlock random = CodeBlock.of("$T.list($T.listSize(rnd, size, $LL), () -> $L)", ARBITRARY, ARBITRARY,
        list.count().maxValue(), randomValue(list.element()));
    return list.count() instanceof Size.Until until
        ? CodeBlock.of("$T.without($L, $L)", ARBITRARY, random, isSentinel(list, until))
        : random;
  }

  /** A predicate of a list's elements: whether one starts with the sentinel that ends the list. */
  private CodeBlock isSentinel(ListType list, Size.Until until) {
    return CodeBlock.of("e -> $L", Sentinels.startsWithSentinel(list, until, CodeBlock.of("e"), types));
  }

  private MethodSpec shrink(Composite composite, List<Field> fields) {
    ClassName record = recordName(composite);
    CodeBlock.Builder streams = CodeBlock.builder();
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      String accessor = RecordGenerator.javaName(field);
      CodeBlock current = CodeBlock.of("value.$N()", accessor);
      CodeBlock candidates = field.optional()
          ? CodeBlock.of("$T.shrinkOptional($L, $L)", ARBITRARY, current, shrinker(field.type(), 0))
          : shrinkValue(field.type(), current, 0);
      CodeBlock rebuild;
      if (fields.size() == 1) {
        rebuild = CodeBlock.of("$T::new", record);
      } else {
        CodeBlock.Builder rebuilt = CodeBlock.builder();
        for (int k = 0; k < fields.size(); k++) {
          rebuilt.add(k == 0 ? "" : ",$W");
          rebuilt.add(k == i ? CodeBlock.of("smaller") : CodeBlock.of("value.$N()", RecordGenerator.javaName(fields.get(k))));
        }
        rebuild = CodeBlock.of("smaller ->$Wnew $T($L)", record, rebuilt.build());
      }
      streams.add(streams.isEmpty() ? "\n$L\n$>.map($L)$<" : ",\n$L\n$>.map($L)$<", candidates, rebuild);
    }
    MethodSpec.Builder method = MethodSpec.methodBuilder("shrink" + record.simpleName())
        .addJavadoc("Smaller valid values than {@code value}, one field made smaller at a time.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(ParameterizedTypeName.get(STREAM, record))
        .addParameter(record, "value");
    if (fields.isEmpty()) {
      return method.addStatement("return $T.empty()", STREAM).build();
    }
    return method.addStatement("return $T.<$T<$T>>of($>$L$<)\n$>.flatMap($T.identity())$<", STREAM, STREAM,
        record, streams.build(), FUNCTION).build();
  }

  /**
   * A function from a value of {@code type} to its smaller values: a method reference where one
   * names it, else a lambda.
   */
  private CodeBlock shrinker(FieldType type, int depth) {
    if (type instanceof StringType) {
      return CodeBlock.of("$T::shrinkString", ARBITRARY);
    } else if (type instanceof BytesType) {
      return CodeBlock.of("$T::shrinkBytes", ARBITRARY);
    } else if (type instanceof FixedBytesType) {
      return CodeBlock.of("$T::shrinkFixedBytes", ARBITRARY);
    } else if (type instanceof EnumType) {
      return CodeBlock.of("$T::shrinkEnum", ARBITRARY);
    } else if (type instanceof FlagsType) {
      return CodeBlock.of("$T::shrinkSet", ARBITRARY);
    } else if (type instanceof StructType s) {
      return CodeBlock.of("$T::shrink$N", generatorsClass(schema.fileOf(s)), s.name());
    } else if (type == PrimitiveType.U32 || type == PrimitiveType.U64 || type == PrimitiveType.I64
        || (type instanceof VarintType v && v.isLong())) {
      return CodeBlock.of("$T::shrinkLong", ARBITRARY);
    } else if (type == PrimitiveType.F64) {
      return CodeBlock.of("$T::shrinkDouble", ARBITRARY);
    }
    String element = "e" + depth; // nested lists need distinct lambda parameters
    return CodeBlock.of("$N -> $L", element, shrinkValue(type, CodeBlock.of("$N", element), depth + 1));
  }

  /** A Java expression for a Stream of smaller values than {@code value}, of {@code type}. */
  private CodeBlock shrinkValue(FieldType type, CodeBlock value, int depth) {
    if (type instanceof PrimitiveType p) {
      return switch (p) {
        case U8, U16, U24, I24, I32 -> CodeBlock.of("$T.shrinkLong($L).map(Long::intValue)", ARBITRARY, value);
        case I8 -> CodeBlock.of("$T.shrinkLong($L).map(Long::byteValue)", ARBITRARY, value);
        case I16 -> CodeBlock.of("$T.shrinkLong($L).map(Long::shortValue)", ARBITRARY, value);
        case U32, U64, I64 -> CodeBlock.of("$T.shrinkLong($L)", ARBITRARY, value);
        case F32 -> CodeBlock.of("$T.shrinkDouble($L).map(Double::floatValue)", ARBITRARY, value);
        case F64 -> CodeBlock.of("$T.shrinkDouble($L)", ARBITRARY, value);
        case BOOL -> CodeBlock.of("($L ? $T.of(false) : $T.<Boolean>empty())", value, STREAM, STREAM);
      };
    } else if (type instanceof VarintType v) {
      // Toward 0 by halves: within the range of any varint, zigzag or not.
      return v.isLong()
          ? CodeBlock.of("$T.shrinkLong($L)", ARBITRARY, value)
          : CodeBlock.of("$T.shrinkLong($L).map(Long::intValue)", ARBITRARY, value);
    } else if (type instanceof StringType) {
      return CodeBlock.of("$T.shrinkString($L)", ARBITRARY, value);
    } else if (type instanceof BytesType) {
      return CodeBlock.of("$T.shrinkBytes($L)", ARBITRARY, value);
    } else if (type instanceof FixedBytesType) {
      return CodeBlock.of("$T.shrinkFixedBytes($L)", ARBITRARY, value);
    } else if (type instanceof EnumType) {
      return CodeBlock.of("$T.shrinkEnum($L)", ARBITRARY, value);
    } else if (type instanceof FlagsType) {
      return CodeBlock.of("$T.shrinkSet($L)", ARBITRARY, value);
    } else if (type instanceof StructType s) {
      return CodeBlock.of("$T.shrink$N($L)", generatorsClass(schema.fileOf(s)), s.name(), value);
    } else if (type instanceof dev.parley.spec.BitsType) {
      return CodeBlock.of("$T.<$T>empty()", STREAM, types.javaType(type));
    } else if (type instanceof dev.parley.spec.SelectedType sel) {
      return CodeBlock.of("$T.shrink$N($L)", generatorsClass(schema.fileOf(sel.union())), sel.union().name(), value);
    } else if (type instanceof dev.parley.spec.SizedType sized) {
      return shrinkValue(sized.inner(), value, depth);
    } else if (type instanceof dev.parley.spec.ExternType) {
      return CodeBlock.of("$T.<$T>empty()", STREAM, types.javaType(type));
    }
    if (type instanceof NullableType n) {
      return CodeBlock.of("$T.shrinkOptional($L, $L)", ARBITRARY, value, shrinker(n.inner(), depth));
    }
    ListType list = (ListType) type;
    CodeBlock shrunk = CodeBlock.of("$T.shrinkList($L, $L)", ARBITRARY, value, shrinker(list.element(), depth));
    if (list.count() instanceof Size.Until until) {
      // A smaller element may start with the sentinel: such lists are not valid values.
      String smaller = "l" + depth;
      return CodeBlock.of("$L.filter($N -> $N.stream().noneMatch($L))", shrunk, smaller, smaller,
          isSentinel(list, until));
    }
    return shrunk;
  }

  private void addMessageMethods(TypeSpec.Builder spec, SchemaFile file) {
    ClassName message = JavaTypes.messageInterface(file);
    ClassName protocol = JavaTypes.protocolClass(file);
    String any = message.simpleName();
    CodeBlock.Builder pick = CodeBlock.builder().add("return switch (rnd.nextInt($L)) {\n", file.messages().size()).indent();
    CodeBlock.Builder shrink = CodeBlock.builder();
    if (file.hasTypeId()) {
      shrink.add("return switch (value.typeId()) {\n").indent();
    }
    for (int i = 0; i < file.messages().size(); i++) {
      MessageType m = file.messages().get(i);
      ClassName record = types.className(m);
      if (i == file.messages().size() - 1) {
        pick.add("default -> random$N(rnd, size);\n", m.name());
      } else {
        pick.add("case $L -> random$N(rnd, size);\n", i, m.name());
      }
      if (file.hasTypeId()) {
        shrink.add("case $T.TYPE_ID -> shrink$N(($T) value).map(m -> ($T) m);\n", record, m.name(), record, message);
      } else {
        shrink.addStatement("return shrink$N(($T) value).map(m -> ($T) m)", m.name(), record, message);
      }
    }
    pick.unindent().add("};\n");
    if (file.hasTypeId()) {
      shrink.add("default -> $T.empty();\n", STREAM).unindent().add("};\n");
    }
    spec.addMethod(MethodSpec.methodBuilder("random" + any)
        .addJavadoc("A random valid message of any type of the file.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(message)
        .addParameter(RANDOM, "rnd")
        .addParameter(TypeName.INT, "size")
        .addCode(pick.build())
        .build());
    spec.addMethod(MethodSpec.methodBuilder("shrink" + any)
        .addJavadoc("Smaller valid messages than {@code value}, of the same type.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(ParameterizedTypeName.get(STREAM, message))
        .addParameter(message, "value")
        .addCode(shrink.build())
        .build());
    MethodSpec.Builder frame = MethodSpec.methodBuilder("frame")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(byte[].class)
        .addParameter(message, "message")
        .addStatement("int size = $T.INSTANCE.encodedSize(message)", protocol);
    if (file.frame().isPresent()) {
      frame.addJavadoc("The whole frame of {@code message}, header included, as the protocol writes it.")
          .addStatement("$T frame = $T.allocate(size)", JavaTypes.BYTE_BUFFER, JavaTypes.BYTE_BUFFER)
          .addStatement("$T.INSTANCE.encode(message, frame)", protocol)
          .addStatement("return frame.array()");
    } else {
      frame.addJavadoc("The whole frame of {@code message}: its length prefix, then its body.")
          .addStatement("$T body = $T.allocate(size)", JavaTypes.BYTE_BUFFER, JavaTypes.BYTE_BUFFER)
          .addStatement("$T.INSTANCE.encode(message, body)", protocol)
          .addStatement("return $T.withPrefix(body.array(), $T.INSTANCE.frameFormat(), size)", CORRUPTION, protocol);
    }
    spec.addMethod(frame.build());
    spec.addMethod(MethodSpec.methodBuilder("validFrame")
        .addJavadoc("The frame of a random valid message that fits the frame format's maximum length.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(byte[].class)
        .addParameter(RANDOM, "rnd")
        .addParameter(TypeName.INT, "size")
        .beginControlFlow("for (int s = size; ; s /= 2)")
        .addStatement("$T message = random$N(rnd, s)", message, any)
        .beginControlFlow("if (s == 0 || $T.INSTANCE.encodedSize(message) <= $T.INSTANCE.frameFormat().maxFrameLength())",
            protocol, protocol)
        .addStatement("return frame(message)")
        .endControlFlow()
        .endControlFlow()
        .build());
    spec.addMethod(MethodSpec.methodBuilder("corruptFrame")
        .addJavadoc("A valid frame damaged at random: flipped bits, a cut body, inflated lengths and counts.")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(byte[].class)
        .addParameter(RANDOM, "rnd")
        .addParameter(TypeName.INT, "size")
        .addStatement("return $T.corrupt(validFrame(rnd, size), $T.INSTANCE.frameFormat(), rnd)", CORRUPTION, protocol)
        .build());
  }
}
