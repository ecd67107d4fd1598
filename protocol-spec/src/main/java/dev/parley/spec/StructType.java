package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * {@code struct Point { i32 x; i32 y; }}: fields written inline where the struct is used, with no
 * type id. Structs never evolve, so their fields carry no {@code @since}. The linker guarantees
 * that no struct contains itself, so the graph of struct types is acyclic.
 *
 * @param minimumSize the fewest bytes a value takes, computed once by the linker (a chain of
 *     structs that each hold two of the previous one would take exponential time to recompute)
 *     and at most {@code max_frame_length}
 */
public record StructType(
    String name,
    String qualifiedName,
    ImmutableList<Field> fields,
    int minimumSize,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration, FieldType, Composite {

  public StructType {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(fields, "fields");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  @Override
  public String displayName() {
    return name;
  }
}
