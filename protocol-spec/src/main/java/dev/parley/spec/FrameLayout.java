package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.HeaderField;
import dev.parley.runtime.LengthCounts;
import java.util.Locale;
import java.util.Optional;

/**
 * A file's {@code frame} declaration: the header every frame of the file starts with, its fields
 * in wire order. A file without one uses Parley's own frame, which its options describe.
 */
public record FrameLayout(ImmutableList<FrameField> fields, Optional<String> doc, SourceLocation location) {

  public FrameLayout {
    requireNonNull(fields, "fields");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  /**
   * Bytes of the header: the sum of its fields' widths; with a varint length, the most it takes
   * (its fixed part is {@link #fixedHeaderSize}).
   */
  public int headerSize() {
    return fields.stream().mapToInt(FrameField::bitSize).sum() / 8;
  }

  /** Bytes of the header before a varint length, which is last; the whole header without one. */
  public int fixedHeaderSize() {
    return fields.stream().filter(f -> f.varint() == 0).mapToInt(FrameField::bitSize).sum() / 8;
  }

  /** Whether the header ends with a varint length, so that its size varies from frame to frame. */
  public boolean varintLength() {
    return length().filter(f -> f.varint() > 0).isPresent();
  }

  /** The byte offset of {@code field} within the header: of the byte it shares, for a bit field. */
  public int offset(FrameField field) {
    return bitOffset(field) / 8;
  }

  /** The bit offset of {@code field} within the header, counting from the first byte's top bit. */
  public int bitOffset(FrameField field) {
    int offset = 0;
    for (FrameField f : fields) {
      if (f == field) {
        return offset;
      }
      offset += f.bitSize();
    }
    throw new IllegalArgumentException("not a field of this frame: " + field.name());
  }

  /** For a bit field, how far its bits are from the bottom of its byte; 0 for a whole field. */
  public int shift(FrameField field) {
    return field.bits() == 0 ? 0 : 8 - bitOffset(field) % 8 - field.bits();
  }

  /** The length field, unless every frame has a size fixed by its type id. */
  public Optional<FrameField> length() {
    return withRole(HeaderField.Role.LENGTH);
  }

  /** The type id field, unless the file has a single message. */
  public Optional<FrameField> typeId() {
    return withRole(HeaderField.Role.TYPE_ID);
  }

  /** The fields the application sets and reads: leading components of every message. */
  public ImmutableList<FrameField> applicationFields() {
    return fields.stream().filter(f -> f.role() == HeaderField.Role.FIELD)
        .collect(ImmutableList.toImmutableList());
  }

  /** The field named {@code name}, if any. */
  public Optional<FrameField> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  private Optional<FrameField> withRole(HeaderField.Role role) {
    return fields.stream().filter(f -> f.role() == role).findFirst();
  }

  /**
   * The longest frame, header included, the length field can describe: its largest value plus the
   * bytes it does not count. Without a length, there is no such bound.
   */
  public long largestFrame() {
    Optional<FrameField> length = length();
    if (length.isEmpty()) {
      return Long.MAX_VALUE;
    }
    FrameField field = length.get();
    if (field.varint() > 0) {
      return ((1L << (7 * field.varint())) - 1) + headerSize();
    }
    long largest = field.type().maxValue().min(java.math.BigInteger.valueOf(Long.MAX_VALUE / 2)).longValueExact();
    return largest + uncounted();
  }

  /**
   * The bytes at the front of a frame that its length does not count: a frame's size is the
   * length's value plus these. The header up to the length's end for {@code counts following},
   * before the length for {@code counts itself and following}, none for {@code counts frame}, the
   * whole header for {@code counts body}.
   *
   * A varint length, whose own size varies, counts what follows it: this is then the fixed
   * part and the varint's most bytes, the most a frame can have uncounted.
   *
   * @throws java.util.NoSuchElementException if the frame has no length
   */
  public int uncounted() {
    FrameField field = length().orElseThrow();
    if (field.varint() > 0) {
      return headerSize();
    }
    return switch (field.counts().orElseThrow()) {
      case FOLLOWING -> offset(field) + field.bitSize() / 8;
      case ITSELF_AND_FOLLOWING -> offset(field);
      case FRAME -> 0;
      case BODY -> headerSize();
    };
  }

  /** The words a schema writes after {@code counts} for what a length counts. */
  public static String countsPhrase(LengthCounts counts) {
    return switch (counts) {
      case FOLLOWING -> "following";
      case ITSELF_AND_FOLLOWING -> "itself and following";
      case FRAME -> "frame";
      case BODY -> "body";
    };
  }

  /** What {@code counts} means, in a sentence's words, for diagnostics and documentation. */
  public static String countsMeaning(LengthCounts counts) {
    return switch (counts) {
      case FOLLOWING -> "the bytes after the length";
      case ITSELF_AND_FOLLOWING -> "the length itself and the bytes after it";
      case FRAME -> "the whole frame, header included";
      case BODY -> "the bytes after the header";
    };
  }

  /** What a schema writes after {@code counts}: the phrase for {@code words}, if they are one. */
  public static Optional<LengthCounts> countsOf(String words) {
    for (LengthCounts counts : LengthCounts.values()) {
      if (countsPhrase(counts).equals(words)) {
        return Optional.of(counts);
      }
    }
    return Optional.empty();
  }

  /**
   * The value of a constant of {@code type} whose bits are {@code bits}: as they are for a signed
   * type, masked to the type's width for an unsigned one (a u64 above 2^63-1 stays negative).
   */
  public static long constantValue(PrimitiveType type, long bits) {
    return type.isSigned() || type.size() == 8 ? bits : bits & ((1L << (type.size() * 8)) - 1);
  }

  /** A constant as a schema would write it: signed and small numbers in decimal, others in hex. */
  public static String constantText(PrimitiveType type, long bits) {
    long value = constantValue(type, bits);
    if (type.isSigned() || (value >= 0 && value < 10)) {
      return Long.toString(value);
    }
    return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
  }
}
