package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One field of a {@link BitsType}: {@code width} bits at {@code shift} (the number of less
 * significant bits below it), read as a boolean, an unsigned int or an enum's value.
 */
public record BitField(
    String name,
    Kind kind,
    int width,
    int shift,
    Optional<EnumType> enumType,
    Optional<String> doc,
    SourceLocation location) {

  /** What a field's bits mean. */
  public enum Kind {
    /** {@code bool}: one bit. */
    BOOL,
    /** {@code uN}: an unsigned integer of N bits, 1 to 31. */
    UINT,
    /** An enum's value, in the {@code : N} bits written after its name. */
    ENUM
  }

  public BitField {
    requireNonNull(name, "name");
    requireNonNull(kind, "kind");
    requireNonNull(enumType, "enumType");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
    if (width < 1 || width > 31 || shift < 0) {
      throw new IllegalArgumentException("width " + width + ", shift " + shift);
    }
  }

  /** The field's type as a schema writes it: {@code bool}, {@code u4}, {@code Rcode : 4}. */
  public String typeName() {
    return switch (kind) {
      case BOOL -> "bool";
      case UINT -> "u" + width;
      case ENUM -> enumType.orElseThrow().name() + " : " + width;
    };
  }
}
