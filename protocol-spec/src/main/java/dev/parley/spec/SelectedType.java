package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code AuthRequest<code>}: a union whose case the earlier field {@code selector} of the same
 * struct or message chooses. The encoder computes that field from the case it writes; the
 * record does not hold it (SPEC.md 13.8).
 */
public record SelectedType(UnionType union, String selector) implements FieldType {

  public SelectedType {
    requireNonNull(union, "union");
    requireNonNull(selector, "selector");
  }

  @Override
  public int minimumSize() {
    return union.minimumSize();
  }

  @Override
  public String displayName() {
    return union.name() + "<" + selector + ">";
  }
}
