package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.MessageType;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.SchemaFile;
import java.nio.ByteOrder;
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
    spec.addMethod(MethodSpec.methodBuilder("typeId")
        .addJavadoc("The type id that starts this message's frame body.")
        .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
        .returns(TypeName.INT)
        .build());
    return spec.build();
  }

  TypeSpec protocol(SchemaFile file) {
    ClassName protocol = JavaTypes.protocolClass(file);
    ClassName message = JavaTypes.messageInterface(file);
    String order = file.options().byteOrder() == ByteOrder.BIG_ENDIAN ? "BIG_ENDIAN" : "LITTLE_ENDIAN";
    TypeSpec.Builder spec = TypeSpec.classBuilder(protocol)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addSuperinterface(ParameterizedTypeName.get(JavaTypes.PROTOCOL, message))
        .addJavadoc("The protocol of {@code $L}: frames with a $L length prefix, $L type ids, $L byte"
                + " order, bodies of at most $L bytes.",
            file.path().getFileName(), file.options().lengthPrefix().keyword(),
            file.options().typeId().keyword(), order.toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            file.options().maxFrameLength());
    spec.addField(FieldSpec.builder(protocol, "INSTANCE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The protocol; it holds no state.")
        .initializer("new $T()", protocol)
        .build());
    spec.addField(FieldSpec.builder(JavaTypes.FRAME_FORMAT, "FORMAT", Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL)
        .initializer("$T.builder()\n$>$>.lengthSize($L)\n.byteOrder($T.$N)\n.maxFrameLength($L)\n.build()$<$<",
            JavaTypes.FRAME_FORMAT, file.options().lengthPrefix().size(), JavaTypes.BYTE_ORDER, order,
            file.options().maxFrameLength())
        .build());
    spec.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    spec.addMethod(MethodSpec.methodBuilder("frameFormat")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(JavaTypes.FRAME_FORMAT)
        .addStatement("return FORMAT")
        .build());

    CodeBlock.Builder size = CodeBlock.builder().add("return switch (message.typeId()) {\n").indent();
    CodeBlock.Builder encode = CodeBlock.builder().add("switch (message.typeId()) {\n").indent();
    CodeBlock.Builder decode = CodeBlock.builder().add("$T message = switch (typeId) {\n", message).indent();
    for (MessageType m : file.messages()) {
      ClassName record = types.className(m);
      size.add("case $T.TYPE_ID -> (($T) message).encodedSize();\n", record, record);
      encode.add("case $T.TYPE_ID -> (($T) message).encode(out);\n", record, record);
      decode.add("case $T.TYPE_ID -> $T.decode(body);\n", record, record);
    }
    CodeBlock unknown = CodeBlock.of("default -> throw new $T($S + message.getClass());\n",
        IllegalStateException.class, "not a message of this protocol: ");
    size.add(unknown).unindent().add("};\n");
    encode.add(unknown).unindent().add("}\n");
    decode.add("default -> throw $T.malformed($S, $S + typeId, start);\n", JavaTypes.WIRE, "type_id",
        "unknown type id ").unindent().add("};\n");

    spec.addMethod(MethodSpec.methodBuilder("encodedSize")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT)
        .addParameter(message, "message")
        .addCode(size.build())
        .build());
    spec.addMethod(MethodSpec.methodBuilder("encode")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(message, "message")
        .addParameter(JavaTypes.BYTE_BUFFER, "out")
        .addStatement("$T order = out.order()", JavaTypes.BYTE_ORDER)
        .addStatement("out.order($T.$N)", JavaTypes.BYTE_ORDER, order)
        .beginControlFlow("try")
        .addCode(encode.build())
        .nextControlFlow("finally")
        .addStatement("out.order(order)")
        .endControlFlow()
        .build());
    String readTypeId = file.options().typeId() == PrefixWidth.U8 ? "u8" : "u16";
    spec.addMethod(MethodSpec.methodBuilder("decode")
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
        .addCode(decode.build())
        .addComment("Bytes after the last known field come from a newer writer: skip them.")
        .addStatement("body.position(body.limit())")
        .addStatement("return message")
        .nextControlFlow("catch ($T e)", JavaTypes.MALFORMED)
        .addStatement("throw e.relativeTo(start)")
        .nextControlFlow("finally")
        .addStatement("body.order(order)")
        .endControlFlow()
        .build());
    return spec.build();
  }
}
