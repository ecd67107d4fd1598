package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.parley.spec.BytesType;
import dev.parley.spec.ChecksumType;
import dev.parley.spec.Declaration;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FixedBytesType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.GeneratedName;
import dev.parley.spec.ListType;
import dev.parley.spec.NullableType;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.StringType;
import dev.parley.spec.StructType;
import dev.parley.spec.VarintType;

/**
 * The Java mapping of SPEC.md: which Java type a schema type becomes, and the class name of every
 * generated type. One place, so that every generator agrees.
 */
final class JavaTypes {

  static final ClassName BYTES = ClassName.get("dev.parley.runtime", "Bytes");
  /** Generated code's helpers; not API (see the package's Javadoc). */
  static final ClassName WIRE = ClassName.get("dev.parley.runtime.internal", "Wire");
  static final ClassName LIST_BUILDER = ClassName.get("dev.parley.runtime.internal", "ListBuilder");
  static final ClassName PROTOCOL = ClassName.get("dev.parley.runtime", "Protocol");
  static final ClassName FRAME_FORMAT = ClassName.get("dev.parley.runtime", "FrameFormat");
  static final ClassName HEADER_FIELD = ClassName.get("dev.parley.runtime", "HeaderField");
  static final ClassName LENGTH_COUNTS = ClassName.get("dev.parley.runtime", "LengthCounts");
  static final ClassName MALFORMED = ClassName.get("dev.parley.runtime", "MalformedFrameException");
  static final ClassName PROTOCOL_EXCEPTION = ClassName.get("dev.parley.runtime", "ProtocolException");
  static final ClassName BYTE_BUFFER = ClassName.get("java.nio", "ByteBuffer");
  static final ClassName BYTE_ORDER = ClassName.get("java.nio", "ByteOrder");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName OPTIONAL = ClassName.get("java.util", "Optional");
  static final ClassName ENUM_SET = ClassName.get("java.util", "EnumSet");
  static final ClassName SET = ClassName.get("java.util", "Set");
  static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  /** Simple names the generated code refers to; a schema type of the same name is qualified. */
  static final java.util.Set<String> REFERENCED_SIMPLE_NAMES = java.util.Set.of(
      "Bytes", "Wire", "ListBuilder", "Protocol", "FrameFormat", "MalformedFrameException", "ProtocolException",
      "ByteBuffer", "ByteOrder", "List", "Optional", "EnumSet", "Set", "Objects", "Generated",
      "String", "Object", "Override", "Integer", "Long", "Short", "Byte", "Boolean", "Float",
      "Double", "IllegalArgumentException", "NullPointerException", "Math", "SuppressWarnings",
      "Arbitrary", "Corruption", "RandomGenerator", "Stream");

  private final Schema schema;
  private final String[] clashing;

  JavaTypes(Schema schema) {
    this.schema = schema;
    this.clashing = schema.files().stream()
        .flatMap(f -> f.declarations().stream())
        .map(Declaration::name)
        .filter(REFERENCED_SIMPLE_NAMES::contains)
        .distinct()
        .sorted()
        .toArray(String[]::new);
  }

  /**
   * Simple names that generated code refers to and that a schema type also takes (a message
   * called {@code Error}, a struct called {@code List}): every type spec qualifies them.
   */
  String[] clashingNames() {
    return clashing.clone();
  }

  /** The class generated for a struct, message, enum or flags declaration. */
  ClassName className(Declaration declaration) {
    return ClassName.get(schema.fileOf(declaration).javaPackage(), declaration.name());
  }

  /** The sealed interface of a file's messages: {@code ChatMessage}. */
  static ClassName messageInterface(SchemaFile file) {
    return ClassName.get(file.javaPackage(), GeneratedName.MESSAGE.simpleName(file));
  }

  static ClassName protocolClass(SchemaFile file) {
    return ClassName.get(file.javaPackage(), GeneratedName.PROTOCOL.simpleName(file));
  }

  static ClassName constantsClass(SchemaFile file) {
    return ClassName.get(file.javaPackage(), GeneratedName.CONSTANTS.simpleName(file));
  }

  /** The Java type of a field, {@code Optional<...>} when optional. */
  TypeName fieldType(Field field) {
    return field.optional()
        ? ParameterizedTypeName.get(OPTIONAL, javaType(field.type()).box())
        : javaType(field.type());
  }

  /** The Java type of a value of {@code type}: primitive where SPEC.md maps it to one. */
  TypeName javaType(FieldType type) {
    if (type instanceof PrimitiveType primitive) {
      return switch (primitive) {
        case U8, U16, U24, I24, I32 -> TypeName.INT;
        case I8 -> TypeName.BYTE;
        case I16 -> TypeName.SHORT;
        case U32, U64, I64 -> TypeName.LONG;
        case F32 -> TypeName.FLOAT;
        case F64 -> TypeName.DOUBLE;
        case BOOL -> TypeName.BOOLEAN;
      };
    } else if (type instanceof VarintType varint) {
      return varint.isLong() ? TypeName.LONG : TypeName.INT;
    } else if (type instanceof ChecksumType) {
      // Never a component: the local a decoder reads the checksum into.
      return TypeName.LONG;
    } else if (type instanceof StringType) {
      return ClassName.get(String.class);
    } else if (type instanceof BytesType || type instanceof FixedBytesType) {
      return BYTES;
    } else if (type instanceof ListType list) {
      return ParameterizedTypeName.get(LIST, javaType(list.element()).box());
    } else if (type instanceof NullableType nullable) {
      return ParameterizedTypeName.get(OPTIONAL, javaType(nullable.inner()).box());
    } else if (type instanceof FlagsType flags) {
      return ParameterizedTypeName.get(ENUM_SET, className(flags));
    } else if (type instanceof EnumType enumType) {
      return className(enumType);
    } else if (type instanceof dev.parley.spec.BitsType bits) {
      return className(bits);
    } else if (type instanceof dev.parley.spec.UnionType union) {
      return className(union);
    } else if (type instanceof dev.parley.spec.SelectedType selected) {
      return className(selected.union());
    } else if (type instanceof dev.parley.spec.SizedType sized) {
      return javaType(sized.inner());
    } else if (type instanceof dev.parley.spec.ExternType extern) {
      return ClassName.bestGuess(extern.javaType());
    }
    return className((StructType) type);
  }

  /** The Java type of an enum's wire value: int, or long for a u32 enum. */
  static TypeName enumValueType(EnumType type) {
    return type.underlying() == PrimitiveType.U32 ? TypeName.LONG : TypeName.INT;
  }
}
