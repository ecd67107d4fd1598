package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import dev.parley.spec.Field;

/**
 * One field of a decoded struct or message.
 *
 * @param defaulted the body ended before this {@code @since} field (it came from an older
 *     writer), so the value is the field's default, or absent for an optional field
 */
public record DecodedField(Field field, DecodedValue value, boolean defaulted) {

  public DecodedField {
    requireNonNull(field, "field");
    requireNonNull(value, "value");
  }

  /** The field's schema name, such as {@code room_id}. */
  public String name() {
    return field.name();
  }
}
