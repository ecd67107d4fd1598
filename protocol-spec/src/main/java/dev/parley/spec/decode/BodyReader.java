package dev.parley.spec.decode;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.HeaderField;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.internal.Wire;
import dev.parley.spec.BytesType;
import dev.parley.spec.ChecksumType;
import dev.parley.spec.Composite;
import dev.parley.spec.EnumConstant;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FixedBytesType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.BitField;
import dev.parley.spec.BitsType;
import dev.parley.runtime.ExternCodec;
import dev.parley.spec.ExternType;
import dev.parley.spec.ListType;
import dev.parley.spec.SelectedType;
import dev.parley.spec.SizedType;
import dev.parley.spec.SourceLocation;
import dev.parley.spec.UnionCase;
import dev.parley.spec.UnionType;
import dev.parley.spec.NullableType;
import dev.parley.spec.Size;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.StringType;
import dev.parley.spec.StructType;
import dev.parley.spec.VarintType;
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
  /** Where the body starts, after the type id's frame prefix or a declared header (SPEC.md 13.9). */
  private int bodyStart = 0;
  /** The integer values of the header's fields by name, once {@link #header} has read them. */
  private final java.util.Map<String, Long> headerValues = new java.util.HashMap<>();

  /** The codecs of extern types, by type; null when none can be had. */
  private final java.util.function.Function<ExternType, ExternCodec<?>> codecs;
  /** Where the message's fields start, from which extern codecs count back-references. */
  private int origin;

  BodyReader(ByteBuffer body, long frameOffset, int lengthSize,
      java.util.function.Function<ExternType, ExternCodec<?>> codecs) {
    this.in = body;
    this.frameOffset = frameOffset;
    this.lengthSize = lengthSize;
    this.codecs = codecs;
  }

  /** Marks the position as where the message's fields start: the origin of extern values. */
  void startMessage() {
    origin = in.position();
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
    int packed = 0;
    for (FrameField field : frame.fields()) {
      int offset = frame.offset(field);
      FieldPath path = FieldPath.root(field.name());
      field.byteOrder().ifPresent(in::order);
      long value;
      try {
        if (field.varint() > 0) {
          value = Wire.uvarint(in, field.varint(), UNNAMED);
          Wire.frameLength(value, in.remaining(), UNNAMED, offset);
        } else if (field.bits() > 0) {
          if (frame.bitOffset(field) % 8 == 0) {
            packed = Wire.u8(in, UNNAMED);
          }
          value = Wire.bitsOf(packed, frame.shift(field), field.bits());
          if (field.role() == HeaderField.Role.CONSTANT) {
            Wire.constant(value, field.constant(), UNNAMED, offset);
          }
        } else {
          value = integer(field.type());
          switch (field.role()) {
            case LENGTH -> Wire.frameLength(value, in.limit() - frame.uncounted(), UNNAMED, offset);
            case CONSTANT -> Wire.constant(value, field.constant(), UNNAMED, offset);
            default -> { }
          }
        }
      } catch (MalformedFrameException e) {
        throw malformed(path, e);
      } finally {
        in.order(fileOrder);
      }
      headerValues.put(field.name(), value);
      header.add(new DecodedField(field.asField(), new DecodedValue.IntValue(field.type(), value), false));
    }
    bodyStart = in.position();
    return header.build();
  }



  /**
   * The fields of a struct or message. A {@code @since} field that finds the body at its end came
   * from an older writer: it takes its default, or is absent (SPEC.md 8.11).
   */
  ImmutableList<DecodedField> fields(Composite composite, FieldPath path) throws DecodeException {
    ImmutableList.Builder<DecodedField> fields = ImmutableList.builderWithExpectedSize(composite.fields().size());
    java.util.Map<String, SizeRead> sizes = null;
    java.util.Map<String, DecodedValue> selectors = null;
    ChecksumType.Span span = composite.checksum().map(f -> ((ChecksumType) f.type()).span()).orElse(null);
    // The body of Parley's own frame starts at its type id, at 0, as the frame does.
    int spanStart = span instanceof ChecksumType.Span.Body ? bodyStart : 0;
    for (Field field : composite.fields()) {
      if (field.since() > 1 && !in.hasRemaining()) {
        fields.add(new DecodedField(field, DefaultValues.of(field), true));
        continue;
      }
      FieldPath at = path.field(field.name());
      if (span instanceof ChecksumType.Span.From from && from.field().equals(field.name())) {
        spanStart = in.position();
      }
      if (field.type() instanceof ChecksumType checksum) {
        fields.add(new DecodedField(field, checksum(checksum, spanStart, at), false));
        continue;
      }
      Optional<Size> size = Composite.sizeOf(field.type());
      int start = in.position();
      DecodedValue value;
      Optional<SelectedType> selection = Composite.selection(field.type());
      DecodedValue selector = null;
      if (selection.isPresent() && selection.get().header()) {
        selector = new DecodedValue.IntValue(selection.get().union().selectorWire(),
            headerValues.get(selection.get().selector()));
      } else if (selection.isPresent()) {
        selector = selectors.get(selection.get().selector());
      }
      if (size.isPresent() && size.get() instanceof Size.FieldRef ref) {
        // A size from the header is checked where the data starts, as the generated decoder does.
        SizeRead read = ref.header() ? new SizeRead(headerValues.get(ref.field()), start) : sizes.get(ref.field());
        value = sized(field.type(), read, at, selector);
      } else if (selection.isPresent()) {
        value = union(selection.get().union(), selector, at);
      } else {
        value = field(field, at);
      }
      if (composite.selected(field).isPresent()) {
        if (selectors == null) {
          selectors = new java.util.HashMap<>();
        }
        selectors.put(field.name(), value);
      }
      if (composite.sized(field).isPresent()) {
        if (sizes == null) {
          sizes = new java.util.HashMap<>();
        }
        sizes.put(field.name(), new SizeRead(((DecodedValue.IntValue) value).value(), start));
      }
      fields.add(new DecodedField(field, value, false));
    }
    return fields.build();
  }

  /**
   * A checksum, checked against the one of the bytes from {@code from} up to it; nothing may follow
   * it. Its value is the u32 the frame carries.
   */
  private DecodedValue checksum(ChecksumType type, int from, FieldPath path) throws DecodeException {
    try {
      int at = in.position();
      long found = Wire.u32(in, UNNAMED);
      long computed = switch (type.algorithm()) {
        case CRC32 -> Wire.crc32(in, from, at);
        case CRC32C -> Wire.crc32c(in, from, at);
      };
      Wire.checksum(found, computed, UNNAMED, at);
      Wire.checksumEnds(in, UNNAMED);
      return new DecodedValue.IntValue(PrimitiveType.U32, found);
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
  }

  /** The value of a field that holds a later field's size, and its offset, where errors of that size point. */
  private record SizeRead(long value, int at) {}

  /**
   * A string, bytes or list, or a struct or union inside a length, whose length or count an
   * earlier field held: a size too large for the bytes left is an error at that field's offset, as
   * the generated decoder reports it (SPEC.md 13.3).
   */
  private DecodedValue sized(FieldType type, SizeRead read, FieldPath path, DecodedValue selector)
      throws DecodeException {
    long size = read.value();
    int at = read.at();
    if (type instanceof SizedType sized) {
      int limit;
      try {
        limit = Wire.region(in, Wire.sized(in, size, UNNAMED, at));
      } catch (MalformedFrameException e) {
        throw malformed(path, e);
      }
      DecodedValue value = sized.inner() instanceof SelectedType selected
          ? union(selected.union(), selector, path)
          : value(sized.inner(), path);
      try {
        Wire.endRegion(in, limit, UNNAMED);
      } catch (MalformedFrameException e) {
        throw malformed(path, e);
      }
      return value;
    }
    try {
      if (type instanceof StringType) {
        return new DecodedValue.StringValue(Wire.stringOf(in, Wire.sized(in, size, UNNAMED, at), UNNAMED));
      } else if (type instanceof BytesType) {
        return DecodedValue.BytesValue.of(Wire.bytesOf(in, Wire.sized(in, size, UNNAMED, at)));
      }
      ListType list = (ListType) type;
      return elements(list, Wire.counted(in, size, list.element().minimumSize(), UNNAMED, at), path);
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
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
    } else if (type instanceof NullableType n) {
      return nullable(n, path);
    } else if (type instanceof ExternType x) {
      return extern(x, path);
    } else if (type instanceof BitsType b) {
      return bits(b, path);
    }
    try {
      return leaf(type);
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
  }

  /**
   * The case of {@code union} that the selector's value chooses: the case's struct, or, for a
   * value without a case, the default's bytes (a union with no default refuses it).
   */
  private DecodedValue union(UnionType union, DecodedValue selector, FieldPath path) throws DecodeException {
    long value = selector instanceof DecodedValue.EnumValue e ? e.constant().value()
        : ((DecodedValue.IntValue) selector).value();
    Optional<UnionCase> chosen = union.caseOf(value);
    if (chosen.isPresent()) {
      StructType struct = chosen.get().struct();
      return new DecodedValue.StructValue(struct, fields(struct, path));
    }
    if (!union.hasDefault()) {
      throw malformed(path, union.name() + " has no case for " + value + " and no default", in.position());
    }
    DecodedValue bytes;
    try {
      bytes = DecodedValue.BytesValue.of(Wire.restBytes(in));
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
    SourceLocation at = union.location();
    return new DecodedValue.StructValue(union, ImmutableList.of(
        new DecodedField(new Field("selector", union.selector(), false, 1, Optional.empty(), Optional.empty(), at),
            selector, false),
        new DecodedField(new Field("data", new BytesType(new Size.Rest()), false, 1, Optional.empty(),
            Optional.empty(), at), bytes, false)));
  }

  /** A value of an extern type, read by its codec, if this reader has one. */
  private DecodedValue extern(ExternType type, FieldPath path) throws DecodeException {
    ExternCodec<?> codec = codecs == null ? null : codecs.apply(type);
    if (codec == null) {
      throw malformed(path, "is of extern type " + type.name() + ", which only its codec " + type.codec()
          + " can read: give parley decode the class path that holds it (--codec-path)", in.position());
    }
    int at = in.position();
    Object value;
    try {
      value = codec.read(in, origin);
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    } catch (RuntimeException e) {
      throw malformed(path, "codec " + type.codec() + " failed: " + e, at);
    }
    if (value == null) {
      throw malformed(path, "codec " + type.codec() + " read null", at);
    }
    return new DecodedValue.ExternValue(type, value);
  }

  /** The fields of a {@code bits} value, unpacked from its integer. */
  private DecodedValue bits(BitsType type, FieldPath path) throws DecodeException {
    int at = in.position();
    long word;
    try {
      word = integer(type.underlying());
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
    ImmutableList.Builder<DecodedField> fields = ImmutableList.builder();
    for (BitField field : type.fields()) {
      int bits = Wire.bitsOf(word, field.shift(), field.width());
      FieldType fieldType;
      DecodedValue value;
      switch (field.kind()) {
        case BOOL -> {
          fieldType = PrimitiveType.BOOL;
          value = new DecodedValue.BoolValue(bits != 0);
        }
        case UINT -> {
          fieldType = PrimitiveType.U32;
          value = new DecodedValue.IntValue(PrimitiveType.U32, bits);
        }
        default -> {
          EnumType e = field.enumType().orElseThrow();
          fieldType = e;
          Optional<EnumConstant> constant = e.constants().stream().filter(c -> c.value() == bits).findFirst();
          if (constant.isEmpty()) {
            // Named as the generated decoder names it: the bit field within the bits value.
            throw malformed(path.field(field.name()), "undeclared " + e.name() + " value " + bits, at);
          }
          value = new DecodedValue.EnumValue(e, constant.get());
        }
      }
      fields.add(new DecodedField(new Field(field.name(), fieldType, false, 1, Optional.empty(), field.doc(),
          field.location()), value, false));
    }
    return new DecodedValue.StructValue(type, fields.build());
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
    } else if (type instanceof VarintType v) {
      long value = Wire.uvarint(in, v.maxBytes(), UNNAMED);
      return new DecodedValue.IntValue(v.valueType(), v.zigzag() ? Wire.unzigzag(value) : value);
    } else if (type instanceof EnumType e) {
      return enumValue(e);
    } else if (type instanceof FlagsType f) {
      return flags(f);
    } else if (type instanceof StringType s) {
      return new DecodedValue.StringValue(string(s.size()));
    } else if (type instanceof BytesType b) {
      return DecodedValue.BytesValue.of(bytes(b.size()));
    }
    return DecodedValue.BytesValue.of(Wire.fixedBytes(in, ((FixedBytesType) type).size(), UNNAMED));
  }

  private String string(Size size) throws MalformedFrameException {
    if (size instanceof Size.Varint v) {
      return Wire.stringOf(in, Wire.varintLength(in, v.maxBytes(), UNNAMED), UNNAMED);
    } else if (size instanceof Size.Terminated) {
      return Wire.cstring(in, UNNAMED);
    } else if (size instanceof Size.Rest) {
      return Wire.restString(in, UNNAMED);
    }
    PrefixWidth width = ((Size.Prefix) size).width();
    return width.signed()
        ? Wire.stringOf(in, Wire.signedLength(in, width.size(), UNNAMED), UNNAMED)
        : Wire.string(in, width.size(), UNNAMED);
  }

  private dev.parley.runtime.Bytes bytes(Size size) throws MalformedFrameException {
    if (size instanceof Size.Varint v) {
      return Wire.bytesOf(in, Wire.varintLength(in, v.maxBytes(), UNNAMED));
    } else if (size instanceof Size.Rest) {
      return Wire.restBytes(in);
    }
    PrefixWidth width = ((Size.Prefix) size).width();
    return width.signed()
        ? Wire.bytesOf(in, Wire.signedLength(in, width.size(), UNNAMED))
        : Wire.bytes(in, width.size(), UNNAMED);
  }

  /** A value whose signed prefix may be −1, null; the inner type's reading takes it from there. */
  private DecodedValue nullable(NullableType type, FieldPath path) throws DecodeException {
    PrefixWidth width = type.prefix();
    FieldType inner = type.inner();
    try {
      // A list's prefix is a count, checked as one: count * minimum element size <= bytes left.
      int length = inner instanceof ListType list
          ? Wire.nullableCount(in, width.size(), list.element().minimumSize(), UNNAMED)
          : Wire.nullableLength(in, width.size(), UNNAMED);
      if (length < 0) {
        return new DecodedValue.OptionalValue(Optional.empty());
      }
      DecodedValue value;
      if (inner instanceof StringType) {
        value = new DecodedValue.StringValue(Wire.stringOf(in, length, UNNAMED));
      } else if (inner instanceof BytesType) {
        value = DecodedValue.BytesValue.of(Wire.bytesOf(in, length));
      } else {
        value = elements((ListType) inner, length, path);
      }
      return new DecodedValue.OptionalValue(Optional.of(value));
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
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
        default -> throw new IllegalArgumentException("a type id is unsigned: " + width);
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
    if (type.count() instanceof Size.Until until) {
      return untilSentinel(type, until, path);
    }
    int count;
    try {
      int minimum = type.element().minimumSize();
      if (type.count() instanceof Size.Rest) {
        count = Integer.MAX_VALUE;
      } else if (type.count() instanceof Size.Varint v) {
        count = Wire.varintCount(in, v.maxBytes(), minimum, UNNAMED);
      } else {
        PrefixWidth width = ((Size.Prefix) type.count()).width();
        count = width.signed()
            ? Wire.signedCount(in, width.size(), minimum, UNNAMED)
            : Wire.count(in, width.size(), minimum, UNNAMED);
      }
    } catch (MalformedFrameException e) {
      throw malformed(path, e);
    }
    return elements(type, count, path);
  }

  /**
   * {@code count} elements; {@link Integer#MAX_VALUE} for a list that takes the rest of the frame
   * and ends with it.
   */
  private DecodedValue elements(ListType type, int count, FieldPath path) throws DecodeException {
    boolean rest = count == Integer.MAX_VALUE;
    ImmutableList.Builder<DecodedValue> elements = rest
        ? ImmutableList.builder() : ImmutableList.builderWithExpectedSize(count);
    for (int i = 0; rest ? in.hasRemaining() : i < count; i++) {
      elements.add(value(type.element(), path.element(i)));
    }
    return new DecodedValue.ListValue(elements.build());
  }

  /**
   * A list that ends at its sentinel: before each element, its first value is read and compared;
   * the sentinel is consumed and ends the list, any other value is read again as the element's
   * start. Every element takes at least one byte, so the bytes left bound the loop.
   */
  private DecodedValue untilSentinel(ListType type, Size.Until until, FieldPath path) throws DecodeException {
    ImmutableList.Builder<DecodedValue> elements = ImmutableList.builder();
    DecodedValue sentinel = DefaultValues.sentinel(until);
    for (int i = 0; ; i++) {
      FieldPath at = path.element(i);
      int start = in.position();
      DecodedValue first = value(until.type(), at);
      if (first.equals(sentinel)) {
        return new DecodedValue.ListValue(elements.build());
      }
      in.position(start);
      elements.add(value(type.element(), at));
    }
  }
}
