package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/** {@code list<T, w>}: an unsigned element count of width {@code w}, then the elements. */
public record ListType(FieldType element, PrefixWidth countPrefix) implements FieldType {

  public ListType {
    requireNonNull(element, "element");
    requireNonNull(countPrefix, "countPrefix");
  }

  @Override
  public int minimumSize() {
    return countPrefix.size();
  }

  @Override
  public String displayName() {
    return countPrefix == PrefixWidth.U16
        ? "list<" + element.displayName() + ">"
        : "list<" + element.displayName() + ", " + countPrefix.keyword() + ">";
  }
}
