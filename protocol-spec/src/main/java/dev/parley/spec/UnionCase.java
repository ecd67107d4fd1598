package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One case of a {@link UnionType}: the selector value that chooses it (an enum constant's value
 * when the selector is an enum, then {@code constant} names it) and the struct it reads.
 */
public record UnionCase(long value, Optional<EnumConstant> constant, StructType struct, SourceLocation location) {

  public UnionCase {
    requireNonNull(constant, "constant");
    requireNonNull(struct, "struct");
    requireNonNull(location, "location");
  }

  /** The value as a schema writes it: the enum constant's name, or the number. */
  public String valueText() {
    return constant.map(EnumConstant::name).orElse(Long.toString(value));
  }
}
