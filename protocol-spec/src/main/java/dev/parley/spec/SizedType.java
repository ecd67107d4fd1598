package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code Extras<extras_length>} or {@code Rdata<type, rdlength>}: a struct or a selected union
 * that takes exactly as many bytes as an earlier field says, which the encoder computes from the
 * value (SPEC.md 13.9). A decoder reads the value inside those bytes and refuses one that leaves
 * any of them unread; a union's default case takes them all.
 */
public record SizedType(FieldType inner, Size.FieldRef size) implements FieldType {

  public SizedType {
    requireNonNull(inner, "inner");
    requireNonNull(size, "size");
    if (!(inner instanceof StructType || inner instanceof SelectedType)) {
      throw new IllegalArgumentException("only a struct or union takes a size: " + inner.displayName());
    }
  }

  @Override
  public int minimumSize() {
    return inner.minimumSize();
  }

  @Override
  public String displayName() {
    return inner instanceof SelectedType s
        ? s.union().name() + "<" + s.selector() + ", " + size.field() + ">"
        : inner.displayName() + "<" + size.field() + ">";
  }
}
