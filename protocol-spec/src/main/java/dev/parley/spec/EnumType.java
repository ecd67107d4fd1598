package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * {@code enum Mood : u8 { HAPPY = 1; SAD = 2; }}: travels as its underlying integer; a value that
 * is not declared is a decode error. Constants keep their declaration order.
 */
public record EnumType(
    String name,
    String qualifiedName,
    PrimitiveType underlying,
    ImmutableList<EnumConstant> constants,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration, FieldType {

  public EnumType {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(underlying, "underlying");
    requireNonNull(constants, "constants");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  /** The constant with {@code name}, if declared. */
  public Optional<EnumConstant> constant(String name) {
    return constants.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  @Override
  public int minimumSize() {
    return underlying.size();
  }

  @Override
  public String displayName() {
    return name;
  }
}
