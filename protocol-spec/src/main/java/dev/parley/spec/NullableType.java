package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code nullable bytes<i32>}: a string, bytes or list with a signed prefix whose value −1 means
 * null, with no bytes after it (PostgreSQL's NULL column, Kafka's nullable string). Any other
 * negative prefix is malformed. In Java, an {@code Optional} of the inner type (SPEC.md 13.6).
 */
public record NullableType(FieldType inner) implements FieldType {

  public NullableType {
    requireNonNull(inner, "inner");
  }

  /** The signed prefix whose −1 is the null. */
  public PrefixWidth prefix() {
    java.util.Optional<PrefixWidth> prefix = inner instanceof StringType s ? s.prefix()
        : inner instanceof BytesType b ? b.prefix()
        : inner instanceof ListType l ? l.prefix()
        : java.util.Optional.empty();
    return prefix.filter(PrefixWidth::signed)
        .orElseThrow(() -> new IllegalStateException("no signed prefix: " + inner.displayName()));
  }

  @Override
  public int minimumSize() {
    return inner.minimumSize();
  }

  @Override
  public String displayName() {
    return "nullable " + inner.displayName();
  }
}
