package dev.parley.codegen;

import com.google.common.collect.ImmutableList;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.BytesType;
import dev.parley.spec.ChecksumType;
import dev.parley.spec.Composite;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FixedBytesType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.FrameField;
import dev.parley.spec.FrameLayout;
import dev.parley.spec.GeneratedMember;
import dev.parley.spec.JavaNames;
import dev.parley.spec.ListType;
import dev.parley.spec.NullableType;
import dev.parley.spec.Size;
import dev.parley.spec.MessageType;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.StringType;
import dev.parley.spec.StructType;
import dev.parley.spec.VarintType;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates the record of a struct or message: its components, the compact constructor that
 * validates them, and the codec methods (size, encode, decode) that read its own fields without
 * copies. Struct codecs are public, since messages of other files embed them; message codecs are
 * package-private, reached through the file's protocol class, which owns framing and byte order.
 */
final class RecordGenerator {

  private final JavaTypes types;
  private final WireCodec codec;

  RecordGenerator(JavaTypes types) {
    this.types = types;
    this.codec = new WireCodec(types);
  }

  /** The record of a struct, which implements the interface of every union it is a case of. */
  TypeSpec struct(StructType struct, SchemaFile file) {
    List<TypeName> unions = file.declarations().stream()
        .filter(dev.parley.spec.UnionType.class::isInstance).map(dev.parley.spec.UnionType.class::cast)
        .filter(u -> u.cases().stream().anyMatch(c -> c.struct().equals(struct)))
        .map(u -> (TypeName) types.className(u))
        .toList();
    return record(struct, null, types.className(struct), unions);
  }

  TypeSpec message(MessageType message, SchemaFile file) {
    return record(message, file, types.className(message), List.of());
  }

  private TypeSpec record(Composite composite, SchemaFile file, ClassName name, List<TypeName> unions) {
    boolean isMessage = composite instanceof MessageType;
    TypeSpec.Builder record = TypeSpec.recordBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addAnnotation(Sources.generated())
        .addSuperinterfaces(unions)
        .alwaysQualify(types.clashingNames());
    record.addJavadoc(Sources.javadoc(doc(composite, file)));
    List<Field> header = isMessage ? headerComponents(file, (MessageType) composite) : List.of();
    for (Field field : header) {
      record.addJavadoc("\n@param $N $L", javaName(field), field.doc().map(Sources::docText)
          .orElse("the {@code " + field.name() + "} field of the frame header"));
    }
    for (Field field : composite.components()) {
      if (field.doc().isPresent()) {
        record.addJavadoc("\n@param $N $L", javaName(field), Sources.docText(field.doc().get()));
      }
    }
    for (dev.parley.spec.ExternType extern : Externs.used(composite)) {
      record.addField(Externs.codecField(extern));
    }
    java.util.Map<String, Integer> headerBits = new java.util.HashMap<>();
    if (isMessage) {
      file.frame().ifPresent(frame -> frame.fields().stream().filter(f -> f.bits() > 0)
          .forEach(f -> headerBits.put(f.name(), f.bits())));
    }
    record.recordConstructor(constructor(composite, header, headerBits));
    if (composite instanceof MessageType message) {
      record.addSuperinterface(JavaTypes.messageInterface(file));
      for (FrameField size : file.headerSizes()) {
        record.addMethod(headerSize(message, size));
      }
      for (FrameField selector : file.frame().map(FrameLayout::applicationFields).orElse(ImmutableList.of())) {
        if (SchemaFile.selectedBy(message, selector).isPresent()) {
          record.addMethod(headerSelector(message, selector));
        }
      }
      if (file.hasTypeId()) {
        record.addField(typeIdField(message, file)).addMethod(typeIdMethod());
      }
    }
    for (Field field : composite.components()) {
      if (field.type() instanceof FlagsType && !field.optional()) {
        record.addMethod(flagsCopy(field));
      }
    }
    Modifier[] visibility = isMessage ? new Modifier[0] : new Modifier[] {Modifier.PUBLIC};
    record.addMethod(encodedSize(composite, file, visibility));
    record.addMethod(encode(composite, file, visibility));
    record.addMethod(decode(composite, file, name, visibility, header));
    if (composite instanceof StructType && codec.compositeNeedsOrigin(composite)) {
      record.addMethod(MethodSpec.methodBuilder(GeneratedMember.DECODE.javaName())
          .addJavadoc("Reads the fields at the position of {@code in}, which is also the origin that back-references"
              + " in its extern values count from.")
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
          .returns(name)
          .addParameter(JavaTypes.BYTE_BUFFER, "in")
          .addException(JavaTypes.MALFORMED)
          .addStatement("return decode(in, in.position())")
          .build());
    }
    return record.build();
  }

  /**
   * The fields of a declared frame header that the application sets and reads: every message of
   * the file starts with them, as record components.
   */
  static List<Field> headerComponents(SchemaFile file) {
    List<FrameField> sizes = file.headerSizes();
    return file.frame().map(FrameLayout::applicationFields).orElse(ImmutableList.of()).stream()
        .filter(f -> !sizes.contains(f))
        .map(FrameField::asField)
        .toList();
  }

  /**
   * The header fields that are components of {@code message}'s record: those of
   * {@link #headerComponents(SchemaFile)} but the ones that select a union of its body.
   */
  static List<Field> headerComponents(SchemaFile file, MessageType message) {
    List<String> selectors = headerSelectors(message, file).stream().map(Field::name).toList();
    return headerComponents(file).stream().filter(f -> !selectors.contains(f.name())).toList();
  }

  /**
   * The header fields that select a union of {@code message}'s body, which its decoder takes
   * after the header sizes: the values the protocol read from the header.
   */
  static List<Field> headerSelectors(MessageType message, SchemaFile file) {
    return file.frame().map(FrameLayout::applicationFields).orElse(ImmutableList.of()).stream()
        .filter(f -> SchemaFile.selectedBy(message, f).isPresent())
        .map(FrameField::asField)
        .toList();
  }

  /**
   * The accessor of a header field that selects a union of this message's body: the selector of
   * the case it holds, which the encoder writes.
   */
  private MethodSpec headerSelector(MessageType message, FrameField field) {
    Field selected = SchemaFile.selectedBy(message, field).orElseThrow();
    dev.parley.spec.UnionType union = Composite.selection(selected.type()).orElseThrow().union();
    return MethodSpec.methodBuilder(JavaNames.fieldName(field.name()))
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(types.javaType(field.type()))
        .addJavadoc("The selector of {@code $L}'s case, which the header's {@code $L} holds.", selected.name(),
            field.name())
        .addStatement("return $T.selector(this.$N)", types.className(union), javaName(selected))
        .build();
  }

  /**
   * The header sizes {@code message}'s body uses, as the fields its decoder takes after the
   * header components: the values the protocol read from the header.
   */
  static List<Field> headerSizes(MessageType message, SchemaFile file) {
    return file.headerSizes().stream()
        .filter(f -> SchemaFile.sizedBy(message, f).isPresent())
        .map(FrameField::asField)
        .toList();
  }

  /**
   * The accessor of a header field that holds a size: the value the encoder writes, computed from
   * the field it sizes, or 0 when this message has none.
   */
  private MethodSpec headerSize(MessageType message, FrameField field) {
    java.util.Optional<Field> sized = SchemaFile.sizedBy(message, field);
    TypeName type = types.javaType(field.type());
    MethodSpec.Builder method = MethodSpec.methodBuilder(JavaNames.fieldName(field.name()))
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(type);
    if (sized.isEmpty()) {
      return method.addJavadoc("0: this message has no field whose size the header's {@code $L} holds.",
          field.name()).addStatement("return 0").build();
    }
    return method.addJavadoc("The size of {@code $L}, which the header's {@code $L} holds.", sized.get().name(),
            field.name())
        .addStatement("return $L", WireCodec.sizeOf(sized.get().type(), CodeBlock.of("this.$N", javaName(sized.get()))))
        .build();
  }

  private static FieldSpec typeIdField(MessageType message, SchemaFile file) {
    return FieldSpec.builder(TypeName.INT, "TYPE_ID", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(file.frame().isEmpty()
            ? CodeBlock.of("The type id that starts every $N frame body.", message.name())
            : CodeBlock.of("The type id of $N frames, in the header's {@code $L} field.", message.name(),
                file.frame().get().typeId().orElseThrow().name()))
        .initializer("$L", message.id())
        .build();
  }

  private static MethodSpec typeIdMethod() {
    return MethodSpec.methodBuilder(GeneratedMember.TYPE_ID.javaName())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT)
        .addStatement("return TYPE_ID")
        .build();
  }

  /** The accessor of a flags component: EnumSet is mutable, so it hands out a copy. */
  private MethodSpec flagsCopy(Field field) {
    return MethodSpec.methodBuilder(javaName(field))
        .addJavadoc("A copy of the $N flags: the record itself cannot be changed.", field.name())
        .addModifiers(Modifier.PUBLIC)
        .returns(types.fieldType(field))
        .addStatement("return this.$N.clone()", javaName(field))
        .build();
  }

  private static String doc(Composite composite, SchemaFile file) {
    if (composite instanceof MessageType message) {
      return message.doc().map(d -> d + "\n\n<p>").orElse("")
          + "Message " + message.name() + (file.hasTypeId() ? ", type id " + message.id() : "") + ".";
    }
    StructType struct = (StructType) composite;
    return struct.doc().orElse("Struct " + struct.name() + ".");
  }

  static String javaName(Field field) {
    return JavaNames.fieldName(field.name());
  }

  /** Locals of generated methods are allocated around the record's own names. */
  private static NameAllocator names(Composite composite, List<Field> header) {
    NameAllocator names = new NameAllocator();
    for (Field field : header) {
      names.newName(javaName(field), field);
    }
    for (Field field : composite.fields()) {
      names.newName(javaName(field), field);
    }
    return names;
  }

  // ---- Constructor ----------------------------------------------------------------------------

  /**
   * The compact constructor; {@code headerBits} gives the widths of the header's fields of a few
   * bits, which are checked against their bits rather than their byte.
   */
  private MethodSpec constructor(Composite composite, List<Field> header, java.util.Map<String, Integer> headerBits) {
    MethodSpec.Builder constructor = MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC);
    NameAllocator names = names(composite, header);
    boolean throwsOnNull = false;
    List<Field> components = new ArrayList<>(header);
    components.addAll(composite.components());
    for (Field field : components) {
      constructor.addParameter(ParameterSpec.builder(types.fieldType(field), javaName(field)).build());
      String name = javaName(field);
      CodeBlock.Builder code = CodeBlock.builder();
      if (field.optional() && field.type() instanceof ListType list) {
        // The list is copied unless a decoder built it, so the record keeps a new optional then.
        code.addStatement("$N = $T.$N($N, $L, $S)", name, JavaTypes.WIRE,
            list.count() instanceof Size.Varint ? "checkOptionalVarintList" : "checkOptionalList", name,
            countWidth(list), name);
        CodeBlock.Builder inner = CodeBlock.builder();
        checkElements(inner, list, CodeBlock.of("$N.get()", name), name, null, names);
        checkSentinel(inner, list, CodeBlock.of("$N.get()", name), name, null, names);
        if (!inner.isEmpty()) {
          code.beginControlFlow("if ($N.isPresent())", name).add(inner.build()).endControlFlow();
        }
      } else if (field.optional()) {
        code.addStatement("$T.requireNonNull($N, $S)", JavaTypes.OBJECTS, name, name);
        CodeBlock.Builder inner = CodeBlock.builder();
        check(inner, field.type(), CodeBlock.of("$N.get()", name), CodeBlock.of("$S", name), names);
        if (!inner.isEmpty()) {
          code.beginControlFlow("if ($N.isPresent())", name).add(inner.build()).endControlFlow();
        }
      } else if (field.type() instanceof ListType list) {
        code.addStatement("$N = $T.$N($N, $L, $S)", name, JavaTypes.WIRE, checkListMethod(list), name,
            countWidth(list), name);
        checkElements(code, list, CodeBlock.of("$N", name), name, null, names);
        checkSentinel(code, list, CodeBlock.of("$N", name), name, null, names);
      } else if (field.type() instanceof NullableType nullable) {
        code.addStatement("$T.requireNonNull($N, $S)", JavaTypes.OBJECTS, name, name);
        CodeBlock.Builder inner = CodeBlock.builder();
        if (nullable.inner() instanceof ListType list) {
          // A nullable list's own list is checked (and copied) in place of the optional's.
          inner.addStatement("$N = $T.of($T.checkSignedList($N.get(), $L, $S))", name, JavaTypes.OPTIONAL,
              JavaTypes.WIRE, name, countWidth(list), name);
          checkElements(inner, list, CodeBlock.of("$N.get()", name), name, null, names);
        } else {
          check(inner, nullable.inner(), CodeBlock.of("$N.get()", name), CodeBlock.of("$S", name), names);
        }
        code.beginControlFlow("if ($N.isPresent())", name).add(inner.build()).endControlFlow();
      } else if (field.type() instanceof FlagsType) {
        code.addStatement("$N = $T.requireNonNull($N, $S).clone()", name, JavaTypes.OBJECTS, name, name);
      } else {
        if (header.contains(field) && headerBits.containsKey(field.name())) {
          code.addStatement("$T.checkBits($N, $L, $S)", JavaTypes.WIRE, name, headerBits.get(field.name()), name);
        } else {
          check(code, field.type(), CodeBlock.of("$N", name), CodeBlock.of("$S", name), names);
        }
      }
      constructor.addCode(code.build());
      throwsOnNull |= !(field.type() instanceof PrimitiveType || field.type() instanceof VarintType)
          || field.optional();
    }
    if (throwsOnNull) {
      constructor.addJavadoc("@throws NullPointerException if a component is null\n");
    }
    constructor.addJavadoc("@throws IllegalArgumentException if a component does not fit its wire type\n");
    return constructor.build();
  }

  /**
   * Checks a value of {@code type}. {@code label} is the check's last arguments, which name the
   * value: a field name ({@code "nick"}), or a list's name and an element's index
   * ({@code "tags", i}), from which the runtime builds {@code tags[3]} only if the check fails.
   */
  private void check(CodeBlock.Builder code, FieldType type, CodeBlock value, CodeBlock label,
      NameAllocator names) {
    if (type instanceof PrimitiveType p) {
      switch (p) {
        case U8 -> code.addStatement("$T.checkU8($L, $L)", JavaTypes.WIRE, value, label);
        case U16 -> code.addStatement("$T.checkU16($L, $L)", JavaTypes.WIRE, value, label);
        case U24 -> code.addStatement("$T.checkU24($L, $L)", JavaTypes.WIRE, value, label);
        case I24 -> code.addStatement("$T.checkI24($L, $L)", JavaTypes.WIRE, value, label);
        case U32 -> code.addStatement("$T.checkU32($L, $L)", JavaTypes.WIRE, value, label);
        default -> { }
      }
    } else if (type instanceof VarintType v) {
      // Ten bytes carry every long: a varint<10> or zigzag<10> needs no check.
      if (v.maxBytes() < VarintType.MAX_BYTES) {
        code.addStatement("$T.$N($L, $L, $L)", JavaTypes.WIRE, v.zigzag() ? "checkZigzag" : "checkUvarint", value,
            v.maxBytes(), label);
      }
    } else if (type instanceof StringType s && s.size() instanceof Size.Varint v) {
      code.addStatement("$T.checkVarintString($L, $L, $L)", JavaTypes.WIRE, value, v.maxBytes(), label);
    } else if (type instanceof BytesType b && b.size() instanceof Size.Varint v) {
      code.addStatement("$T.checkVarintBytes($L, $L, $L)", JavaTypes.WIRE, value, v.maxBytes(), label);
    } else if (type instanceof StringType s) {
      if (s.size() instanceof Size.Terminated) {
        code.addStatement("$T.checkCString($L, $L)", JavaTypes.WIRE, value, label);
      } else {
        code.addStatement("$T.$N($L, $L, $L)", JavaTypes.WIRE, signed(s.size()) ? "checkSignedString" : "checkString",
            value, width(s.size()), label);
      }
    } else if (type instanceof BytesType b) {
      code.addStatement("$T.$N($L, $L, $L)", JavaTypes.WIRE, signed(b.size()) ? "checkSignedBytes" : "checkBytes",
          value, width(b.size()), label);
    } else if (type instanceof FixedBytesType b) {
      code.addStatement("$T.checkFixedBytes($L, $L, $L)", JavaTypes.WIRE, value, b.size(), label);
    } else if (type instanceof ListType list) {
      // Only as an element: the enclosing list's check has already made this one immutable, so
      // what is left is its size and its elements.
      code.addStatement("$T.$N($L, $L, $L)", JavaTypes.WIRE, checkListMethod(list), value, countWidth(list),
          label);
      checkElements(code, list, value, "", label, names);
      checkSentinel(code, list, value, "", label, names);
    } else if (type instanceof dev.parley.spec.ExternType extern) {
      code.addStatement("$T.checkExtern($N, $L, $L)", JavaTypes.WIRE, Externs.codecConstant(extern), value, label);
    } else if (type instanceof NullableType nullable) {
      // Only as an element, which the enclosing list has checked non-null.
      if (needsCheck(nullable.inner())) {
        code.beginControlFlow("if ($L.isPresent())", value);
        check(code, nullable.inner(), CodeBlock.of("$L.get()", value), label, names);
        code.endControlFlow();
      }
    } else {
      code.addStatement("$T.requireNonNull($L, $L)", JavaTypes.OBJECTS, value, label);
    }
  }

  /**
   * Checks each element of a list whose element type has a constraint beyond non-null, which the
   * list's own check has ensured. Elements of a field's list are named by the field and their
   * index; inside a list that is itself an element ({@code outer} names it), by their index alone,
   * and a failure takes the outer name on its way out: {@code grid[1][2]}.
   */
  private void checkElements(CodeBlock.Builder code, ListType list, CodeBlock value, String field,
      CodeBlock outer, NameAllocator names) {
    if (!needsCheck(list.element())) {
      return;
    }
    String i = names.newName("i");
    if (outer != null) {
      code.beginControlFlow("try");
    }
    code.beginControlFlow("for (int $N = 0; $N < $L.size(); $N++)", i, i, value, i);
    check(code, list.element(), CodeBlock.of("$L.get($N)", value, i), CodeBlock.of("$S, $N", field, i), names);
    code.endControlFlow();
    if (outer != null) {
      String e = names.newName("e");
      code.nextControlFlow("catch ($T $N)", IllegalArgumentException.class, e);
      code.addStatement("throw $T.within($N, $L)", JavaTypes.WIRE, e, outer);
      code.endControlFlow();
    }
  }

  /**
   * The width in bytes of the length that bounds a string or bytes: its prefix's, its size
   * field's, or 4 for data that takes the rest of the frame, which the frame bounds on encode.
   */
  private static int width(Size size) {
    if (size instanceof Size.Prefix p) {
      return p.width().size();
    } else if (size instanceof Size.FieldRef ref) {
      return ref.type().size();
    } else if (size instanceof Size.Varint v) {
      // The most bytes, which the varint checks (checkVarintList) take in place of a width.
      return v.maxBytes();
    }
    return 4;
  }

  private static boolean signed(Size size) {
    return (size instanceof Size.Prefix p && p.width().signed())
        || (size instanceof Size.FieldRef ref && ref.type().isSigned());
  }

  private static int countWidth(ListType list) {
    return width(list.count());
  }

  private static String checkListMethod(ListType list) {
    if (list.count() instanceof Size.Varint) {
      return "checkVarintList";
    }
    return signed(list.count()) ? "checkSignedList" : "checkList";
  }

  /**
   * Refuses an element that starts with the list's sentinel: written, it would end the list
   * there (SPEC.md 13.5). {@code value} is the list of {@code field}, or, when {@code outer} names
   * it ({@code "grid", i}), an element of another list, whose label the error then takes.
   */
  private void checkSentinel(CodeBlock.Builder code, ListType list, CodeBlock value, String field,
      CodeBlock outer, NameAllocator names) {
    if (!(list.count() instanceof Size.Until until)) {
      return;
    }
    String i = names.newName("i");
    CodeBlock sentinel = Sentinels.startsWithSentinel(list, until, CodeBlock.of("$L.get($N)", value, i), types);
    String startsWith = "] starts with " + dev.parley.spec.Value.source(until.sentinel())
        + ", the sentinel that ends the list";
    code.beginControlFlow("for (int $N = 0; $N < $L.size(); $N++)", i, i, value, i);
    code.beginControlFlow("if ($L)", sentinel);
    if (outer == null) {
      code.addStatement("throw new $T($S + $N + $S)", IllegalArgumentException.class, field + "[", i, startsWith);
    } else {
      code.addStatement("throw $T.within(new $T($S + $N + $S), $L)", JavaTypes.WIRE, IllegalArgumentException.class,
          "[", i, startsWith, outer);
    }
    code.endControlFlow();
    code.endControlFlow();
  }

  private static boolean needsCheck(FieldType type) {
    if (type instanceof VarintType v) {
      return v.maxBytes() < VarintType.MAX_BYTES;
    }
    if (type instanceof PrimitiveType p) {
      return p == PrimitiveType.U8 || p == PrimitiveType.U16 || p == PrimitiveType.U24
          || p == PrimitiveType.I24 || p == PrimitiveType.U32;
    }
    // Other reference types are already checked non-null by the enclosing list.
    return type instanceof StringType || type instanceof BytesType || type instanceof FixedBytesType
        || type instanceof ListType || type instanceof NullableType || type instanceof dev.parley.spec.ExternType;
  }

  // ---- Codec ----------------------------------------------------------------------------------

  private MethodSpec encodedSize(Composite composite, SchemaFile file, Modifier[] visibility) {
    NameAllocator names = names(composite, List.of());
    String size = names.newName("size");
    boolean nativeBody = composite instanceof MessageType && file.frame().isEmpty();
    // The fixed part as the sum of what it adds up, each term named: "2 + 8; // type id, roomId".
    List<String> terms = new ArrayList<>();
    List<String> named = new ArrayList<>();
    if (nativeBody) {
      terms.add(Integer.toString(file.options().typeId().size()));
      named.add("type id");
    }
    CodeBlock.Builder code = CodeBlock.builder();
    for (Field field : composite.fields()) {
      if (!field.optional() && codec.fixedSize(field.type()).isPresent()) {
        terms.add(Integer.toString(codec.fixedSize(field.type()).getAsInt()));
        named.add(javaName(field));
      } else {
        codec.addFieldSize(code, field, CodeBlock.of("this.$N", javaName(field)), size, names);
      }
    }
    String sum = terms.isEmpty() ? "0" : String.join(" + ", terms);
    String comment = named.isEmpty() ? "" : " // " + String.join(", ", named);
    MethodSpec.Builder method = MethodSpec.methodBuilder(GeneratedMember.ENCODED_SIZE.javaName())
        .addModifiers(visibility)
        .returns(TypeName.INT);
    if (code.isEmpty()) {
      method.addCode("return $L;$L\n", sum, comment);
    } else {
      method.addCode("int $N = $L;$L\n", size, sum, comment).addCode(code.build()).addStatement("return $N", size);
    }
    return method
        .addJavadoc(nativeBody
            ? "The exact size of this message's frame body, type id included."
            : composite instanceof MessageType
                ? "The exact size of this message's body, after the frame header."
                : "The exact number of bytes {@link #encode} writes.")
        .build();
  }

  private MethodSpec encode(Composite composite, SchemaFile file, Modifier[] visibility) {
    NameAllocator names = names(composite, List.of());
    String out = names.newName("out");
    CodeBlock.Builder code = CodeBlock.builder();
    boolean nativeBody = composite instanceof MessageType && file.frame().isEmpty();
    ChecksumType.Span span = checksumSpan(composite);
    String spanStart = span == null ? null : names.newName(javaName(composite.checksum().orElseThrow()) + "From");
    if (span instanceof ChecksumType.Span.Body) {
      // The body starts here: at the type id in Parley's own frame, after the header in a declared one.
      code.addStatement("int $N = $N.position()", spanStart, out);
    }
    if (nativeBody) {
      PrefixWidth typeId = file.options().typeId();
      code.addStatement(typeId == PrefixWidth.U8 ? "$N.put((byte) TYPE_ID)" : "$N.putShort((short) TYPE_ID)", out);
    }
    // A string whose byte length an earlier field holds: that length, computed once for both.
    java.util.Map<String, String> utf8Lengths = new java.util.HashMap<>();
    for (Field field : composite.fields()) {
      if (span instanceof ChecksumType.Span.From from && from.field().equals(field.name())) {
        code.addStatement("int $N = $N.position()", spanStart, out);
      }
      if (field.type() instanceof ChecksumType checksum) {
        codec.writeChecksum(code, checksum, spanStart, out);
        continue;
      }
      java.util.Optional<Field> sized = composite.sized(field);
      java.util.Optional<Field> selected = composite.selected(field);
      if (selected.isPresent()) {
        dev.parley.spec.UnionType union = Composite.selection(selected.get().type()).orElseThrow().union();
        codec.writeField(code, field, CodeBlock.of("$T.selector(this.$N)", types.className(union),
            javaName(selected.get())), out, names);
      } else if (sized.isPresent() && sized.get().type() instanceof StringType && !sized.get().optional()) {
        String length = names.newName(javaName(sized.get()) + "Utf8Length");
        code.addStatement("int $N = $T.utf8Length(this.$N)", length, JavaTypes.WIRE, javaName(sized.get()));
        codec.writeLength(code, (PrimitiveType) field.type(), CodeBlock.of("$N", length), out);
        utf8Lengths.put(sized.get().name(), length);
      } else if (sized.isPresent()) {
        codec.writeSize(code, (PrimitiveType) field.type(), sized.get(),
            CodeBlock.of("this.$N", javaName(sized.get())), out);
      } else if (utf8Lengths.containsKey(field.name())) {
        code.addStatement("$T.putStringOf($N, this.$N, $N)", JavaTypes.WIRE, out, javaName(field),
            utf8Lengths.get(field.name()));
      } else {
        codec.writeField(code, field, CodeBlock.of("this.$N", javaName(field)), out, names);
      }
    }
    return MethodSpec.methodBuilder(GeneratedMember.ENCODE.javaName())
        .addJavadoc(nativeBody
            ? "Writes the frame body (type id, then fields) at the position of {@code $N}, in its byte order."
            : composite instanceof MessageType
                ? "Writes the body (the fields after the frame header) at the position of {@code $N}, in its"
                    + " byte order."
                : "Writes the fields at the position of {@code $N}, in its byte order; allocates nothing.", out)
        .addModifiers(visibility)
        .addParameter(JavaTypes.BYTE_BUFFER, out)
        .addCode(code.build())
        .build();
  }

  private MethodSpec decode(Composite composite, SchemaFile file, ClassName name, Modifier[] visibility,
      List<Field> header) {
    List<Field> headerSizes = composite instanceof MessageType m ? new ArrayList<>(headerSizes(m, file))
        : new ArrayList<>();
    if (composite instanceof MessageType m) {
      headerSizes.addAll(headerSelectors(m, file));
    }
    List<Field> named = new ArrayList<>(header);
    named.addAll(headerSizes);
    NameAllocator names = names(composite, named);
    String in = names.newName("in");
    boolean origin = codec.compositeNeedsOrigin(composite);
    String originName = origin ? names.newName("origin", Externs.ORIGIN) : null;
    CodeBlock.Builder code = CodeBlock.builder();
    if (origin && composite instanceof MessageType) {
      code.addStatement("int $N = $N.position()", originName, in);
    }
    StringBuilder arguments = new StringBuilder();
    for (Field field : header) {
      arguments.append(arguments.length() == 0 ? "" : ", ").append(javaName(field));
    }
    java.util.Map<String, String> sizeAt = new java.util.HashMap<>();
    ChecksumType.Span span = checksumSpan(composite);
    String spanStart = span == null ? null : names.newName(javaName(composite.checksum().orElseThrow()) + "From");
    if (span instanceof ChecksumType.Span.Body) {
      // The protocol has read the type id of Parley's own frame, or a declared frame's header.
      if (file.frame().isPresent()) {
        code.addStatement("int $N = $N.position()", spanStart, in);
      } else {
        code.addStatement("int $N = $N.position() - $L", spanStart, in, file.options().typeId().size());
      }
    } else if (span instanceof ChecksumType.Span.Frame) {
      code.add("int $N = $N.position() - $L; // the frame's first byte, before its header\n", spanStart, in,
          file.frame().orElseThrow().headerSize());
    }
    for (Field field : composite.fields()) {
      String local = javaName(field);
      if (span instanceof ChecksumType.Span.From from && from.field().equals(field.name())) {
        code.addStatement("int $N = $N.position()", spanStart, in);
      }
      if (field.type() instanceof ChecksumType) {
        codec.readChecksum(code, field, spanStart, in, names);
        continue;
      }
      java.util.Optional<Field> sizeField = composite.sizeField(field);
      if (composite.selected(field).isPresent() && composite.sized(field).isEmpty()) {
        // A selector is read, kept for the union it selects, and not given to the record.
        readField(code, field, local, in, names);
        continue;
      }
      if (composite.sized(field).isPresent()) {
        // A size is read, kept for the field it sizes, and not given to the record.
        String at = names.newName(local + "At");
        sizeAt.put(field.name(), at);
        code.addStatement("int $N = $N.position()", at, in);
        readField(code, field, local, in, names);
        continue;
      } else if (sizeField.isPresent()) {
        codec.readSized(code, field.type(), local, field.name(), in, javaName(sizeField.get()),
            sizeAt.get(sizeField.get().name()), names);
      } else if (Composite.sizeOf(field.type()).orElse(null) instanceof Size.FieldRef ref && ref.header()) {
        // The size was in the header: an error points at the data it could not cover.
        String at = names.newName(local + "At");
        code.addStatement("int $N = $N.position()", at, in);
        codec.readSized(code, field.type(), local, field.name(), in, JavaNames.fieldName(ref.field()), at, names);
      } else if (lastCString(composite, field)) {
        // A message's last string<nul> usually ends at the frame's last byte: the faster read.
        code.addStatement("$T $N = $T.lastCString($N, $S)", String.class, local, JavaTypes.WIRE, in, field.name());
      } else if (field.since() == 1) {
        readField(code, field, local, in, names);
      } else {
        // An older writer ends the body before this field: it takes its default, or is absent
        // (optional) or null (nullable, which takes no default: SPEC.md 13.6).
        String value = names.newName(local + "Value");
        code.addStatement("$T $N", types.fieldType(field), local);
        code.beginControlFlow("if ($N.hasRemaining())", in);
        readField(code, field, value, in, names);
        code.addStatement("$N = $N", local, value);
        code.nextControlFlow("else");
        code.addStatement("$N = $L", local, field.optional() || field.type() instanceof NullableType
            ? CodeBlock.of("$T.empty()", JavaTypes.OPTIONAL)
            : Defaults.of(field, types));
        code.endControlFlow();
      }
      arguments.append(arguments.length() == 0 ? "" : ", ").append(local);
    }
    MethodSpec.Builder method = MethodSpec.methodBuilder(GeneratedMember.DECODE.javaName())
        .addModifiers(visibility)
        .addModifiers(Modifier.STATIC)
        .returns(name)
        .addParameter(JavaTypes.BYTE_BUFFER, in)
        .addException(JavaTypes.MALFORMED);
    for (Field field : header) {
      method.addParameter(types.fieldType(field), javaName(field));
    }
    for (Field field : headerSizes) {
      method.addParameter(types.fieldType(field), javaName(field));
    }
    if (origin && composite instanceof StructType) {
      method.addParameter(TypeName.INT, originName);
    }
    String after = file != null && file.frame().isPresent() ? "the frame header" : "its type id";
    if (composite instanceof MessageType message && !composite.fields().isEmpty()) {
      String e = names.newName("e");
      method.addJavadoc("Reads the fields of a $N body after $L; errors name $N.", message.name(), after,
          message.name());
      method.beginControlFlow("try");
      method.addCode(code.build());
      method.addStatement("return new $T($L)", name, arguments);
      method.nextControlFlow("catch ($T $N)", JavaTypes.MALFORMED, e);
      method.addStatement("throw $N.within($S)", e, message.name());
      method.endControlFlow();
    } else {
      method.addJavadoc(composite instanceof MessageType
          ? CodeBlock.of("Reads the fields of a body after $L: this message has none.", after)
          : CodeBlock.of("Reads the fields at the position of {@code $N}, in its byte order.", in));
      method.addCode(code.build());
      method.addStatement("return new $T($L)", name, arguments);
    }
    return method.build();
  }

  /** Where the checksum that ends {@code composite} starts covering bytes; null without one. */
  private static ChecksumType.Span checksumSpan(Composite composite) {
    return composite.checksum().map(f -> ((ChecksumType) f.type()).span()).orElse(null);
  }

  /** Whether {@code field} is a plain {@code string<nul>} that is the last field of a message. */
  private static boolean lastCString(Composite composite, Field field) {
    List<Field> fields = composite.fields();
    return composite instanceof MessageType && field == fields.get(fields.size() - 1) && !field.optional()
        && field.since() == 1 && field.type() instanceof StringType s && s.size() instanceof Size.Terminated;
  }

  /** Declares {@code target} and reads the field into it, presence byte first when optional. */
  private void readField(CodeBlock.Builder code, Field field, String target, String in,
      NameAllocator names) {
    if (!field.optional()) {
      codec.read(code, field.type(), target, field.name(), in, names);
      return;
    }
    String present = names.newName(target + "Present");
    code.addStatement("$T $N", types.fieldType(field), target);
    code.beginControlFlow("if ($T.present($N, $S))", JavaTypes.WIRE, in, field.name());
    codec.read(code, field.type(), present, field.name(), in, names);
    code.addStatement("$N = $T.of($N)", target, JavaTypes.OPTIONAL, present);
    code.nextControlFlow("else");
    code.addStatement("$N = $T.empty()", target, JavaTypes.OPTIONAL);
    code.endControlFlow();
  }
}
