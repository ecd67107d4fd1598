package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/** A declaration made of fields: a struct or a message. */
public sealed interface Composite permits StructType, MessageType {

  String name();

  String qualifiedName();

  /** The fields in declaration order, which is wire order. */
  ImmutableList<Field> fields();

  /**
   * The fields a value holds, in wire order: every field but those that hold the size of a later
   * one ({@code u16 key_length; string<key_length> key;}) and a message's checksum, which the
   * encoder computes.
   */
  default ImmutableList<Field> components() {
    return fields().stream()
        .filter(f -> sized(f).isEmpty() && selected(f).isEmpty() && !(f.type() instanceof ChecksumType))
        .collect(ImmutableList.toImmutableList());
  }

  /** The checksum that ends a message, if it has one (SPEC.md 13.12). */
  default Optional<Field> checksum() {
    return fields().isEmpty() || !(fields().get(fields().size() - 1).type() instanceof ChecksumType)
        ? Optional.empty() : Optional.of(fields().get(fields().size() - 1));
  }

  /** The later field whose union case {@code field} selects, if it selects one. */
  default Optional<Field> selected(Field field) {
    for (Field other : fields()) {
      if (selection(other.type()).filter(s -> s.selector().equals(field.name())).isPresent()) {
        return Optional.of(other);
      }
    }
    return Optional.empty();
  }

  /** The union and selector of a field's type, if it is a selected union, sized or not. */
  static Optional<SelectedType> selection(FieldType type) {
    FieldType inner = type instanceof SizedType sized ? sized.inner() : type;
    return inner instanceof SelectedType selected ? Optional.of(selected) : Optional.empty();
  }

  /** The later field whose length or count {@code field} holds, if it holds one. */
  default Optional<Field> sized(Field field) {
    for (Field other : fields()) {
      if (sizeOf(other.type()).filter(s -> s instanceof Size.FieldRef ref && ref.field().equals(field.name()))
          .isPresent()) {
        return Optional.of(other);
      }
    }
    return Optional.empty();
  }

  /** The earlier field that holds {@code field}'s length or count, if one does. */
  default Optional<Field> sizeField(Field field) {
    return sizeOf(field.type())
        .flatMap(s -> s instanceof Size.FieldRef ref ? Optional.of(ref.field()) : Optional.empty())
        .flatMap(name -> fields().stream().filter(f -> f.name().equals(name)).findFirst());
  }

  /**
   * Whether a value of {@code type} runs to the end of the frame (or of the sized part around
   * it): data of {@code <rest>}, a struct whose last field does, a union with a default case or
   * with a case that does (SPEC.md 13.4).
   */
  static boolean openEnded(FieldType type) {
    if (type instanceof SizedType) {
      return false;
    }
    if (sizeOf(type).filter(Size.Rest.class::isInstance).isPresent()) {
      return true;
    }
    if (type instanceof StructType struct) {
      return !struct.fields().isEmpty() && openEnded(struct.fields().get(struct.fields().size() - 1).type());
    }
    if (type instanceof SelectedType selected) {
      return selected.union().hasDefault()
          || selected.union().cases().stream().anyMatch(c -> openEnded(c.struct()));
    }
    return false;
  }

  /** How a string, bytes or list knows where it ends; empty for every other type. */
  static Optional<Size> sizeOf(FieldType type) {
    if (type instanceof StringType s) {
      return Optional.of(s.size());
    } else if (type instanceof BytesType b) {
      return Optional.of(b.size());
    } else if (type instanceof ListType l) {
      return Optional.of(l.count());
    } else if (type instanceof SizedType s) {
      return Optional.of(s.size());
    }
    return Optional.empty();
  }
}
