package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A field of a struct or message.
 *
 * @param optional written as a presence byte (0 or 1) and then, when 1, the value
 * @param since the protocol version that added the field: 1 for fields without {@code @since}
 * @param defaultValue the value a reader gives a {@code @since} field that an older writer did not
 *     send; present only on non-optional {@code @since} fields
 */
public record Field(
    String name,
    FieldType type,
    boolean optional,
    int since,
    Optional<Value> defaultValue,
    Optional<String> doc,
    SourceLocation location) {

  public Field {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(defaultValue, "defaultValue");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
    if (since < 1) {
      throw new IllegalArgumentException("since must be at least 1: " + since);
    }
  }

  /**
   * The bytes the field always takes, when it takes the same number whatever its value: not
   * optional, and of a type without a length or count.
   */
  public OptionalInt fixedSize() {
    return optional ? OptionalInt.empty() : fixedSize(type);
  }

  /** The bytes every value of {@code type} takes, if they are the same for every value. */
  static OptionalInt fixedSize(FieldType type) {
    if (type instanceof StructType struct) {
      int sum = 0;
      for (Field field : struct.fields()) {
        OptionalInt size = field.fixedSize();
        if (size.isEmpty()) {
          return size;
        }
        sum += size.getAsInt();
      }
      return OptionalInt.of(sum);
    }
    boolean fixed = type instanceof PrimitiveType || type instanceof EnumType
        || type instanceof FlagsType || type instanceof FixedBytesType || type instanceof BitsType
        || type instanceof ChecksumType;
    return fixed ? OptionalInt.of(type.minimumSize()) : OptionalInt.empty();
  }

  /** The fewest bytes the field takes on the wire: one presence byte when optional. */
  public int minimumSize() {
    return optional ? 1 : type.minimumSize();
  }
}
