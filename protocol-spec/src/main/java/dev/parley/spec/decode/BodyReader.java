package dev.parley.spec.decode;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.BytesType;
import dev.parley.spec.Composite;
import dev.parley.spec.EnumConstant;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FixedBytesType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.ListType;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.StringType;
import dev.parley.spec.StructType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the values of one frame body, type by type, with exactly the checks of the generated
 * decoders (codegen's {@code WireCodec} and the runtime's {@code Wire}) and the same messages and
 * offsets: every length and count checked against the bytes left before anything is allocated
 * (SPEC.md 8.12), bool and presence bytes 0 or 1, undeclared enum values and flag bits refused,
 * strict UTF-8.
 */
final class BodyReader {

  /** The body, in the schema's byte order; position 0 is its first byte, the type id. */
  private final ByteBuffer in;
  private final long frameOffset;
  private final int lengthSize;
  /** A strict UTF-8 decoder from {@link #utf8Decoder()}, which this reader resets before each use. */
  private final CharsetDecoder utf8;

  BodyReader(ByteBuffer body, long frameOffset, int lengthSize, CharsetDecoder utf8) {
    this.in = body;
    this.frameOffset = frameOffset;
    this.lengthSize = lengthSize;
    this.utf8 = utf8;
  }

  /** A decoder for the strict UTF-8 of strings, for one thread to reuse across bodies. */
  static CharsetDecoder utf8Decoder() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  DecodeException malformed(FieldPath path, String problem, int offset) {
    return DecodeException.malformed(frameOffset, lengthSize, in.limit(), path.toString(), problem, offset);
  }

  int remaining() {
    return in.remaining();
  }

  /**
   * The fields of a struct or message. A {@code @since} field that finds the body at its end came
   * from an older writer: it takes its default, or is absent (SPEC.md 8.11).
   */
  ImmutableList<DecodedField> fields(Composite composite, FieldPath path) throws DecodeException {
    ImmutableList.Builder<DecodedField> fields = ImmutableList.builderWithExpectedSize(composite.fields().size());
    for (Field field : composite.fields()) {
      if (field.since() > 1 && !in.hasRemaining()) {
        fields.add(new DecodedField(field, DefaultValues.of(field), true));
      } else {
        fields.add(new DecodedField(field, field(field, path.field(field.name())), false));
      }
    }
    return fields.build();
  }

  private DecodedValue field(Field field, FieldPath path) throws DecodeException {
    if (!field.optional()) {
      return value(field.type(), path);
    }
    need(1, path);
    int at = in.position();
    byte presence = in.get();
    if (presence != 0 && presence != 1) {
      throw malformed(path, "presence byte must be 0 or 1, found " + (presence & 0xFF), at);
    }
    return new DecodedValue.OptionalValue(
        presence == 1 ? Optional.of(value(field.type(), path)) : Optional.empty());
  }

  private DecodedValue value(FieldType type, FieldPath path) throws DecodeException {
    if (type instanceof PrimitiveType p) {
      return primitive(p, path);
    } else if (type instanceof EnumType e) {
      return enumValue(e, path);
    } else if (type instanceof FlagsType f) {
      return flags(f, path);
    } else if (type instanceof StringType s) {
      return string(s.lengthPrefix(), path);
    } else if (type instanceof BytesType b) {
      return bytes(length(b.lengthPrefix(), path));
    } else if (type instanceof FixedBytesType b) {
      need(b.size(), path);
      return bytes(b.size());
    } else if (type instanceof StructType s) {
      return new DecodedValue.StructValue(s, fields(s, path));
    }
    return list((ListType) type, path);
  }

  private DecodedValue primitive(PrimitiveType type, FieldPath path) throws DecodeException {
    if (type.isInteger()) {
      return new DecodedValue.IntValue(type, integer(type, path));
    }
    need(type.size(), path);
    return switch (type) {
      case F32 -> new DecodedValue.FloatValue(type, in.getFloat());
      case F64 -> new DecodedValue.FloatValue(type, in.getDouble());
      default -> {
        int at = in.position();
        byte b = in.get();
        if (b != 0 && b != 1) {
          throw malformed(path, "bool must be 0 or 1, found " + (b & 0xFF), at);
        }
        yield new DecodedValue.BoolValue(b == 1);
      }
    };
  }

  /** An integer: unsigned types as their value, signed ones sign-extended, a u64 as its bits. */
  private long integer(PrimitiveType type, FieldPath path) throws DecodeException {
    need(type.size(), path);
    return switch (type) {
      case U8 -> in.get() & 0xFFL;
      case U16 -> in.getShort() & 0xFFFFL;
      case U32 -> in.getInt() & 0xFFFF_FFFFL;
      case I8 -> in.get();
      case I16 -> in.getShort();
      case I32 -> in.getInt();
      default -> in.getLong();
    };
  }

  /** An unsigned length, count or type id of {@code width}. */
  long prefix(PrefixWidth width, FieldPath path) throws DecodeException {
    return integer(switch (width) {
      case U8 -> PrimitiveType.U8;
      case U16 -> PrimitiveType.U16;
      case U32 -> PrimitiveType.U32;
    }, path);
  }

  private DecodedValue enumValue(EnumType type, FieldPath path) throws DecodeException {
    int at = in.position();
    long value = integer(type.underlying(), path);
    for (EnumConstant constant : type.constants()) {
      if (constant.value() == value) {
        return new DecodedValue.EnumValue(type, constant);
      }
    }
    throw malformed(path, "undeclared " + type.name() + " value " + value, at);
  }

  private DecodedValue flags(FlagsType type, FieldPath path) throws DecodeException {
    int at = in.position();
    long bits = integer(type.underlying(), path);
    long undeclared = bits & ~type.mask();
    if (undeclared != 0) {
      throw malformed(path, "undeclared " + type.name() + " bits 0x" + Long.toHexString(undeclared), at);
    }
    return new DecodedValue.FlagsValue(type, bits);
  }

  /** A byte count, checked against the bytes left so that nothing is allocated for missing bytes. */
  private int length(PrefixWidth width, FieldPath path) throws DecodeException {
    int at = in.position();
    long length = prefix(width, path);
    if (length > in.remaining()) {
      throw malformed(path, "length " + length + " exceeds the " + in.remaining() + " bytes left", at);
    }
    return (int) length;
  }

  private DecodedValue bytes(int length) {
    byte[] bytes = new byte[length];
    in.get(bytes);
    return DecodedValue.BytesValue.owning(bytes); // the only copy: the body's buffer is the reader's
  }

  private DecodedValue string(PrefixWidth width, FieldPath path) throws DecodeException {
    int length = length(width, path);
    int start = in.position();
    ByteBuffer bytes = in.slice(start, length);
    CharBuffer chars = CharBuffer.allocate(length); // UTF-8 never has more chars than bytes
    utf8.reset();
    CoderResult result = utf8.decode(bytes, chars, true);
    if (!result.isError()) {
      result = utf8.flush(chars);
    }
    if (result.isError()) {
      // The decoder stops at the first byte of the bad sequence, where the runtime's check stops.
      int bad = start + bytes.position();
      throw malformed(path, "malformed UTF-8 (byte 0x" + Integer.toHexString(in.get(bad) & 0xFF) + ")", bad);
    }
    in.position(start + length);
    return new DecodedValue.StringValue(chars.flip().toString());
  }

  /**
   * A list: its count checked so that {@code count * minimum element size} fits the bytes left,
   * then the elements, each named by its index.
   */
  private DecodedValue list(ListType type, FieldPath path) throws DecodeException {
    int at = in.position();
    long count = prefix(type.countPrefix(), path);
    int minimum = type.element().minimumSize();
    if (count * minimum > in.remaining()) {
      throw malformed(path, "count " + count + " of elements of at least " + minimum + " byte"
          + (minimum == 1 ? "" : "s") + " exceeds the " + in.remaining() + " bytes left", at);
    }
    ImmutableList.Builder<DecodedValue> elements = ImmutableList.builderWithExpectedSize((int) count);
    for (int i = 0; i < count; i++) {
      elements.add(value(type.element(), path.element(i)));
    }
    return new DecodedValue.ListValue(elements.build());
  }

  private void need(int n, FieldPath path) throws DecodeException {
    if (in.remaining() < n) {
      throw malformed(path, "need " + n + " byte" + (n == 1 ? "" : "s") + ", " + in.remaining() + " left",
          in.position());
    }
  }
}
