package dev.parley.spec.decode;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.internal.Wire;
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
import dev.parley.spec.FrameField;
import dev.parley.spec.FrameLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Reads the values of one frame body, type by type, by interpreting the schema model. Every read,
 * check and message of the wire format is the runtime's {@link Wire}, which the generated decoders
 * call too, so both accept the same bytes and refuse the rest with the same problem at the same
 * offset. What the runtime cannot know stays here: which enum values and flag bits the schema
 * declares, the defaults of {@code @since} fields (SPEC.md 8.11), and the field path of an error,
 * which {@link FieldPath} spells only when an error needs it.
 */
final class BodyReader {

  /** Wire's own label is unused: the path comes from the {@link FieldPath} of the value. */
  private static final String UNNAMED = "";

  /** The body, in the schema's byte order; position 0 is its first byte, the type id. */
  private final ByteBuffer in;
  private final long frameOffset;
  private final int lengthSize;

  BodyReader(ByteBuffer body, long frameOffset, int lengthSize) {
    this.in = body;
    this.frameOffset = frameOffset;
    this.lengthSize = lengthSize;
  }

  DecodeException malformed(FieldPath path, String problem, long offset) {
    return DecodeException.malformed(frameOffset, lengthSize, in.limit(), path.toString(), problem, offset);
  }

  private DecodeException malformed(FieldPath path, MalformedFrameException e) {
    return malformed(path, e.problem(), e.offset());
  }

  int remaining() {
    return in.remaining();
  }

  /**
   * The fields of a declared frame header, read in wire order as the generated decoder reads them:
   * each in its own byte order if it has one, constants checked, the length checked against the
   * frame (which is the whole buffer).
   */
  ImmutableList<DecodedField> header(FrameLayout frame, ByteOrder fileOrder) throws DecodeException {
    ImmutableList.Builder<DecodedField> header = ImmutableList.builder();
    for (FrameField field : frame.fields()) {
      int offset = frame.offset(field);
      FieldPath path = FieldPath.root(field.name());
      field.byteOrder().ifPresent(in::order);
      long value;
      try {
        value = integer(field.type());
        switch (field.role()) {
          case LENGTH -> Wire.frameLength(value, in.limit() - frame.uncounted(), UNNAMED, offset);
          case CONSTANT -> Wire.constant(value, field.constant(), UNNAMED, offset);
          default -> { }
        }
      } catch (MalformedFrameException e) {
        throw malformed(path, e);
      } finally {
        in.order(fileOrder);
      }
      header.add(new DecodedField(field.asField(), new DecodedValue.IntValue(field.type(), value), false));
    }
    return header.build();
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
    boolean present;
    try {
      present = Wire.present(in, UNNAMED);
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
    return new DecodedValue.OptionalValue(present ? Optional.of(value(field.type(), path)) : Optional.empty());
  }

  private DecodedValue value(FieldType type, FieldPath path) throws DecodeException {
    if (type instanceof StructType s) {
      return new DecodedValue.StructValue(s, fields(s, path));
    } else if (type instanceof ListType l) {
      return list(l, path);
    }
    try {
      return leaf(type);
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
  }

  /** A value that holds no other value, read by the runtime's primitive for its type. */
  private DecodedValue leaf(FieldType type) throws MalformedFrameException {
    if (type instanceof PrimitiveType p) {
      return switch (p) {
        case F32 -> new DecodedValue.FloatValue(p, Wire.f32(in, UNNAMED));
        case F64 -> new DecodedValue.FloatValue(p, Wire.f64(in, UNNAMED));
        case BOOL -> new DecodedValue.BoolValue(Wire.bool(in, UNNAMED));
        default -> new DecodedValue.IntValue(p, integer(p));
      };
    } else if (type instanceof EnumType e) {
      return enumValue(e);
    } else if (type instanceof FlagsType f) {
      return flags(f);
    } else if (type instanceof StringType s) {
      return new DecodedValue.StringValue(Wire.string(in, s.lengthPrefix().size(), UNNAMED));
    } else if (type instanceof BytesType b) {
      return DecodedValue.BytesValue.of(Wire.bytes(in, b.lengthPrefix().size(), UNNAMED));
    }
    return DecodedValue.BytesValue.of(Wire.fixedBytes(in, ((FixedBytesType) type).size(), UNNAMED));
  }

  /** An integer: unsigned types as their value, signed ones sign-extended, a u64 as its bits. */
  private long integer(PrimitiveType type) throws MalformedFrameException {
    return switch (type) {
      case U8 -> Wire.u8(in, UNNAMED);
      case U16 -> Wire.u16(in, UNNAMED);
      case U24 -> Wire.u24(in, UNNAMED);
      case U32 -> Wire.u32(in, UNNAMED);
      case I8 -> Wire.i8(in, UNNAMED);
      case I16 -> Wire.i16(in, UNNAMED);
      case I24 -> Wire.i24(in, UNNAMED);
      case I32 -> Wire.i32(in, UNNAMED);
      case U64, I64 -> Wire.i64(in, UNNAMED);
      default -> throw new IllegalArgumentException(type + " is no integer");
    };
  }

  /** The type id, an unsigned integer of {@code width}. */
  long typeId(PrefixWidth width, FieldPath path) throws DecodeException {
    try {
      return switch (width) {
        case U8 -> Wire.u8(in, UNNAMED);
        case U16 -> Wire.u16(in, UNNAMED);
        case U32 -> Wire.u32(in, UNNAMED);
      };
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
  }

  // The runtime cannot know which values a schema declares: these two checks are the model's.

  private DecodedValue enumValue(EnumType type) throws MalformedFrameException {
    int at = in.position();
    long value = integer(type.underlying());
    for (EnumConstant constant : type.constants()) {
      if (constant.value() == value) {
        return new DecodedValue.EnumValue(type, constant);
      }
    }
    throw Wire.malformed(UNNAMED, "undeclared " + type.name() + " value " + value, at);
  }

  private DecodedValue flags(FlagsType type) throws MalformedFrameException {
    int at = in.position();
    long bits = integer(type.underlying());
    long undeclared = bits & ~type.mask();
    if (undeclared != 0) {
      throw Wire.malformed(UNNAMED, "undeclared " + type.name() + " bits 0x" + Long.toHexString(undeclared), at);
    }
    return new DecodedValue.FlagsValue(type, bits);
  }

  /** A list: its count checked by the runtime against the bytes left, then the elements, each named by its index. */
  private DecodedValue list(ListType type, FieldPath path) throws DecodeException {
    int count;
    try {
      count = Wire.count(in, type.countPrefix().size(), type.element().minimumSize(), UNNAMED);
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
    ImmutableList.Builder<DecodedValue> elements = ImmutableList.builderWithExpectedSize(count);
    for (int i = 0; i < count; i++) {
      elements.add(value(type.element(), path.element(i)));
    }
    return new DecodedValue.ListValue(elements.build());
  }
}
