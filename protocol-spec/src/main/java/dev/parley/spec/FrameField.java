package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import dev.parley.runtime.HeaderField;
import dev.parley.runtime.LengthCounts;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * One field of a frame header, as a {@code frame} declaration writes it: an integer with a role.
 *
 * @param type an integer type: its width and signedness on the wire
 * @param byteOrder the field's own byte order, when it has one; else the file's
 * @param role what the field is for: the length, the type id, a constant the decoder checks, or a
 *     field the application sets and reads ({@link HeaderField.Role#FIELD})
 * @param counts what a length counts; present exactly on the length
 * @param constant the value of a constant, as its bits; 0 for other roles
 * @param bits for a field of fewer than 8 bits ({@code u4 flags}), its width, 1 to 7; such
 *     fields share a byte with their neighbours, most significant bit first; 0 for whole fields
 * @param varint for a length written as a variable-length integer ({@code varint<4>}), the most
 *     bytes it takes, 1 to 5; 0 for fixed-width fields
 */
public record FrameField(
    String name,
    PrimitiveType type,
    Optional<ByteOrder> byteOrder,
    HeaderField.Role role,
    Optional<LengthCounts> counts,
    long constant,
    Optional<String> doc,
    SourceLocation location,
    int bits,
    int varint) {

  /** A whole, fixed-width field. */
  public FrameField(String name, PrimitiveType type, Optional<ByteOrder> byteOrder, HeaderField.Role role,
      Optional<LengthCounts> counts, long constant, Optional<String> doc, SourceLocation location) {
    this(name, type, byteOrder, role, counts, constant, doc, location, 0, 0);
  }

  public FrameField {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(byteOrder, "byteOrder");
    requireNonNull(role, "role");
    requireNonNull(counts, "counts");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
    if (!type.isInteger()) {
      throw new IllegalArgumentException("a header field is an integer: " + type);
    }
    if (counts.isPresent() != (role == HeaderField.Role.LENGTH)) {
      throw new IllegalArgumentException("exactly the length says what it counts: " + name);
    }
    if (bits < 0 || bits > 7 || varint < 0 || varint > 5 || (bits > 0 && varint > 0)) {
      throw new IllegalArgumentException("bits " + bits + ", varint " + varint + ": " + name);
    }
  }

  /** The bits the field takes on the wire: its width, or its type's, or a varint's most. */
  public int bitSize() {
    return bits > 0 ? bits : 8 * (varint > 0 ? varint : type.size());
  }

  /** The type as the schema writes it: {@code u16}, {@code u4}, {@code varint<4>}. */
  public String typeText() {
    return bits > 0 ? "u" + bits : varint > 0 ? "varint<" + varint + ">" : type.keyword();
  }

  /**
   * The field as a field of a record: an application field is one of every message's components,
   * and the interpreter shows every header field like one.
   */
  public Field asField() {
    return new Field(name, type, false, 1, Optional.empty(), doc, location);
  }

  /** The field as the runtime's frame format describes it. */
  public HeaderField toHeaderField() {
    if (varint > 0) {
      return HeaderField.varintLength(name, varint, counts.orElseThrow());
    }
    HeaderField field = switch (role) {
      case LENGTH -> HeaderField.length(name, type.size(), counts.orElseThrow());
      case TYPE_ID -> HeaderField.typeId(name, type.size());
      case CONSTANT -> HeaderField.constant(name, type.size(), constant);
      case FIELD -> HeaderField.field(name, type.size());
    };
    if (type.isSigned()) {
      field = field.signed();
    }
    if (bits > 0) {
      field = field.bits(bits);
    }
    return byteOrder.isPresent() ? field.order(byteOrder.get()) : field;
  }

  /** How a schema writes the field, such as {@code length i32 len counts itself and following}. */
  public String describe() {
    String role = switch (this.role) {
      case LENGTH -> "length ";
      case TYPE_ID -> "type_id ";
      case CONSTANT -> "const ";
      case FIELD -> "";
    };
    String order = byteOrder.map(o -> o == ByteOrder.BIG_ENDIAN ? " big_endian" : " little_endian").orElse("");
    String tail = switch (this.role) {
      case LENGTH -> " counts " + FrameLayout.countsPhrase(counts.orElseThrow());
      case CONSTANT -> " = " + FrameLayout.constantText(type, constant);
      default -> "";
    };
    return role + typeText() + order + " " + name + tail;
  }
}
