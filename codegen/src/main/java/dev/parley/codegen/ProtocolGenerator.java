package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.google.common.collect.ImmutableList;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.FrameField;
import dev.parley.spec.FrameLayout;
import dev.parley.spec.GeneratedMember;
import dev.parley.spec.JavaNames;
import dev.parley.spec.MessageType;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.SchemaFile;
import java.nio.ByteOrder;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates a file's sealed {@code <File>Message} interface and its {@code <File>Protocol}: the
 * frame format, dispatch on the type id, and the byte order set around every encode and decode.
 */
final class ProtocolGenerator {

  private final JavaTypes types;

  ProtocolGenerator(JavaTypes types) {
    this.types = types;
  }

  TypeSpec messageInterface(SchemaFile file) {
    TypeSpec.Builder spec = TypeSpec.interfaceBuilder(JavaTypes.messageInterface(file))
        .addModifiers(Modifier.PUBLIC, Modifier.SEALED)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addJavadoc("Any message of {@code $L}; {@link $T} reads and writes them.",
            file.path().getFileName(), JavaTypes.protocolClass(file));
    for (MessageType message : file.messages()) {
      spec.addPermittedSubclass(types.className(message));
    }
    if (file.hasTypeId()) {
      spec.addMethod(MethodSpec.methodBuilder(GeneratedMember.TYPE_ID.javaName())
          .addJavadoc(file.frame().isEmpty()
              ? CodeBlock.of("The type id that starts this message's frame body.")
              : CodeBlock.of("The type id this message carries in the frame header's {@code $L} field.",
                  file.frame().get().typeId().orElseThrow().name()))
          .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
          .returns(TypeName.INT)
          .build());
    }
    for (FrameField field : file.frame().map(FrameLayout::applicationFields).orElse(ImmutableList.of())) {
      spec.addMethod(MethodSpec.methodBuilder(JavaNames.fieldName(field.name()))
          .addJavadoc(field.doc().map(Sources::docText)
              .orElse("The {@code " + field.name() + "} field of the frame header."))
          .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
          .returns(types.javaType(field.type()))
          .build());
    }
    return spec.build();
  }

  /** The protocol of a file that declares its frame: the protocol writes and reads whole frames. */
  private TypeSpec declaredProtocol(SchemaFile file) {
    ClassName protocol = JavaTypes.protocolClass(file);
    ClassName message = JavaTypes.messageInterface(file);
    String order = byteOrderConstant(file);
    HeaderCodec header = new HeaderCodec(file, types);
    return TypeSpec.classBuilder(protocol)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addSuperinterface(ParameterizedTypeName.get(JavaTypes.PROTOCOL, message))
        .addJavadoc("The protocol of {@code $L}: frames whose header is {@code $L}, in $L byte order, of at"
                + " most $L bytes, header included. It writes and reads whole frames.",
            file.path().getFileName(), header.describe(),
            order.toLowerCase(java.util.Locale.ROOT).replace('_', '-'), file.options().maxFrameLength())
        .addField(instance(protocol))
        .addField(FieldSpec.builder(JavaTypes.FRAME_FORMAT, "FORMAT", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL)
            .initializer(header.format(order))
            .build())
        .addField(FieldSpec.builder(TypeName.INT, "HEADER_SIZE", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("Bytes of the frame header: $L.", header.fieldNames())
            .initializer(header.headerSize())
            .build())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(frameFormat())
        .addMethod(declaredEncodedSize(file, message))
        .addMethods(file.frame().orElseThrow().varintLength() ? List.of(bodySize(file, message)) : List.of())
        .addMethod(declaredEncode(file, message, order, header))
        .addMethod(declaredDecode(file, message, order, header))
        .build();
  }

  /** The size of a message's body, after its header: what a varint length counts. */
  private MethodSpec bodySize(SchemaFile file, ClassName message) {
    CodeBlock.Builder code = CodeBlock.builder();
    if (file.hasTypeId()) {
      code.add("return switch (message.typeId()) {\n").indent()
          .add(arms(file, "case $1T.TYPE_ID -> (($1T) message).encodedSize();\n"))
          .add(notAMessageOfThisProtocol())
          .unindent().add("};\n");
    } else {
      code.addStatement("return (($T) message).encodedSize()", only(file));
    }
    return MethodSpec.methodBuilder("bodySize")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(TypeName.INT)
        .addParameter(message, "message")
        .addJavadoc("The size of the body after the header, which the varint length counts.")
        .addCode(code.build())
        .build();
  }

  private MethodSpec declaredEncodedSize(SchemaFile file, ClassName message) {
    CodeBlock.Builder code = CodeBlock.builder();
    if (file.frame().orElseThrow().varintLength()) {
      code.addStatement("int bodySize = bodySize(message)");
      code.addStatement("return HEADER_SIZE + $T.uvarintSize(bodySize) + bodySize", JavaTypes.WIRE);
    } else if (file.hasTypeId()) {
      code.add("return HEADER_SIZE + switch (message.typeId()) {\n").indent()
          .add(arms(file, "case $1T.TYPE_ID -> (($1T) message).encodedSize();\n"))
          .add(notAMessageOfThisProtocol())
          .unindent().add("};\n");
    } else {
      code.addStatement("return HEADER_SIZE + (($T) message).encodedSize()", only(file));
    }
    return MethodSpec.methodBuilder(GeneratedMember.ENCODED_SIZE.javaName())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT)
        .addParameter(message, "message")
        .addJavadoc("The size of the whole frame, header included.")
        .addCode(code.build())
        .build();
  }

  private MethodSpec declaredEncode(SchemaFile file, ClassName message, String order, HeaderCodec header) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("int start = out.position()");
    if (header.varintLength()) {
      // The varint's own size depends on the body's: the body is sized before the header is written.
      code.addStatement("int bodySize = bodySize(message)");
    }
    header.write(code, "out", "message");
    if (file.hasTypeId()) {
      code.add("switch (message.typeId()) {\n").indent()
          .add(arms(file, "case $1T.TYPE_ID -> (($1T) message).encode(out);\n"))
          .add(notAMessageOfThisProtocol())
          .unindent().add("}\n");
    } else {
      code.addStatement("(($T) message).encode(out)", only(file));
    }
    if (file.frame().orElseThrow().length().isPresent() && !header.varintLength()) {
      header.patchLength(code, "out", "start");
    }
    sealFrameChecksums(file, code);
    return MethodSpec.methodBuilder(GeneratedMember.ENCODE.javaName())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(message, "message")
        .addParameter(JavaTypes.BYTE_BUFFER, "out")
        .addJavadoc("Writes the whole frame, header and length included, at the position of {@code out}.")
        .addStatement("$T order = out.order()", JavaTypes.BYTE_ORDER)
        .addStatement("out.order($T.$N)", JavaTypes.BYTE_ORDER, order)
        .beginControlFlow("try")
        .addCode(code.build())
        .nextControlFlow("finally")
        .addStatement("out.order(order)")
        .endControlFlow()
        .build();
  }

  private MethodSpec declaredDecode(SchemaFile file, ClassName message, String order, HeaderCodec header) {
    NameAllocator names = new NameAllocator();
    for (String local : new String[] {"order", "start", "frame", "message", "e"}) {
      names.newName(local);
    }
    header.allocate(names);
    CodeBlock.Builder code = CodeBlock.builder();
    header.read(code, "frame", "start", names);
    if (file.hasTypeId()) {
      String typeId = names.get(file.frame().orElseThrow().typeId().orElseThrow());
      CodeBlock.Builder arms = CodeBlock.builder();
      for (MessageType m : file.messages()) {
        CodeBlock unused = unusedSizes(file, m, names, header);
        String arguments = "";
        String sizes = headerArguments(file, m, names);
        if (unused.isEmpty()) {
          arms.add("case $1T.TYPE_ID -> $1T.decode(frame$2L$3L);\n", types.className(m), arguments, sizes);
        } else {
          arms.add("case $T.TYPE_ID -> {\n$>", types.className(m)).add(unused)
              .add("yield $1T.decode(frame$2L$3L);\n$<}\n", types.className(m), arguments, sizes);
        }
      }
      code.add("$T message = switch ($N) {\n", message, typeId).indent()
          .add(arms.build())
          .add("default -> throw $T.malformed($S, $S + $N, $L);\n", JavaTypes.WIRE,
              file.frame().orElseThrow().typeId().orElseThrow().name(), "unknown type id ", typeId,
              header.typeIdPosition("start"))
          .unindent().add("};\n");
    } else {
      MessageType m = file.messages().get(0);
      code.add(unusedSizes(file, m, names, header));
      String arguments = "";
      String sizes = headerArguments(file, m, names);
      code.addStatement("$T message = $T.decode(frame$L$L)", message, only(file), arguments, sizes);
    }
    return MethodSpec.methodBuilder(GeneratedMember.DECODE.javaName())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(message)
        .addParameter(JavaTypes.BYTE_BUFFER, "frame")
        .addException(JavaTypes.PROTOCOL_EXCEPTION)
        .addJavadoc("Reads one whole frame, header included, checking its constants and its length.")
        .addStatement("$T order = frame.order()", JavaTypes.BYTE_ORDER)
        .addStatement("int start = frame.position()")
        .addStatement("frame.order($T.$N)", JavaTypes.BYTE_ORDER, order)
        .beginControlFlow("try")
        .addCode(code.build())
        .addComment("Bytes after the last known field come from a newer writer: skip them.")
        .addStatement("frame.position(frame.limit())")
        .addStatement("return message")
        .nextControlFlow("catch ($T e)", JavaTypes.MALFORMED)
        .addStatement("throw e.relativeTo(start)")
        .nextControlFlow("finally")
        .addStatement("frame.order(order)")
        .endControlFlow()
        .build();
  }

  /**
   * Writes the checksums that cover the whole frame, over the 0 each message wrote in their place:
   * only now, after the length, are the frame's bytes final (SPEC.md 13.12).
   */
  private void sealFrameChecksums(SchemaFile file, CodeBlock.Builder code) {
    for (MessageType m : file.messages()) {
      java.util.Optional<dev.parley.spec.ChecksumType> checksum = m.checksum()
          .map(f -> (dev.parley.spec.ChecksumType) f.type())
          .filter(c -> c.span() instanceof dev.parley.spec.ChecksumType.Span.Frame);
      if (checksum.isEmpty()) {
        continue;
      }
      if (file.hasTypeId()) {
        code.beginControlFlow("if (message instanceof $T)", types.className(m));
      }
      WireCodec.sealChecksum(code, checksum.get(), "start", "out");
      if (file.hasTypeId()) {
        code.endControlFlow();
      }
    }
  }

  /**
   * The header values a message's decoder takes, as {@code , opaque, cas}: its header components,
   * then the header sizes and selectors its body uses.
   */
  private static String headerArguments(SchemaFile file, MessageType message, NameAllocator names) {
    List<dev.parley.spec.Field> fields = new java.util.ArrayList<>(RecordGenerator.headerComponents(file, message));
    fields.addAll(RecordGenerator.headerSizes(message, file));
    fields.addAll(RecordGenerator.headerSelectors(message, file));
    return fields.stream()
        .map(f -> ", " + names.get(file.frame().orElseThrow().field(f.name()).orElseThrow()))
        .collect(java.util.stream.Collectors.joining());
  }

  /**
   * Checks that the header sizes a message has no field for are 0: a frame that says otherwise
   * carries bytes the message does not describe (SPEC.md 13.3).
   */
  private static CodeBlock unusedSizes(SchemaFile file, MessageType message, NameAllocator names,
      HeaderCodec header) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (FrameField size : file.headerSizes()) {
      if (SchemaFile.sizedBy(message, size).isEmpty()) {
        code.addStatement("$T.constant($N, 0, $S, $L)", JavaTypes.WIRE, names.get(size), size.name(),
            header.position(size, "start"));
      }
    }
    return code.build();
  }

  /** The one message of a file whose frame has no type id. */
  private ClassName only(SchemaFile file) {
    return types.className(file.messages().get(0));
  }

  TypeSpec protocol(SchemaFile file) {
    if (file.frame().isPresent()) {
      return declaredProtocol(file);
    }
    ClassName protocol = JavaTypes.protocolClass(file);
    ClassName message = JavaTypes.messageInterface(file);
    String order = byteOrderConstant(file);
    return TypeSpec.classBuilder(protocol)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addSuperinterface(ParameterizedTypeName.get(JavaTypes.PROTOCOL, message))
        .addJavadoc(protocolJavadoc(file, order))
        .addField(instance(protocol))
        .addField(format(file, order))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(frameFormat())
        .addMethod(encodedSize(file, message))
        .addMethod(encode(file, message, order))
        .addMethod(decode(file, message, order))
        .build();
  }

  /** The name of the {@code ByteOrder} constant of the file's byte order. */
  private static String byteOrderConstant(SchemaFile file) {
    return file.options().byteOrder() == ByteOrder.BIG_ENDIAN ? "BIG_ENDIAN" : "LITTLE_ENDIAN";
  }

  private static CodeBlock protocolJavadoc(SchemaFile file, String order) {
    return CodeBlock.of("The protocol of {@code $L}: frames with a $L length prefix, $L type ids, $L byte"
            + " order, bodies of at most $L bytes.",
        file.path().getFileName(), file.options().lengthPrefix().keyword(),
        file.options().typeId().keyword(), order.toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        file.options().maxFrameLength());
  }

  private static FieldSpec instance(ClassName protocol) {
    return FieldSpec.builder(protocol, "INSTANCE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The protocol; it holds no state.")
        .initializer("new $T()", protocol)
        .build();
  }

  private static FieldSpec format(SchemaFile file, String order) {
    return FieldSpec.builder(JavaTypes.FRAME_FORMAT, "FORMAT", Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL)
        .initializer("$T.builder()\n$>$>.lengthSize($L)\n.byteOrder($T.$N)\n.maxFrameLength($L)\n.build()$<$<",
            JavaTypes.FRAME_FORMAT, file.options().lengthPrefix().size(), JavaTypes.BYTE_ORDER, order,
            file.options().maxFrameLength())
        .build();
  }

  private static MethodSpec frameFormat() {
    return MethodSpec.methodBuilder("frameFormat")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(JavaTypes.FRAME_FORMAT)
        .addStatement("return FORMAT")
        .build();
  }

  private MethodSpec encodedSize(SchemaFile file, ClassName message) {
    return MethodSpec.methodBuilder(GeneratedMember.ENCODED_SIZE.javaName())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT)
        .addParameter(message, "message")
        .addCode(CodeBlock.builder()
            .add("return switch (message.typeId()) {\n").indent()
            .add(arms(file, "case $1T.TYPE_ID -> (($1T) message).encodedSize();\n"))
            .add(notAMessageOfThisProtocol())
            .unindent().add("};\n")
            .build())
        .build();
  }

  private MethodSpec encode(SchemaFile file, ClassName message, String order) {
    return MethodSpec.methodBuilder(GeneratedMember.ENCODE.javaName())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(message, "message")
        .addParameter(JavaTypes.BYTE_BUFFER, "out")
        .addStatement("$T order = out.order()", JavaTypes.BYTE_ORDER)
        .addStatement("out.order($T.$N)", JavaTypes.BYTE_ORDER, order)
        .beginControlFlow("try")
        .addCode(CodeBlock.builder()
            .add("switch (message.typeId()) {\n").indent()
            .add(arms(file, "case $1T.TYPE_ID -> (($1T) message).encode(out);\n"))
            .add(notAMessageOfThisProtocol())
            .unindent().add("}\n")
            .build())
        .nextControlFlow("finally")
        .addStatement("out.order(order)")
        .endControlFlow()
        .build();
  }

  private MethodSpec decode(SchemaFile file, ClassName message, String order) {
    String readTypeId = file.options().typeId() == PrefixWidth.U8 ? "u8" : "u16";
    return MethodSpec.methodBuilder(GeneratedMember.DECODE.javaName())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(message)
        .addParameter(JavaTypes.BYTE_BUFFER, "body")
        .addException(JavaTypes.PROTOCOL_EXCEPTION)
        .addStatement("$T order = body.order()", JavaTypes.BYTE_ORDER)
        .addStatement("int start = body.position()")
        .addStatement("body.order($T.$N)", JavaTypes.BYTE_ORDER, order)
        .beginControlFlow("try")
        .addStatement("int typeId = $T.$N(body, $S)", JavaTypes.WIRE, readTypeId, "type_id")
        .addCode(CodeBlock.builder()
            .add("$T message = switch (typeId) {\n", message).indent()
            .add(arms(file, "case $1T.TYPE_ID -> $1T.decode(body);\n"))
            .add("default -> throw $T.malformed($S, $S + typeId, start);\n", JavaTypes.WIRE, "type_id",
                "unknown type id ")
            .unindent().add("};\n")
            .build())
        .addComment("Bytes after the last known field come from a newer writer: skip them.")
        .addStatement("body.position(body.limit())")
        .addStatement("return message")
        .nextControlFlow("catch ($T e)", JavaTypes.MALFORMED)
        .addStatement("throw e.relativeTo(start)")
        .nextControlFlow("finally")
        .addStatement("body.order(order)")
        .endControlFlow()
        .build();
  }

  /** One switch arm per message, in schema order; {@code format} gets the record as {@code $1T}. */
  private CodeBlock arms(SchemaFile file, String format) {
    CodeBlock.Builder arms = CodeBlock.builder();
    for (MessageType m : file.messages()) {
      arms.add(format, types.className(m));
    }
    return arms.build();
  }

  /**
   * The default arm of the switches on a message being encoded: the interface is sealed, so only a
   * bug gets there.
   */
  private static CodeBlock notAMessageOfThisProtocol() {
    return CodeBlock.of("default -> throw new $T($S + message.getClass());\n",
        IllegalStateException.class, "not a message of this protocol: ");
  }
}
