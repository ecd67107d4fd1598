package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * {@code union AuthRequest : i32 { 0 = AuthOk; 5 = Md5Password; default = bytes; }}: a part of a
 * message whose layout an earlier field, its selector, chooses (SPEC.md 13.8). Each case is a
 * struct of the same file; a default case, if declared, holds the bytes of any other value raw.
 *
 * @param selector the selector's type: an integer of at most 32 bits, or an enum
 */
public record UnionType(
    String name,
    String qualifiedName,
    FieldType selector,
    ImmutableList<UnionCase> cases,
    boolean hasDefault,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration, FieldType {

  public UnionType {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(selector, "selector");
    requireNonNull(cases, "cases");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  /** The selector's integer on the wire: its own type, or an enum's underlying one. */
  public PrimitiveType selectorWire() {
    return selector instanceof EnumType e ? e.underlying() : (PrimitiveType) selector;
  }

  /** The case of selector value {@code value}, if one is declared. */
  public Optional<UnionCase> caseOf(long value) {
    return cases.stream().filter(c -> c.value() == value).findFirst();
  }

  /** The fewest bytes a value takes: the smallest case's, or 0 with a default case. */
  @Override
  public int minimumSize() {
    int minimum = hasDefault ? 0 : Integer.MAX_VALUE;
    for (UnionCase c : cases) {
      minimum = Math.min(minimum, c.struct().minimumSize());
    }
    return minimum == Integer.MAX_VALUE ? 0 : minimum;
  }

  @Override
  public String displayName() {
    return name;
  }
}
