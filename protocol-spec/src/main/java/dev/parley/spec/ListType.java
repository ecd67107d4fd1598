package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code list<T, size>}: elements of one type, and how a decoder knows how many: a count of a
 * prefix width before them ({@code list<T>} is {@code list<T, u16>}), an earlier field
 * ({@code list<Question, question_count>}), the end of the frame ({@code list<T, rest>}) or a
 * sentinel that ends them ({@code list<Param, until "">}).
 */
public record ListType(FieldType element, Size count) implements FieldType {

  public ListType {
    requireNonNull(element, "element");
    requireNonNull(count, "count");
    if (count instanceof Size.Terminated) {
      throw new IllegalArgumentException("a list ends at a sentinel, not at a NUL: " + count);
    }
  }

  /** A list with a count of {@code width} before it. */
  public ListType(FieldType element, PrefixWidth width) {
    this(element, new Size.Prefix(width));
  }

  /** The width of the count before the elements, when they have one. */
  public java.util.Optional<PrefixWidth> prefix() {
    return count instanceof Size.Prefix p ? java.util.Optional.of(p.width()) : java.util.Optional.empty();
  }

  @Override
  public int minimumSize() {
    return count instanceof Size.Until until ? until.type().minimumSize() : count.prefixSize();
  }

  @Override
  public String displayName() {
    String size = count.equals(new Size.Prefix(PrefixWidth.U16)) ? "" : ", " + count.keyword();
    return "list<" + element.displayName() + size + ">";
  }
}
