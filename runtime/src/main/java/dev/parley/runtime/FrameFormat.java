package dev.parley.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * How frames are delimited on a stream. Immutable; built with {@link #builder()}. Two kinds:
 *
 * <ul>
 *   <li>The <b>prefix format</b>, Parley's own: a length prefix of {@link #lengthSize()} bytes
 *       in {@link #byteOrder()}, counting the body bytes after it, at most
 *       {@link #maxFrameLength()}. The prefix belongs to the framing: a {@link Protocol} reads and
 *       writes the body after it, {@link #bodyOffset()} bytes into the frame.
 *   <li>A <b>header format</b> ({@link #hasHeader()}), for protocols that frame their own way: a
 *       {@link #header()} of {@link HeaderField}s in wire order, of which one may be the length
 *       (counting what its {@link LengthCounts} says) and one the type id; without a length, the
 *       type id gives each frame's size from {@link #fixedFrameSizes()}. The header belongs to the
 *       protocol: a {@link Protocol} reads and writes the whole frame, header included
 *       ({@link #bodyOffset()} is 0), and {@link #maxFrameLength()} bounds the whole frame.
 * </ul>
 *
 * <p>A header's fields lie at fixed offsets from the frame's first byte, with two exceptions.
 * {@link HeaderField#bits(int) Bit fields} share a byte: {@link #offsetOf(HeaderField)} is the
 * byte's, and {@link #readField} and {@link #writeField} read and write the field's bits alone. A
 * {@link HeaderField#varintLength varint length} ends the header and takes as many bytes as its
 * value needs, so the header of a frame is {@link #minHeaderSize()} to {@link #headerSize()} bytes,
 * {@link #headerSize(ByteBuffer, int)} in a given frame; an encoder writes the header in order,
 * the varint with {@link #writeVarintLength}, and the body after it.
 *
 * <p>Every number the frame reader and writer need per frame is computed once, here.
 */
public final class FrameFormat {

  /** The default maximum body length: 1 MiB (for a header format, the default whole frame's). */
  public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;

  private static final long[] NO_IDS = {};
  private static final int[] NO_SIZES = {};
  // After the constants the constructor uses: static fields are set in the order they are written.
  private static final FrameFormat DEFAULT = builder().build();

  private final ByteOrder byteOrder;
  private final int maxFrameLength;
  /** The prefix's width, or the length field's; 0 for a header without a length. */
  private final int lengthSize;
  private final List<HeaderField> header;
  private final Map<Long, Integer> fixedFrameSizes;
  /** The size of every frame of a header with neither length nor type id; else -1. */
  private final int singleFrameSize;
  /** What maxFrameLength is when not set: toBuilder() leaves it unset then, so that it follows the header. */
  private final int defaultMaxFrameLength;

  // The layout, flattened for the reader and the writer. A prefix format is a one-field header
  // whose length counts what follows it, with the body after it.
  private final boolean hasHeader;
  private final int headerSize;
  /** The fewest bytes of a header: less than headerSize with a varint length only. */
  private final int minHeaderSize;
  private final int bodyOffset;
  /** The bytes of the header needed before the frame's size is known. */
  private final int sizeKnownAfter;
  private final Optional<HeaderField> lengthField;
  /** Whether the length is a varint, which ends the header; lengthSize is then its most bytes. */
  private final boolean varintLength;
  private final int lengthOffset;
  private final boolean lengthBigEndian;
  private final boolean lengthSigned;
  /** A frame's size is the length's value plus this: the bytes before what the length counts. */
  private final int lengthAdjust;
  /** Below this, a length would end the frame inside its header. */
  private final long minLengthValue;
  /** Above this, a length makes a frame longer than the maximum. */
  private final long maxLengthValue;
  private final Optional<HeaderField> typeIdField;
  private final int typeIdOffset;
  private final int typeIdSize;
  /** A bit field type id's bits, as {@code masks} and {@code shifts} give them; mask 0 for a whole field. */
  private final int typeIdMask;
  private final int typeIdShift;
  private final boolean typeIdBigEndian;
  private final boolean typeIdSigned;
  /** The fixed frame sizes by type id, for a search that neither boxes nor allocates. */
  private final long[] fixedTypeIds;
  private final int[] fixedSizes;
  private final HeaderField[] fields;
  private final int[] offsets;
  /** Each bit field's bits in its byte, {@code (byte >>> shift) & mask}; mask 0 for a whole field. */
  private final int[] masks;
  private final int[] shifts;
  private final boolean[] bigEndian;

  private FrameFormat(Builder builder, HeaderLayout layout) {
    this.byteOrder = builder.byteOrder;
    this.header = layout.header;
    this.hasHeader = !header.isEmpty();
    this.fixedFrameSizes = Collections.unmodifiableMap(new TreeMap<>(builder.fixedFrameSizes));
    this.singleFrameSize = builder.singleFrameSize;
    this.defaultMaxFrameLength = layout.defaultMaxFrameLength;
    this.maxFrameLength = builder.maxFrameLengthSet ? builder.maxFrameLength : defaultMaxFrameLength;
    this.fields = header.toArray(new HeaderField[0]);
    this.offsets = layout.offsets;
    this.shifts = layout.shifts;
    this.masks = new int[fields.length];
    this.bigEndian = new boolean[fields.length];
    for (int i = 0; i < fields.length; i++) {
      bigEndian[i] = fields[i].order().orElse(byteOrder) == ByteOrder.BIG_ENDIAN;
      masks[i] = (1 << fields[i].bitWidth()) - 1;
    }
    this.headerSize = hasHeader ? layout.headerSize : builder.lengthSize;
    this.minHeaderSize = hasHeader ? layout.minHeaderSize : builder.lengthSize;
    this.bodyOffset = hasHeader ? 0 : builder.lengthSize;
    int length = layout.indexOf(HeaderField.Role.LENGTH);
    int typeId = layout.indexOf(HeaderField.Role.TYPE_ID);
    this.lengthField = length < 0 ? Optional.empty() : Optional.of(fields[length]);
    this.typeIdField = typeId < 0 ? Optional.empty() : Optional.of(fields[typeId]);
    this.varintLength = length >= 0 && fields[length].isVarint();
    if (!hasHeader) {
      this.lengthSize = builder.lengthSize;
      this.lengthOffset = 0;
      this.lengthBigEndian = byteOrder == ByteOrder.BIG_ENDIAN;
      this.lengthSigned = false;
      this.lengthAdjust = lengthSize;
      this.minLengthValue = 0;
      this.maxLengthValue = maxFrameLength;
      this.sizeKnownAfter = lengthSize;
    } else if (length >= 0) {
      HeaderField field = fields[length];
      this.lengthSize = field.size();
      this.lengthOffset = offsets[length];
      this.lengthBigEndian = bigEndian[length];
      this.lengthSigned = field.isSigned();
      this.lengthAdjust = layout.lengthAdjust;
      this.minLengthValue = varintLength ? 0 : headerSize - lengthAdjust;
      // A varint's frame is the fixed part, the varint's bytes and its value: see varintFrameSize.
      this.maxLengthValue = (long) maxFrameLength - lengthAdjust;
      this.sizeKnownAfter = varintLength ? lengthOffset + 1 : lengthOffset + lengthSize;
    } else {
      this.lengthSize = 0;
      this.lengthOffset = -1;
      this.lengthBigEndian = false;
      this.lengthSigned = false;
      this.lengthAdjust = 0;
      this.minLengthValue = 0;
      this.maxLengthValue = 0;
      this.sizeKnownAfter = typeId < 0 ? 0 : offsets[typeId] + fields[typeId].size();
    }
    this.typeIdOffset = typeId < 0 ? -1 : offsets[typeId];
    this.typeIdSize = typeId < 0 ? 0 : fields[typeId].size();
    this.typeIdMask = typeId < 0 ? 0 : masks[typeId];
    this.typeIdShift = typeId < 0 ? 0 : shifts[typeId];
    this.typeIdBigEndian = typeId >= 0 && bigEndian[typeId];
    this.typeIdSigned = typeId >= 0 && fields[typeId].isSigned();
    this.fixedTypeIds = fixedFrameSizes.isEmpty() ? NO_IDS
        : fixedFrameSizes.keySet().stream().mapToLong(Long::longValue).toArray();
    this.fixedSizes = fixedFrameSizes.isEmpty() ? NO_SIZES
        : fixedFrameSizes.values().stream().mapToInt(Integer::intValue).toArray();
  }

  /** A u32 big-endian length prefix and bodies of at most 1 MiB. */
  public static FrameFormat defaults() {
    return DEFAULT;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this format's settings. A maximum that is this format's default stays
   * unset, so that it follows a header changed on the builder.
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.lengthSize = hasHeader ? 4 : lengthSize;
    builder.byteOrder = byteOrder;
    builder.maxFrameLength = maxFrameLength;
    builder.maxFrameLengthSet = maxFrameLength != defaultMaxFrameLength;
    builder.header = header;
    builder.fixedFrameSizes.putAll(fixedFrameSizes);
    builder.singleFrameSize = singleFrameSize;
    return builder;
  }

  /** Whether this is a header format; false for the prefix format. */
  public boolean hasHeader() {
    return hasHeader;
  }

  /** The header's fields in wire order; empty for the prefix format, whose prefix is no field. */
  public List<HeaderField> header() {
    return header;
  }

  /**
   * Bytes of the header: the prefix's for the prefix format; with a varint length, the most a
   * header takes, the varint at its longest.
   */
  public int headerSize() {
    return headerSize;
  }

  /**
   * The fewest bytes of a header: {@link #headerSize()} but with a varint length, which makes it
   * the header's fixed part and the 1 byte of the varint's shortest.
   */
  public int minHeaderSize() {
    return minHeaderSize;
  }

  /**
   * The size of the header of the whole frame at {@code frameStart} of {@code frame}:
   * {@link #headerSize()} but with a varint length, when it is the fixed part and the varint's
   * bytes, which it reads (absolute: the buffer's position is neither used nor changed). A
   * non-minimal varint is counted as it is.
   *
   * @throws IndexOutOfBoundsException if the varint runs past the buffer's limit
   * @throws IllegalArgumentException if the varint runs past its most bytes: no frame of this
   *     format starts at {@code frameStart}
   */
  public int headerSize(ByteBuffer frame, int frameStart) {
    return varintLength ? lengthOffset + varintCount(frame, frameStart) : headerSize;
  }

  /**
   * Where, from a frame's first byte on the wire, the bytes a {@link Protocol} reads and writes
   * start: {@link #lengthSize()} for the prefix format (the protocol sees the body after the
   * prefix), 0 for a header format (it sees the whole frame).
   */
  public int bodyOffset() {
    return bodyOffset;
  }

  /**
   * Bytes of the length prefix, 2 or 4; for a header format, the length field's size (a varint
   * length's most bytes), or 0 for a header without a length.
   */
  public int lengthSize() {
    return lengthSize;
  }

  /** The header's length field, if it has one; empty for the prefix format. */
  public Optional<HeaderField> lengthField() {
    return lengthField;
  }

  /** The header's type id field, if it has one; empty for the prefix format. */
  public Optional<HeaderField> typeIdField() {
    return typeIdField;
  }

  /**
   * Where the header field named {@code fieldName} starts, from the frame's first byte: for a bit
   * field, the offset of the byte it shares.
   *
   * @throws IllegalArgumentException if the header has no such field
   */
  public int offsetOf(String fieldName) {
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(fieldName)) {
        return offsets[i];
      }
    }
    throw new IllegalArgumentException("no header field '" + fieldName + "' in " + this);
  }

  /**
   * Where {@code field} starts, from the frame's first byte: for a bit field, the offset of the
   * byte it shares.
   *
   * @throws IllegalArgumentException if {@code field} is not one of the header's
   */
  public int offsetOf(HeaderField field) {
    return offsets[indexOf(field)];
  }

  /**
   * The size, header included, of every frame whose type id is {@code typeId}, for a header
   * without a length; for a header with neither length nor type id, the size of every frame
   * whatever {@code typeId}. Empty when frames carry their length, or the type id has no size.
   */
  public OptionalInt fixedFrameSize(long typeId) {
    if (singleFrameSize >= 0) {
      return OptionalInt.of(singleFrameSize);
    }
    int i = Arrays.binarySearch(fixedTypeIds, typeId);
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(fixedSizes[i]);
  }

  /** The fixed frame sizes by type id, in the order of the ids; empty unless the header has a type id and no length. */
  public Map<Long, Integer> fixedFrameSizes() {
    return fixedFrameSizes;
  }

  /**
   * The byte order of the length prefix, of the header's fields that have no order of their own,
   * and of every multi-byte field of the body.
   */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /**
   * The largest frame a reader accepts, refused before anything is allocated for it: for the
   * prefix format the largest body after the prefix, for a header format the largest whole frame.
   */
  public int maxFrameLength() {
    return maxFrameLength;
  }

  /** The largest frame on the wire, whole: prefix and body, or header and all. */
  public long largestFrameSize() {
    return hasHeader ? maxFrameLength : (long) lengthSize + maxFrameLength;
  }

  /**
   * The value the length field (or prefix) carries for a frame of {@code frameSize} bytes on the
   * wire, whole: for the prefix format the body's size. A varint length counts the bytes after
   * it, and takes as many as that count needs; some sizes no frame has (the fixed part and 129
   * bytes: a body of 127 bytes and its 1-byte varint make 128, one of 128 and its 2 bytes 130).
   *
   * @throws IllegalStateException if the header has no length
   * @throws IllegalArgumentException if {@code frameSize} is smaller than the header, or, with a
   *     varint length, is a size no frame has or larger than the varint can describe
   */
  public long lengthValue(int frameSize) {
    if (lengthOffset < 0) {
      throw new IllegalStateException("the header has no length field: " + this);
    }
    if (frameSize < minHeaderSize) {
      throw new IllegalArgumentException("a frame of " + frameSize + " bytes is smaller than the "
          + minHeaderSize + "-byte header");
    }
    if (varintLength) {
      return varintLengthValue(frameSize);
    }
    return (long) frameSize - lengthAdjust;
  }

  private long varintLengthValue(int frameSize) {
    long after = (long) frameSize - lengthOffset; // the varint and the bytes it counts
    for (int k = 1; k <= lengthSize; k++) {
      long value = after - k;
      if (value >= 0 && Varint.size(value) == k) {
        return value;
      }
    }
    String name = lengthField.get().name();
    long largest = Varint.maxValue(lengthSize);
    if (after - lengthSize > largest) {
      throw new IllegalArgumentException("a frame of " + frameSize + " bytes is larger than the varint length '"
          + name + "' describes: " + (lengthOffset + lengthSize + largest) + " bytes at most");
    }
    // The one size between the frames of a k-byte varint and those of a (k + 1)-byte one.
    int k = Varint.size(after) - 1;
    long body = Varint.maxValue(k);
    throw new IllegalArgumentException("no frame has " + frameSize + " bytes: a body of " + body + " bytes and its "
        + k + "-byte varint length '" + name + "' make " + (frameSize - 1) + ", a body of " + (body + 1)
        + " bytes and its " + (k + 1) + "-byte one " + (frameSize + 1));
  }

  /**
   * The bytes of the shortest encoding of {@code value} as a varint length (unsigned LEB128, 7
   * bits a byte): 1 for 0 to 127, 2 to 16,383, 3 to 2,097,151, 4 to 268,435,455. An encoder that
   * knows its body's size knows its frame's: the fixed part of the header, this, and the body.
   *
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public static int varintSize(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("a varint is not negative: " + value);
    }
    return Varint.size(value);
  }

  /**
   * Writes {@code value} as the varint length of the frame starting at {@code frameStart} of
   * {@code frame}, in the fewest bytes it needs (absolute: the buffer's position and order are
   * neither used nor changed), and returns how many it wrote: the body starts that many bytes
   * after the length's offset. {@link #writeField} does not write a varint length, since it
   * cannot say where the header ends.
   *
   * @return the bytes written, {@link #varintSize(long)} of {@code value}
   * @throws IllegalStateException if the header has no varint length
   * @throws IllegalArgumentException if {@code value} is negative or above the varint's
   *     {@link HeaderField#maxValue()}
   * @throws IndexOutOfBoundsException if the varint is not within the buffer's limit
   */
  public int writeVarintLength(ByteBuffer frame, int frameStart, long value) {
    if (!varintLength) {
      throw new IllegalStateException("the header has no varint length: " + this);
    }
    HeaderField length = lengthField.get();
    if (!length.fits(value)) {
      throw new IllegalArgumentException("value " + value + " does not fit the " + length.typeName() + " length '"
          + length.name() + "' (0 to " + length.maxValue() + ")");
    }
    int at = frameStart + lengthOffset;
    int size = Varint.size(value);
    Objects.checkFromIndexSize(at, size, frame.limit()); // nothing written when it does not fit
    return Varint.write(frame, at, value);
  }

  /**
   * Reads {@code field} of the frame starting at {@code frameStart} of {@code frame}: an absolute
   * read (the buffer's position and order are neither used nor changed) at the field's offset,
   * in the field's own byte order or else the format's, sign-extended when the field is signed.
   * An unsigned 8-byte field gives its 64 bits as they are; a bit field its bits alone; a varint
   * length its value, whatever its encoding.
   *
   * @throws IllegalArgumentException if {@code field} is not one of the header's, or is a varint
   *     that runs past its most bytes
   * @throws IndexOutOfBoundsException if the field is not within the buffer's limit
   */
  public long readField(ByteBuffer frame, int frameStart, HeaderField field) {
    int i = indexOf(field);
    if (field.isVarint()) {
      return Varint.value(frame, frameStart + lengthOffset, varintCount(frame, frameStart));
    }
    long bits = bits(frame, frameStart + offsets[i], field.size(), bigEndian[i]);
    if (masks[i] != 0) {
      return (bits >>> shifts[i]) & masks[i];
    }
    return field.isSigned() ? signExtend(bits, field.size()) : bits;
  }

  /**
   * Writes {@code value} as {@code field} of the frame starting at {@code frameStart} of
   * {@code frame}, like {@link #readField} reads it: absolute, in the field's byte order. A bit
   * field's bits are written and the other bits of its byte kept.
   *
   * @throws IllegalArgumentException if {@code field} is not one of the header's, or {@code value}
   *     does not fit it (a bit field's bits), or {@code field} is a varint length: write it with
   *     {@link #writeVarintLength}, which says how many bytes it took
   * @throws IndexOutOfBoundsException if the field is not within the buffer's limit
   */
  public void writeField(ByteBuffer frame, int frameStart, HeaderField field, long value) {
    int i = indexOf(field);
    if (field.isVarint()) {
      throw new IllegalArgumentException("the varint length '" + field.name() + "' takes as many bytes as its value"
          + " needs: write it with writeVarintLength, which says how many");
    }
    if (!field.fits(value)) {
      throw new IllegalArgumentException("value " + value + " does not fit the " + field.typeName() + " field '"
          + field.name() + "'");
    }
    int at = frameStart + offsets[i];
    if (masks[i] != 0) {
      int kept = frame.get(at) & ~(masks[i] << shifts[i]);
      frame.put(at, (byte) (kept | ((int) value << shifts[i])));
      return;
    }
    int size = field.size();
    for (int k = 0; k < size; k++) {
      int shift = 8 * (bigEndian[i] ? size - 1 - k : k);
      frame.put(at + k, (byte) (value >>> shift));
    }
  }

  // ---- For the reader and the writer ------------------------------------------------------------

  /**
   * The bytes of a frame's header the reader needs before it knows the frame's size: with a
   * varint length, before it may, up to the varint's first byte (the rest come one at a time).
   */
  int sizeKnownAfter() {
    return sizeKnownAfter;
  }

  /**
   * The size on the wire, whole (the prefix and the body, or the header and all), of the frame
   * that starts at {@code start} of {@code bytes}, of which the bytes before {@code end} are
   * there: what a transport that holds bytes of its own (a Netty {@code ByteBuf}) needs to cut
   * frames as {@link FrameReader} cuts them, with the same checks, before anything is allocated
   * for the frame. The reads are absolute: the buffer's position, limit and byte order are
   * neither used nor changed. {@code streamOffset} is the frame's offset in the stream, for the
   * errors' offsets.
   *
   * @return the frame's size, or -1 while the bytes there do not give it yet: fewer than the
   *     prefix, or than the header up to its length field (or its type id, in a header without a
   *     length), or a varint length every byte of which so far has its continuation bit set
   * @throws FrameTooLongException for a frame longer than the maximum: for the prefix format, a
   *     body length above {@link #maxFrameLength()} (the exception's length is the body's)
   * @throws MalformedFrameException for a negative length, one that would end the frame inside
   *     its header, a varint length longer than its most bytes or not in its fewest, or a type id
   *     with no fixed size (at the stream offset of the field)
   */
  public long frameSize(ByteBuffer bytes, int start, int end, long streamOffset) throws ProtocolException {
    if (end - start < sizeKnownAfter) {
      return -1;
    }
    if (!hasHeader) {
      long length = readLength(bytes, start);
      if (length > maxFrameLength) {
        throw new FrameTooLongException(length, maxFrameLength, streamOffset);
      }
      return lengthSize + length;
    }
    if (varintLength) {
      return varintFrameSize(bytes, start, end, streamOffset);
    }
    if (lengthOffset >= 0) {
      long value = readLength(bytes, start);
      HeaderField length = lengthField.get();
      if (value < 0 && lengthSigned) {
        throw new MalformedFrameException(length.name(), "negative length " + value, streamOffset + lengthOffset);
      }
      if (value > maxLengthValue || value < 0) { // an unsigned 8-byte length above a long's range
        long size = value < 0 || value > Long.MAX_VALUE - lengthAdjust ? Long.MAX_VALUE : value + lengthAdjust;
        throw new FrameTooLongException(size, maxFrameLength, streamOffset);
      }
      if (value < minLengthValue) {
        throw new MalformedFrameException(length.name(), tooShort(value), streamOffset + lengthOffset);
      }
      return value + lengthAdjust;
    }
    if (typeIdOffset >= 0) {
      long typeId = readTypeId(bytes, start);
      int i = Arrays.binarySearch(fixedTypeIds, typeId);
      if (i < 0) {
        HeaderField field = typeIdField.get();
        throw new MalformedFrameException(field.name(), "unknown type id " + field.format(typeId)
            + ": no frame size for it", streamOffset + typeIdOffset);
      }
      return fixedSizes[i];
    }
    return singleFrameSize;
  }

  /**
   * The size a varint length gives, or -1 while it is incomplete. At most the varint's bytes are
   * read, so a frame too long is refused with no more than its header held.
   */
  private long varintFrameSize(ByteBuffer held, int start, int end, long streamOffset) throws ProtocolException {
    int at = start + lengthOffset;
    int count = Varint.count(held, at, end, lengthSize);
    if (count == Varint.INCOMPLETE) {
      return -1;
    }
    String name = lengthField.get().name();
    if (count > lengthSize) {
      throw new MalformedFrameException(name, "varint length longer than its " + lengthSize + " bytes at most: the"
          + " last of them has its continuation bit set", streamOffset + lengthOffset);
    }
    long value = Varint.value(held, at, count);
    if (!Varint.isMinimal(held, at, count)) {
      // One value, one encoding (MQTT 5 requires the fewest bytes; 3.1.1 implies it): what is cut
      // here encodes back to the same bytes.
      throw new MalformedFrameException(name, "varint length " + value + " in " + count + " bytes, where "
          + Varint.size(value) + " hold it: only the shortest encoding is accepted", streamOffset + lengthOffset);
    }
    long size = lengthOffset + count + value;
    if (size > maxFrameLength) {
      throw new FrameTooLongException(size, maxFrameLength, streamOffset);
    }
    return size;
  }

  /**
   * The bytes of the varint length of the whole frame at {@code frameStart}, with the throws of
   * {@link #headerSize(ByteBuffer, int)}.
   */
  private int varintCount(ByteBuffer frame, int frameStart) {
    int at = frameStart + lengthOffset;
    int count = Varint.count(frame, at, frame.limit(), lengthSize);
    if (count == Varint.INCOMPLETE) {
      throw new IndexOutOfBoundsException("the varint length '" + lengthField.get().name() + "' at " + at
          + " runs past the buffer's limit " + frame.limit());
    }
    if (count > lengthSize) {
      throw new IllegalArgumentException("the varint length '" + lengthField.get().name() + "' at " + at
          + " runs past its " + lengthSize + " bytes at most: not a frame of " + this);
    }
    return count;
  }

  /** Why a length {@code value} below the minimum is refused. */
  private String tooShort(long value) {
    if (lengthField.get().counts() == LengthCounts.ITSELF_AND_FOLLOWING && value < lengthSize) {
      return "length " + value + " is smaller than the " + lengthSize + " bytes of the length itself";
    }
    return "length " + value + " would end the frame inside its " + headerSize + "-byte header";
  }

  /** The length field of the frame at {@code frameStart}, sign-extended when signed; not a varint. */
  long readLength(ByteBuffer frame, int frameStart) {
    long bits = bits(frame, frameStart + lengthOffset, lengthSize, lengthBigEndian);
    return lengthSigned ? signExtend(bits, lengthSize) : bits;
  }

  /** The type id of the frame at {@code frameStart}, sign-extended when signed; a bit field's bits. */
  long readTypeId(ByteBuffer frame, int frameStart) {
    long bits = bits(frame, frameStart + typeIdOffset, typeIdSize, typeIdBigEndian);
    if (typeIdMask != 0) {
      return (bits >>> typeIdShift) & typeIdMask;
    }
    return typeIdSigned ? signExtend(bits, typeIdSize) : bits;
  }

  /** Whether the length is a varint: frames are then sized by {@link #frameSize}, not {@link #readLength}. */
  boolean hasVarintLength() {
    return varintLength;
  }

  /** The fixed size of frames of {@code typeId} (or of every frame), or -1 when it has none. */
  int fixedSizeOf(long typeId) {
    if (singleFrameSize >= 0) {
      return singleFrameSize;
    }
    int i = Arrays.binarySearch(fixedTypeIds, typeId);
    return i < 0 ? -1 : fixedSizes[i];
  }

  private int indexOf(HeaderField field) {
    for (int i = 0; i < fields.length; i++) {
      if (fields[i] == field) {
        return i;
      }
    }
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].equals(field)) {
        return i;
      }
    }
    throw new IllegalArgumentException(field + " is not a field of the header of " + this);
  }

  private static long bits(ByteBuffer frame, int at, int size, boolean bigEndian) {
    // The common widths in one absolute read each: a loop of single-byte reads, with a bounds check
    // and a shift apiece, cost a declared header about 5 ns a frame more than Parley's own prefix.
    boolean sameOrder = (frame.order() == ByteOrder.BIG_ENDIAN) == bigEndian;
    switch (size) {
      case 1:
        return frame.get(at) & 0xFF;
      case 2: {
        short value = frame.getShort(at);
        return (sameOrder ? value : Short.reverseBytes(value)) & 0xFFFF;
      }
      case 4: {
        int value = frame.getInt(at);
        return (sameOrder ? value : Integer.reverseBytes(value)) & 0xFFFF_FFFFL;
      }
      default:
        break;
    }
    long bits = 0;
    for (int k = 0; k < size; k++) {
      long b = frame.get(at + k) & 0xFF;
      bits |= b << (8 * (bigEndian ? size - 1 - k : k));
    }
    return bits;
  }

  private static long signExtend(long bits, int size) {
    int unused = 64 - 8 * size;
    return bits << unused >> unused;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FrameFormat that
        && lengthSize == that.lengthSize
        && byteOrder.equals(that.byteOrder)
        && maxFrameLength == that.maxFrameLength
        && header.equals(that.header)
        && fixedFrameSizes.equals(that.fixedFrameSizes)
        && singleFrameSize == that.singleFrameSize;
  }

  @Override
  public int hashCode() {
    return hasHeader
        ? Objects.hash(lengthSize, byteOrder, maxFrameLength, header, fixedFrameSizes, singleFrameSize)
        : Objects.hash(lengthSize, byteOrder, maxFrameLength);
  }

  /**
   * {@code FrameFormat[length=u32, BIG_ENDIAN, max=1048576]} for the prefix format; a header
   * format lists its fields: {@code FrameFormat[u8 tag type_id, i32 length counts itself and
   * following, big-endian, max=1048576]}, then its fixed frame sizes, if any.
   */
  @Override
  public String toString() {
    if (!hasHeader) {
      return "FrameFormat[length=u" + (lengthSize * 8) + ", " + byteOrder + ", max=" + maxFrameLength + "]";
    }
    StringBuilder s = new StringBuilder("FrameFormat[");
    for (HeaderField field : header) {
      s.append(field).append(", ");
    }
    s.append(byteOrder == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian").append(", max=").append(maxFrameLength);
    if (singleFrameSize >= 0) {
      s.append(", fixed size ").append(singleFrameSize);
    }
    if (!fixedFrameSizes.isEmpty()) {
      HeaderField typeId = typeIdField.get();
      StringBuilder sizes = new StringBuilder();
      fixedFrameSizes.forEach((id, size) -> sizes.append(sizes.length() == 0 ? "" : ", ")
          .append(typeId.format(id)).append('=').append(size));
      s.append(", fixed sizes {").append(sizes).append('}');
    }
    return s.append(']').toString();
  }

  /** Builds a {@link FrameFormat}; every setter checks its argument at once, {@link #build()} the whole. */
  public static final class Builder {
    private int lengthSize = 4;
    private boolean lengthSizeSet;
    private ByteOrder byteOrder = ByteOrder.BIG_ENDIAN;
    private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
    private boolean maxFrameLengthSet;
    private List<HeaderField> header = List.of();
    private final Map<Long, Integer> fixedFrameSizes = new TreeMap<>();
    private int singleFrameSize = -1;

    private Builder() {}

    /**
     * The width of the prefix format's length prefix in bytes: 2 (u16) or 4 (u32).
     *
     * @throws IllegalStateException if a header was set: its length is one of its fields
     */
    public Builder lengthSize(int bytes) {
      if (!header.isEmpty()) {
        throw new IllegalStateException("lengthSize(" + bytes + ") is for the prefix format; this builder has a"
            + " header, whose length is a HeaderField.length(...) of it");
      }
      if (bytes != 2 && bytes != 4) {
        throw new IllegalArgumentException("lengthSize must be 2 or 4: " + bytes);
      }
      this.lengthSize = bytes;
      this.lengthSizeSet = true;
      return this;
    }

    /** The order of the length prefix, of header fields without their own, and of bodies. */
    public Builder byteOrder(ByteOrder order) {
      this.byteOrder = Objects.requireNonNull(order, "byteOrder");
      return this;
    }

    /**
     * The largest frame accepted, at least 1: for the prefix format the body after the prefix, for
     * a header format the whole frame. A header format without it takes the largest frame its
     * length field can describe, or its largest fixed frame size, up to 1 MiB.
     */
    public Builder maxFrameLength(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxFrameLength must be positive: " + bytes);
      }
      this.maxFrameLength = bytes;
      this.maxFrameLengthSet = true;
      return this;
    }

    /**
     * The header's fields in wire order, which makes this a header format. Replaces a header set
     * before. (A list, not varargs: no public entry point of the runtime takes an array of objects.)
     *
     * @throws IllegalStateException if {@link #lengthSize(int)} was called: a header format's
     *     length is one of its fields
     * @throws IllegalArgumentException for no fields
     */
    public Builder header(List<HeaderField> fields) {
      if (lengthSizeSet) {
        throw new IllegalStateException("lengthSize(" + lengthSize + ") was set, which is for the prefix format;"
            + " a header format's length is a HeaderField.length(...) of its header");
      }
      List<HeaderField> copy = List.copyOf(fields);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("a header needs at least one field");
      }
      this.header = copy;
      return this;
    }

    /**
     * For a header without a length field: the size, header included, of every frame whose type id
     * is {@code typeId}. Replaces a size set before for the same id.
     *
     * @throws IllegalArgumentException if {@code frameSize} is not positive
     */
    public Builder fixedFrameSize(long typeId, int frameSize) {
      fixedFrameSizes.put(typeId, checkFrameSize(frameSize));
      return this;
    }

    /**
     * For a header with neither length nor type id (a protocol of one message): the size, header
     * included, of every frame.
     *
     * @throws IllegalArgumentException if {@code frameSize} is not positive
     */
    public Builder fixedFrameSize(int frameSize) {
      this.singleFrameSize = checkFrameSize(frameSize);
      return this;
    }

    private static int checkFrameSize(int frameSize) {
      if (frameSize < 1) {
        throw new IllegalArgumentException("a fixed frame size must be positive: " + frameSize);
      }
      return frameSize;
    }

    /**
     * The format.
     *
     * @throws IllegalArgumentException if the settings do not make a format, saying why: the
     *     maximum does not fit the length, the header's roles or names clash, fixed sizes are
     *     missing or not wanted, or do not fit the header or the maximum
     */
    public FrameFormat build() {
      if (header.isEmpty()) {
        if (!fixedFrameSizes.isEmpty() || singleFrameSize >= 0) {
          throw new IllegalArgumentException("fixed frame sizes are for a header without a length; the prefix"
              + " format's frames carry their length");
        }
        if (lengthSize == 2 && maxFrameLength > 0xFFFF) {
          throw new IllegalArgumentException(
              "maxFrameLength " + maxFrameLength + " does not fit a u16 length prefix");
        }
        return new FrameFormat(this, HeaderLayout.PREFIX);
      }
      HeaderLayout layout = new HeaderLayout(header, fixedFrameSizes, singleFrameSize);
      layout.check(maxFrameLengthSet ? maxFrameLength : layout.defaultMaxFrameLength);
      return new FrameFormat(this, layout);
    }
  }
}
