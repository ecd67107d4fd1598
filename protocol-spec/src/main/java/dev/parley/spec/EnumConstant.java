package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** One constant of an enum, with its wire value (within the enum's underlying type). */
public record EnumConstant(String name, long value, Optional<String> doc, SourceLocation location) {

  public EnumConstant {
    requireNonNull(name, "name");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }
}
