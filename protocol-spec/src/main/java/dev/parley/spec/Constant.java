package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * {@code const u16 MAX_NAME = 64;}: a named value of a primitive or string type, emitted into the
 * generated constants class. Its value has been checked to fit its type.
 */
public record Constant(
    String name,
    String qualifiedName,
    FieldType type,
    Value value,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration {

  public Constant {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(type, "type");
    requireNonNull(value, "value");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }
}
