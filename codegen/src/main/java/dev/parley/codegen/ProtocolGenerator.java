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
    return MethodSpec.methodBuilder("encodedSize")
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
    return MethodSpec.methodBuilder("encode")
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
    return MethodSpec.methodBuilder("decode")
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
