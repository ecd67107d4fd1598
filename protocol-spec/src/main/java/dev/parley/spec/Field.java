package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

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

  /** The fewest bytes the field takes on the wire: one presence byte when optional. */
  public int minimumSize() {
    return optional ? 1 : type.minimumSize();
  }
}
