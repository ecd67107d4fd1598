package dev.parley.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.parley.spec.BitsType;
import dev.parley.spec.BytesType;
import dev.parley.spec.ChecksumType;
import dev.parley.spec.ExternType;
import dev.parley.spec.SelectedType;
import dev.parley.spec.SizedType;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FixedBytesType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.ListType;
import dev.parley.spec.NullableType;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.Size;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.StringType;
import dev.parley.spec.StructType;
import dev.parley.spec.VarintType;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The table of how each schema type sizes, writes and reads itself, as Java statements. Every
 * generator asks here; nothing else knows the wire format. Values are written and read in the
 * buffer's current byte order, which the protocol class sets for the whole frame.
 *
 * <p>Statements are added to a {@link CodeBlock.Builder}; locals come from a {@link NameAllocator}
 * that already holds the record's own names, so generated locals never shadow a field.
 */
final class WireCodec {

  private final JavaTypes types;
  private final Externs externs = new Externs();
  /** Whether each struct has a fixed size, computed once: nested structs may share a lot. */
  private final java.util.Map<StructType, Boolean> fixedStructs = new java.util.IdentityHashMap<>();

  WireCodec(JavaTypes types) {
    this.types = types;
  }

  /** The encoded size of every value of {@code type}, when it does not depend on the value. */
  OptionalInt fixedSize(FieldType type) {
    if (type instanceof PrimitiveType p) {
      return OptionalInt.of(p.size());
    } else if (type instanceof EnumType e) {
      return OptionalInt.of(e.underlying().size());
    } else if (type instanceof FlagsType f) {
      return OptionalInt.of(f.underlying().size());
    } else if (type instanceof FixedBytesType b) {
      return OptionalInt.of(b.size());
    } else if (type instanceof BitsType b) {
      return OptionalInt.of(b.underlying().size());
    } else if (type instanceof ChecksumType) {
      return OptionalInt.of(ChecksumType.SIZE);
    } else if (type instanceof StructType s) {
      // Fixed exactly when every field is: then the smallest value is the only size.
      return isFixed(s) ? OptionalInt.of(s.minimumSize()) : OptionalInt.empty();
    }
    return OptionalInt.empty();
  }

  /** Whether every value of {@code type} has the same size. */
  private boolean isFixed(FieldType type) {
    if (type instanceof StructType s) {
      Boolean known = fixedStructs.get(s);
      if (known == null) {
        known = s.fields().stream().allMatch(f -> !f.optional() && isFixed(f.type()));
        fixedStructs.put(s, known);
      }
      return known;
    }
    return !(type instanceof StringType || type instanceof BytesType || type instanceof ListType
        || type instanceof NullableType || type instanceof SelectedType || type instanceof SizedType
        || type instanceof ExternType || type instanceof VarintType);
  }

  // ---- Size -----------------------------------------------------------------------------------

  /** Adds to {@code size} the encoded size of field value {@code value}. */
  void addFieldSize(CodeBlock.Builder code, Field field, CodeBlock value, String size, NameAllocator names) {
    if (!field.optional()) {
      addSize(code, field.type(), value, size, names);
      return;
    }
    OptionalInt fixed = fixedSize(field.type());
    if (fixed.isPresent()) {
      code.addStatement("$N += $L.isPresent() ? $L : 1", size, value, 1 + fixed.getAsInt());
      return;
    }
    code.addStatement("$N += 1", size);
    code.beginControlFlow("if ($L.isPresent())", value);
    addSize(code, field.type(), CodeBlock.of("$L.get()", value), size, names);
    code.endControlFlow();
  }

  /** Adds to {@code size} the encoded size of {@code value}, a value of {@code type}. */
  void addSize(CodeBlock.Builder code, FieldType type, CodeBlock value, String size, NameAllocator names) {
    OptionalInt fixed = fixedSize(type);
    if (fixed.isPresent()) {
      code.addStatement("$N += $L", size, fixed.getAsInt());
    } else if (type instanceof VarintType v) {
      code.addStatement("$N += $T.uvarintSize($L)", size, JavaTypes.WIRE, unsigned(v, value));
    } else if (type instanceof StringType s && s.size() instanceof Size.Varint) {
      code.addStatement("$N += $T.varintStringSize($L)", size, JavaTypes.WIRE, value);
    } else if (type instanceof BytesType b && b.size() instanceof Size.Varint) {
      code.addStatement("$N += $T.uvarintSize($L.size()) + $L.size()", size, JavaTypes.WIRE, value, value);
    } else if (type instanceof StringType s) {
      if (s.size() instanceof Size.Terminated) {
        code.addStatement("$N += $T.cstringSize($L)", size, JavaTypes.WIRE, value);
      } else {
        code.addStatement("$N += $T.stringSize($L, $L)", size, JavaTypes.WIRE, value, s.size().prefixSize());
      }
    } else if (type instanceof BytesType b) {
      code.addStatement(b.size().prefixSize() == 0 ? "$N += $L$L.size()" : "$N += $L + $L.size()", size,
          b.size().prefixSize() == 0 ? "" : b.size().prefixSize(), value);
    } else if (type instanceof StructType || type instanceof SelectedType || type instanceof SizedType) {
      code.addStatement("$N += $L.encodedSize()", size, value);
    } else if (type instanceof ExternType extern) {
      code.addStatement("$N += $N.size($L)", size, Externs.codecConstant(extern), value);
    } else if (type instanceof NullableType n) {
      code.beginControlFlow("if ($L.isPresent())", value);
      addSize(code, n.inner(), CodeBlock.of("$L.get()", value), size, names);
      code.nextControlFlow("else");
      code.addStatement("$N += $L", size, n.prefix().size());
      code.endControlFlow();
    } else {
      ListType list = (ListType) type;
      OptionalInt element = fixedSize(list.element());
      // A varint count's size depends on the count; it is added alone.
      int fixedPart = (list.count() instanceof Size.Varint ? 0 : list.count().prefixSize())
          + (list.count() instanceof Size.Until until ? Sentinels.size(until) : 0);
      if (list.count() instanceof Size.Varint) {
        code.addStatement("$N += $T.uvarintSize($L.size())", size, JavaTypes.WIRE, value);
      }
      if (element.isPresent()) {
        code.addStatement(fixedPart == 0 ? "$N += $L$L.size() * $L" : "$N += $L + $L.size() * $L", size,
            fixedPart == 0 ? "" : fixedPart, value, element.getAsInt());
      } else {
        String i = names.newName("i");
        if (fixedPart > 0) {
          code.addStatement("$N += $L", size, fixedPart);
        }
        code.beginControlFlow("for (int $N = 0; $N < $L.size(); $N++)", i, i, value, i);
        addSize(code, list.element(), CodeBlock.of("$L.get($N)", value, i), size, names);
        code.endControlFlow();
      }
    }
  }

  // ---- Write ----------------------------------------------------------------------------------

  void writeField(CodeBlock.Builder code, Field field, CodeBlock value, String out, NameAllocator names) {
    if (!field.optional()) {
      write(code, field.type(), value, false, out, names);
      return;
    }
    code.beginControlFlow("if ($L.isPresent())", value);
    code.addStatement("$N.put((byte) 1)", out);
    write(code, field.type(), CodeBlock.of("$L.get()", value), true, out, names);
    code.nextControlFlow("else");
    code.addStatement("$N.put((byte) 0)", out);
    code.endControlFlow();
  }

  /** Writes {@code value}, a value of {@code type}; {@code boxed} inside lists and optionals. */
  void write(CodeBlock.Builder code, FieldType type, CodeBlock value, boolean boxed, String out,
      NameAllocator names) {
    if (type instanceof PrimitiveType p) {
      writePrimitive(code, p, boxed ? unboxed(p, value) : value, types.javaType(p), out);
    } else if (type instanceof VarintType v) {
      code.addStatement("$T.putUvarint($N, $L)", JavaTypes.WIRE, out, unsigned(v, value));
    } else if (type instanceof StringType s && s.size() instanceof Size.Varint) {
      code.addStatement("$T.putVarintString($N, $L)", JavaTypes.WIRE, out, value);
    } else if (type instanceof BytesType b && b.size() instanceof Size.Varint) {
      code.addStatement("$T.putUvarint($N, $L.size())", JavaTypes.WIRE, out, value);
      code.addStatement("$L.writeTo($N)", value, out);
    } else if (type instanceof EnumType e) {
      writePrimitive(code, e.underlying(), CodeBlock.of("$L.value()", value),
          JavaTypes.enumValueType(e), out);
    } else if (type instanceof FlagsType f) {
      writePrimitive(code, f.underlying(),
          CodeBlock.of("$T.toBits($L)", types.className(f), value), TypeName.LONG, out);
    } else if (type instanceof StringType s) {
      if (s.size() instanceof Size.Prefix p) {
        code.addStatement("$T.putString($N, $L, $L)", JavaTypes.WIRE, out, value, p.width().size());
      } else if (s.size() instanceof Size.Terminated) {
        code.addStatement("$T.putCString($N, $L)", JavaTypes.WIRE, out, value);
      } else {
        code.addStatement("$T.putStringOf($N, $L)", JavaTypes.WIRE, out, value);
      }
    } else if (type instanceof BytesType b) {
      if (b.size() instanceof Size.Prefix p) {
        code.addStatement("$T.putBytes($N, $L, $L)", JavaTypes.WIRE, out, value, p.width().size());
      } else {
        code.addStatement("$L.writeTo($N)", value, out);
      }
    } else if (type instanceof NullableType n) {
      code.beginControlFlow("if ($L.isPresent())", value);
      write(code, n.inner(), CodeBlock.of("$L.get()", value), true, out, names);
      code.nextControlFlow("else");
      code.addStatement("$T.putLength($N, $L, -1)", JavaTypes.WIRE, out, n.prefix().size());
      code.endControlFlow();
    } else if (type instanceof FixedBytesType) {
      code.addStatement("$L.writeTo($N)", value, out);
    } else if (type instanceof StructType || type instanceof BitsType || type instanceof SelectedType
        || type instanceof SizedType) {
      code.addStatement("$L.encode($N)", value, out);
    } else if (type instanceof ExternType extern) {
      code.addStatement("$N.write($L, $N)", Externs.codecConstant(extern), value, out);
    } else {
      ListType list = (ListType) type;
      String i = names.newName("i");
      if (list.count() instanceof Size.Prefix p) {
        code.addStatement("$T.putLength($N, $L, $L.size())", JavaTypes.WIRE, out, p.width().size(), value);
      } else if (list.count() instanceof Size.Varint) {
        code.addStatement("$T.putUvarint($N, $L.size())", JavaTypes.WIRE, out, value);
      }
      code.beginControlFlow("for (int $N = 0; $N < $L.size(); $N++)", i, i, value, i);
      write(code, list.element(), CodeBlock.of("$L.get($N)", value, i), true, out, names);
      code.endControlFlow();
      if (list.count() instanceof Size.Until until) {
        Sentinels.write(code, until, out);
      }
    }
  }

  /**
   * The unsigned form of {@code value}, a value of a varint type, as {@code Wire.putUvarint}
   * writes it: itself, or its zigzag form. A boxed value unboxes and widens to the long.
   */
  private static CodeBlock unsigned(VarintType type, CodeBlock value) {
    return type.zigzag() ? CodeBlock.of("$T.zigzag($L)", JavaTypes.WIRE, value) : value;
  }

  /**
   * Writes a checksum of {@code type} over the bytes of {@code out} from index {@code from} to
   * its position, the bytes just written (SPEC.md 13.12). A checksum over the frame is written as
   * 0 here: the protocol writes it once the frame's length is (see {@link #sealChecksum}).
   */
  void writeChecksum(CodeBlock.Builder code, ChecksumType type, String from, String out) {
    if (type.span() instanceof ChecksumType.Span.Frame) {
      code.add("$N.putInt(0); // written by the protocol once the frame's length is\n", out);
      return;
    }
    code.addStatement("$N.putInt((int) $L)", out, checksumOf(type, out, CodeBlock.of("$N", from),
        CodeBlock.of("$N.position()", out)));
  }

  /**
   * Writes over the last 4 bytes of the frame that ends at {@code out}'s position and starts at
   * index {@code start} the checksum of {@code type} of the bytes before them: a checksum over the
   * frame, once the protocol has written the frame's length.
   */
  static void sealChecksum(CodeBlock.Builder code, ChecksumType type, String start, String out) {
    code.addStatement("$N.putInt($N.position() - $L, (int) $L)", out, out, ChecksumType.SIZE,
        checksumOf(type, out, CodeBlock.of("$N", start), CodeBlock.of("$N.position() - $L", out, ChecksumType.SIZE)));
  }

  /**
   * Reads the checksum field {@code field} and checks it against the checksum of the bytes of
   * {@code in} from index {@code from} to the checksum's (SPEC.md 13.12). Nothing may follow it:
   * a checksum ends its message, so bytes after it are not a newer writer's but bytes no checksum
   * covers.
   */
  void readChecksum(CodeBlock.Builder code, Field field, String from, String in, NameAllocator names) {
    ChecksumType type = (ChecksumType) field.type();
    String at = names.newName(RecordGenerator.javaName(field) + "At");
    // The field's own name, which the record's allocator keeps for it: no other local takes it.
    String found = RecordGenerator.javaName(field);
    code.addStatement("int $N = $N.position()", at, in);
    code.addStatement("long $N = $T.u32($N, $S)", found, JavaTypes.WIRE, in, field.name());
    code.addStatement("$T.checksum($N, $L, $S, $N)", JavaTypes.WIRE, found,
        checksumOf(type, in, CodeBlock.of("$N", from), CodeBlock.of("$N", at)), field.name(), at);
    code.addStatement("$T.checksumEnds($N, $S)", JavaTypes.WIRE, in, field.name());
  }

  /** {@code Wire.crc32(buffer, from, to)}: the checksum of {@code type}'s algorithm of those bytes. */
  private static CodeBlock checksumOf(ChecksumType type, String buffer, CodeBlock from, CodeBlock to) {
    String method = switch (type.algorithm()) {
      case CRC32 -> "crc32";
      case CRC32C -> "crc32c";
    };
    return CodeBlock.of("$T.$N($N, $L, $L)", JavaTypes.WIRE, method, buffer, from, to);
  }

  /**
   * Writes a field that holds the length or count of {@code sized}, a later field whose Java
   * value is {@code value}: the encoder computes it from that value.
   */
  void writeSize(CodeBlock.Builder code, PrimitiveType type, Field sized, CodeBlock value, String out) {
    writeLength(code, type, sizeOf(sized.type(), value), out);
  }

  /** Writes a field that holds a length already computed into the int expression {@code length}. */
  void writeLength(CodeBlock.Builder code, PrimitiveType type, CodeBlock length, String out) {
    writePrimitive(code, type, length, TypeName.INT, out);
  }

  /** The length or count that a size field holds for {@code value}, a value of {@code type}. */
  static CodeBlock sizeOf(FieldType type, CodeBlock value) {
    if (type instanceof SizedType) {
      return CodeBlock.of("$L.encodedSize()", value);
    }
    return type instanceof StringType
        ? CodeBlock.of("$T.utf8Length($L)", JavaTypes.WIRE, value)
        : CodeBlock.of("$L.size()", value);
  }

  /**
   * Writes a primitive whose Java expression has type {@code valueType}, narrowing it to the wire
   * width where the two differ (an unsigned value carried in a wider Java type, an enum's int).
   */
  private static void writePrimitive(CodeBlock.Builder code, PrimitiveType type, CodeBlock value,
      TypeName valueType, String out) {
    switch (type) {
      case U8, I8 -> code.addStatement("$N.put($L)", out, narrowed(value, valueType, TypeName.BYTE));
      case U16, I16 -> code.addStatement("$N.putShort($L)", out, narrowed(value, valueType, TypeName.SHORT));
      case U24, I24 -> code.addStatement("$T.putU24($N, $L)", JavaTypes.WIRE, out,
          narrowed(value, valueType, TypeName.INT));
      case U32, I32 -> code.addStatement("$N.putInt($L)", out, narrowed(value, valueType, TypeName.INT));
      case U64, I64 -> code.addStatement("$N.putLong($L)", out, value);
      case F32 -> code.addStatement("$N.putFloat($L)", out, value);
      case F64 -> code.addStatement("$N.putDouble($L)", out, value);
      case BOOL -> code.addStatement("$N.put($L ? (byte) 1 : (byte) 0)", out, value);
    }
  }

  private static CodeBlock narrowed(CodeBlock value, TypeName from, TypeName to) {
    return from.equals(to) ? value : CodeBlock.of("($T) $L", to, value);
  }

  /** A boxed list or optional element as its primitive, so that a narrowing cast may follow. */
  private static CodeBlock unboxed(PrimitiveType type, CodeBlock value) {
    String primitive = switch (type) {
      case U8, U16, U24, I24, I32 -> "int";
      case I8 -> "byte";
      case I16 -> "short";
      case F32 -> "float";
      case F64 -> "double";
      case BOOL -> "boolean";
      default -> "long";
    };
    return CodeBlock.of("($L) $L", primitive, value);
  }

  // ---- Read -----------------------------------------------------------------------------------

  /**
   * Declares {@code target} and reads a value of {@code type} into it. Errors name {@code path};
   * an empty path (a list element) leaves naming to the enclosing list.
   */
  void read(CodeBlock.Builder code, FieldType type, String target, String path, String in,
      NameAllocator names) {
    TypeName javaType = types.javaType(type);
    if (type instanceof PrimitiveType p) {
      code.addStatement("$T $N = $L", javaType, target, readPrimitive(p, path, in));
    } else if (type instanceof VarintType v) {
      CodeBlock read = CodeBlock.of("$T.uvarint($N, $L, $S)", JavaTypes.WIRE, in, v.maxBytes(), path);
      if (v.zigzag()) {
        read = CodeBlock.of("$T.unzigzag($L)", JavaTypes.WIRE, read);
      }
      // Up to 4 bytes the value fits an int: at most 28 bits, or 28 zigzag-mapped ones.
      code.addStatement(v.isLong() ? "$T $N = $L" : "$T $N = (int) $L", javaType, target, read);
    } else if (type instanceof EnumType e) {
      readEnum(code, e, javaType, target, path, in, names);
    } else if (type instanceof FlagsType f) {
      readFlags(code, f, javaType, target, path, in, names);
    } else if (type instanceof StringType s) {
      code.addStatement("$T $N = $L", javaType, target, readString(s.size(), path, in));
    } else if (type instanceof BytesType b) {
      code.addStatement("$T $N = $L", javaType, target, readBytes(b.size(), path, in));
    } else if (type instanceof NullableType n) {
      readNullable(code, n, javaType, target, path, in, names);
    } else if (type instanceof FixedBytesType b) {
      code.addStatement("$T $N = $T.fixedBytes($N, $L, $S)", javaType, target, JavaTypes.WIRE, in,
          b.size(), path);
    } else if (type instanceof ExternType extern) {
      decodeWithin(code, javaType, target, CodeBlock.of("$N.read($N, $N)", Externs.codecConstant(extern), in,
          names.get(Externs.ORIGIN)), path, names);
    } else if (type instanceof BitsType || type instanceof SelectedType) {
      CodeBlock decode = type instanceof SelectedType selected
          ? CodeBlock.of("$T.decode($N, $N$L)", types.className(selected.union()), in,
              dev.parley.spec.JavaNames.fieldName(selected.selector()), origin(selected, names))
          : CodeBlock.of("$T.decode($N)", types.className((BitsType) type), in);
      decodeWithin(code, javaType, target, decode, path, names);
    } else if (type instanceof StructType s) {
      if (path.isEmpty()) {
        code.addStatement("$T $N = $T.decode($N$L)", javaType, target, types.className(s), in, origin(s, names));
      } else {
        String e = names.newName("error");
        code.addStatement("$T $N", javaType, target);
        code.beginControlFlow("try");
        code.addStatement("$N = $T.decode($N$L)", target, types.className(s), in, origin(s, names));
        code.nextControlFlow("catch ($T $N)", JavaTypes.MALFORMED, e);
        code.addStatement("throw $N.within($S)", e, path);
        code.endControlFlow();
      }
    } else {
      readList(code, (ListType) type, javaType, target, path, in, names);
    }
  }

  private static CodeBlock readString(Size size, String path, String in) {
    if (size instanceof Size.Varint v) {
      return CodeBlock.of("$T.stringOf($N, $T.varintLength($N, $L, $S), $S)", JavaTypes.WIRE, in, JavaTypes.WIRE,
          in, v.maxBytes(), path, path);
    } else if (size instanceof Size.Terminated) {
      return CodeBlock.of("$T.cstring($N, $S)", JavaTypes.WIRE, in, path);
    } else if (size instanceof Size.Rest) {
      return CodeBlock.of("$T.restString($N, $S)", JavaTypes.WIRE, in, path);
    }
    PrefixWidth width = ((Size.Prefix) size).width();
    return width.signed()
        ? CodeBlock.of("$T.stringOf($N, $T.signedLength($N, $L, $S), $S)", JavaTypes.WIRE, in, JavaTypes.WIRE,
            in, width.size(), path, path)
        : CodeBlock.of("$T.string($N, $L, $S)", JavaTypes.WIRE, in, width.size(), path);
  }

  private static CodeBlock readBytes(Size size, String path, String in) {
    if (size instanceof Size.Varint v) {
      return CodeBlock.of("$T.bytesOf($N, $T.varintLength($N, $L, $S))", JavaTypes.WIRE, in, JavaTypes.WIRE, in,
          v.maxBytes(), path);
    } else if (size instanceof Size.Rest) {
      return CodeBlock.of("$T.restBytes($N)", JavaTypes.WIRE, in);
    }
    PrefixWidth width = ((Size.Prefix) size).width();
    return width.signed()
        ? CodeBlock.of("$T.bytesOf($N, $T.signedLength($N, $L, $S))", JavaTypes.WIRE, in, JavaTypes.WIRE, in,
            width.size(), path)
        : CodeBlock.of("$T.bytes($N, $L, $S)", JavaTypes.WIRE, in, width.size(), path);
  }

  /** {@code ", origin"} when a decoder of {@code type} takes the origin, else nothing. */
  private CodeBlock origin(FieldType type, NameAllocator names) {
    return externs.needsOrigin(type) ? CodeBlock.of(", $N", names.get(Externs.ORIGIN)) : CodeBlock.of("");
  }

  /** Whether a decoder of {@code type} takes the origin of the message. */
  boolean needsOrigin(FieldType type) {
    return externs.needsOrigin(type);
  }

  /** Whether a decoder of {@code composite} takes, or for a message finds, the origin. */
  boolean compositeNeedsOrigin(dev.parley.spec.Composite composite) {
    return externs.compositeNeedsOrigin(composite);
  }

  /** Declares {@code target} and reads it with {@code decode}, naming {@code path} in an error. */
  private static void decodeWithin(CodeBlock.Builder code, TypeName javaType, String target, CodeBlock decode,
      String path, NameAllocator names) {
    if (path.isEmpty()) {
      code.addStatement("$T $N = $L", javaType, target, decode);
      return;
    }
    String e = names.newName("error");
    code.addStatement("$T $N", javaType, target);
    code.beginControlFlow("try");
    code.addStatement("$N = $L", target, decode);
    code.nextControlFlow("catch ($T $N)", JavaTypes.MALFORMED, e);
    code.addStatement("throw $N.within($S)", e, path);
    code.endControlFlow();
  }

  /**
   * Declares {@code target} and reads a field whose length or count an earlier field held: the
   * local {@code size} holds that field's value, read at offset {@code sizeAt} of the frame.
   */
  void readSized(CodeBlock.Builder code, FieldType type, String target, String path, String in,
      String size, String sizeAt, NameAllocator names) {
    TypeName javaType = types.javaType(type);
    if (type instanceof ListType list) {
      String count = names.newName("count");
      code.addStatement("int $N = $T.counted($N, $N, $L, $S, $N)", count, JavaTypes.WIRE, in, size,
          list.element().minimumSize(), path, sizeAt);
      readElements(code, list, javaType, target, path, in, count, names);
      return;
    }
    CodeBlock length = CodeBlock.of("$T.sized($N, $N, $S, $N)", JavaTypes.WIRE, in, size, path, sizeAt);
    if (type instanceof SizedType sized) {
      // The value is read inside its bytes, which it must fill exactly.
      String limit = names.newName(target + "Limit");
      code.addStatement("int $N = $T.region($N, $L)", limit, JavaTypes.WIRE, in, length);
      CodeBlock decode = sized.inner() instanceof SelectedType selected
          ? CodeBlock.of("$T.decode($N, $N$L)", types.className(selected.union()), in,
              dev.parley.spec.JavaNames.fieldName(selected.selector()), origin(selected, names))
          : CodeBlock.of("$T.decode($N$L)", types.className((StructType) sized.inner()), in,
              origin(sized.inner(), names));
      decodeWithin(code, javaType, target, decode, path, names);
      code.addStatement("$T.endRegion($N, $N, $S)", JavaTypes.WIRE, in, limit, path);
      return;
    }
    if (type instanceof StringType) {
      code.addStatement("$T $N = $T.stringOf($N, $L, $S)", javaType, target, JavaTypes.WIRE, in, length, path);
    } else {
      code.addStatement("$T $N = $T.bytesOf($N, $L)", javaType, target, JavaTypes.WIRE, in, length);
    }
  }

  /** A string, bytes or list after a signed prefix whose −1 is null: empty then, else present. */
  private void readNullable(CodeBlock.Builder code, NullableType type, TypeName javaType, String target,
      String path, String in, NameAllocator names) {
    FieldType inner = type.inner();
    TypeName innerType = types.javaType(inner);
    int width = type.prefix().size();
    // A list's prefix is a count, checked as one: count * minimum element size <= bytes left.
    String length = names.newName(target + (inner instanceof ListType ? "Count" : "Length"));
    String value = names.newName(target + "Value");
    if (inner instanceof ListType list) {
      code.addStatement("int $N = $T.nullableCount($N, $L, $L, $S)", length, JavaTypes.WIRE, in, width,
          list.element().minimumSize(), path);
    } else {
      code.addStatement("int $N = $T.nullableLength($N, $L, $S)", length, JavaTypes.WIRE, in, width, path);
    }
    code.addStatement("$T $N", javaType, target);
    code.beginControlFlow("if ($N < 0)", length);
    code.addStatement("$N = $T.empty()", target, JavaTypes.OPTIONAL);
    code.nextControlFlow("else");
    if (inner instanceof StringType) {
      code.addStatement("$N = $T.of($T.stringOf($N, $N, $S))", target, JavaTypes.OPTIONAL, JavaTypes.WIRE, in,
          length, path);
    } else if (inner instanceof BytesType) {
      code.addStatement("$N = $T.of($T.bytesOf($N, $N))", target, JavaTypes.OPTIONAL, JavaTypes.WIRE, in, length);
    } else {
      readElements(code, (ListType) inner, innerType, value, path, in, length, names);
      code.addStatement("$N = $T.of($N)", target, JavaTypes.OPTIONAL, value);
    }
    code.endControlFlow();
  }

  private void readList(CodeBlock.Builder code, ListType list, TypeName javaType, String target,
      String path, String in, NameAllocator names) {
    if (list.count() instanceof Size.Until until) {
      readGrowing(code, list, Optional.of(until), javaType, target, path, in, names);
      return;
    }
    if (list.count() instanceof Size.Rest) {
      readGrowing(code, list, Optional.empty(), javaType, target, path, in, names);
      return;
    }
    if (list.count() instanceof Size.Varint v) {
      String count = names.newName("count");
      code.addStatement("int $N = $T.varintCount($N, $L, $L, $S)", count, JavaTypes.WIRE, in, v.maxBytes(),
          list.element().minimumSize(), path);
      readElements(code, list, javaType, target, path, in, count, names);
      return;
    }
    PrefixWidth width = ((Size.Prefix) list.count()).width();
    String count = names.newName("count");
    code.addStatement("int $N = $T.$N($N, $L, $L, $S)", count, JavaTypes.WIRE,
        width.signed() ? "signedCount" : "count", in, width.size(), list.element().minimumSize(), path);
    readElements(code, list, javaType, target, path, in, count, names);
  }

  /** Reads {@code count} elements, the local that holds a count already checked against the bytes left. */
  private void readElements(CodeBlock.Builder code, ListType list, TypeName javaType, String target,
      String path, String in, String count, NameAllocator names) {
    readLoop(code, list, Optional.of(count), Optional.empty(), javaType, target, path, in, names);
  }

  /**
   * A list whose end the decoder finds as it reads: the end of the frame ({@code until} empty),
   * or its sentinel, when each element's first value is read and compared, then read again as part
   * of the element when it is not the sentinel. Every element takes a byte or more, so the frame
   * bounds the loop either way.
   */
  private void readGrowing(CodeBlock.Builder code, ListType list, Optional<Size.Until> until,
      TypeName javaType, String target, String path, String in, NameAllocator names) {
    readLoop(code, list, Optional.empty(), until, javaType, target, path, in, names);
  }

  /**
   * The loop of a list's elements into a {@code ListBuilder}: {@code count} of them when the count
   * is known, else until the sentinel or the frame's end. A failing element is named by its index.
   */
  private void readLoop(CodeBlock.Builder code, ListType list, Optional<String> count, Optional<Size.Until> until,
      TypeName javaType, String target, String path, String in, NameAllocator names) {
    String elements = names.newName("elements");
    String i = names.newName("i");
    String element = names.newName("element");
    String e = names.newName("error");
    TypeName builder = ParameterizedTypeName.get(JavaTypes.LIST_BUILDER, types.javaType(list.element()).box());
    if (count.isPresent()) {
      // A builder, not an array: the list's array never passes through code a user can call.
      code.addStatement("$T $N = new $T<>($N)", builder, elements, JavaTypes.LIST_BUILDER, count.get());
    } else {
      code.addStatement("$T $N = $T.growing()", builder, elements, JavaTypes.LIST_BUILDER);
    }
    code.addStatement("int $N = 0", i);
    code.beginControlFlow("try");
    if (count.isPresent()) {
      code.beginControlFlow("for (; $N < $N; $N++)", i, count.get(), i);
    } else if (until.isEmpty()) {
      code.beginControlFlow("for (; $N.hasRemaining(); $N++)", in, i);
    } else {
      String start = names.newName("start");
      String first = names.newName("first");
      code.beginControlFlow("for (;; $N++)", i);
      code.addStatement("int $N = $N.position()", start, in);
      read(code, until.get().type(), first, "", in, names);
      code.beginControlFlow("if ($L)", Sentinels.matches(until.get(), CodeBlock.of("$N", first), types));
      code.addStatement("break");
      code.endControlFlow();
      code.addStatement("$N.position($N)", in, start);
    }
    read(code, list.element(), element, "", in, names);
    code.addStatement("$N.add($N)", elements, element);
    code.endControlFlow();
    code.nextControlFlow("catch ($T $N)", JavaTypes.MALFORMED, e);
    code.addStatement("throw $N.within($S, $N)", e, path, i);
    code.endControlFlow();
    code.addStatement("$T $N = $N.build()", javaType, target, elements);
  }

  /** Reads an enum through its null-returning lookup: an undeclared value costs no exception. */
  private void readEnum(CodeBlock.Builder code, EnumType type, TypeName javaType, String target,
      String path, String in, NameAllocator names) {
    String value = names.newName(target + "Value");
    code.addStatement("$T $N = $L", JavaTypes.enumValueType(type), value, readPrimitive(type.underlying(), path, in));
    code.addStatement("$T $N = $T.fromValueOrNull($N)", javaType, target, types.className(type), value);
    code.beginControlFlow("if ($N == null)", target);
    code.addStatement("throw $T.malformed($S, $S + $N, $N.position() - $L)", JavaTypes.WIRE, path,
        "undeclared " + type.name() + " value ", value, in, type.underlying().size());
    code.endControlFlow();
  }

  /** Reads flags, refusing undeclared bits by their mask before the set is built. */
  private void readFlags(CodeBlock.Builder code, FlagsType type, TypeName javaType, String target,
      String path, String in, NameAllocator names) {
    String bits = names.newName(target + "Bits");
    String mask = "0x" + Long.toHexString(type.mask()).toUpperCase(java.util.Locale.ROOT) + "L";
    code.addStatement("long $N = $L", bits, readPrimitive(type.underlying(), path, in));
    code.beginControlFlow("if (($N & ~$L) != 0)", bits, mask);
    code.addStatement("throw $T.malformed($S, $S + $T.toHexString($N & ~$L), $N.position() - $L)",
        JavaTypes.WIRE, path, "undeclared " + type.name() + " bits 0x", Long.class, bits, mask, in,
        type.underlying().size());
    code.endControlFlow();
    code.addStatement("$T $N = $T.fromBits($N)", javaType, target, types.className(type), bits);
  }

  private static CodeBlock readPrimitive(PrimitiveType type, String path, String in) {
    return CodeBlock.of("$T.$N($N, $S)", JavaTypes.WIRE, readMethod(type), in, path);
  }

  /** The {@code Wire} method that reads a value of {@code type}, such as {@code u16}. */
  static String readMethod(PrimitiveType type) {
    return switch (type) {
      case U8 -> "u8";
      case U16 -> "u16";
      case U24 -> "u24";
      case U32 -> "u32";
      case I8 -> "i8";
      case I16 -> "i16";
      case I24 -> "i24";
      case I32 -> "i32";
      case U64, I64 -> "i64";
      case F32 -> "f32";
      case F64 -> "f64";
      case BOOL -> "bool";
    };
  }
}
