package dev.parley.spec.compat;

import dev.parley.spec.BitField;
import dev.parley.spec.BitsType;
import dev.parley.spec.Composite;
import dev.parley.spec.SelectedType;
import dev.parley.spec.SizedType;
import dev.parley.spec.UnionCase;
import dev.parley.spec.UnionType;
import java.util.Optional;
import dev.parley.spec.Declaration;
import dev.parley.spec.EnumConstant;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FixedBytesType;
import dev.parley.spec.FlagsType;
import dev.parley.spec.ListType;
import dev.parley.spec.NullableType;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.Size;
import dev.parley.spec.StructType;
import dev.parley.spec.VarintType;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** How the types of a field in two versions compare, and how to name them in a message. */
final class Types {

  /** What a reader of one version makes of bytes written for a type of the other. */
  enum Match {
    /** The same type. */
    SAME,
    /** Different named types (a renamed struct, enum or flags type) with the same bytes. */
    SAME_BYTES,
    /** Different bytes. */
    DIFFERENT
  }

  private Types() {}

  /**
   * Compares two fields' types by structure: prefixes, widths, sizes, list elements and optional
   * presence bytes. A struct, enum or flags type that is one declaration in both versions counts
   * as the same here: its own comparison reports what changed inside it, once, however many
   * fields use it. Two different declarations are compared by what they put on the wire.
   */
  static Match compare(Field oldField, Field newField, Correspondence names) {
    return oldField.optional() != newField.optional()
        ? Match.DIFFERENT : compare(oldField.type(), newField.type(), names);
  }

  static Match compare(FieldType oldType, FieldType newType, Correspondence names) {
    if (oldType instanceof ListType o) {
      if (!(newType instanceof ListType n) || !sameSize(o.count(), n.count(), names)) {
        return Match.DIFFERENT;
      }
      return compare(o.element(), n.element(), names);
    }
    if (oldType instanceof NullableType o) {
      return newType instanceof NullableType n ? compare(o.inner(), n.inner(), names) : Match.DIFFERENT;
    }
    if (oldType instanceof StructType o && newType instanceof StructType n) {
      return names.same(o, n) ? Match.SAME : layout(o, n, names);
    }
    if (oldType instanceof EnumType o && newType instanceof EnumType n) {
      return names.same(o, n) ? Match.SAME : o.underlying() == n.underlying()
          && values(o).equals(values(n)) ? Match.SAME_BYTES : Match.DIFFERENT;
    }
    // As for structs: one declaration in both versions is the same here, and its own comparison
    // reports what changed inside it, once.
    if (oldType instanceof BitsType o && newType instanceof BitsType n) {
      return names.same(o, n) ? Match.SAME : sameBits(o, n) ? Match.SAME_BYTES : Match.DIFFERENT;
    }
    if (oldType instanceof SelectedType o && newType instanceof SelectedType n) {
      return names.same(o.union(), n.union()) ? Match.SAME : sameUnion(o.union(), n.union(), names);
    }
    if (oldType instanceof dev.parley.spec.ExternType o && newType instanceof dev.parley.spec.ExternType n) {
      return names.same(o, n) ? Match.SAME : o.codec().equals(n.codec()) ? Match.SAME_BYTES : Match.DIFFERENT;
    }
    if (oldType instanceof SizedType o && newType instanceof SizedType n) {
      return o.size().type() == n.size().type() ? compare(o.inner(), n.inner(), names) : Match.DIFFERENT;
    }
    if (oldType instanceof FlagsType o && newType instanceof FlagsType n) {
      return names.same(o, n) ? Match.SAME : o.underlying() == n.underlying()
          && o.mask() == n.mask() ? Match.SAME_BYTES : Match.DIFFERENT;
    }
    // Primitives, strings and bytes are values: equal exactly when their widths are.
    return oldType.equals(newType) ? Match.SAME : Match.DIFFERENT;
  }

  /**
   * What stays and what changes when {@code newType} is {@code oldType} with a wider varint (SPEC.md
   * 13.8): a {@code varint<N>} or {@code zigzag<N>} of more bytes, or a string, bytes or list whose
   * varint length or count takes more. Every value the old type holds keeps its bytes, so old
   * frames read the same; a new writer's larger value is refused by an old reader. Empty when the
   * two differ otherwise, or when nothing widened.
   */
  static Optional<String> widened(FieldType oldType, FieldType newType, Correspondence names) {
    if (oldType instanceof VarintType o && newType instanceof VarintType n) {
      if (o.zigzag() != n.zigzag() || n.maxBytes() <= o.maxBytes()) {
        return Optional.empty();
      }
      String range = o.zigzag() ? "outside " + o.minValue() + " to " + o.maxValue() : "above " + o.maxValue();
      String javaType = o.isLong() == n.isLong() ? "" : "; its Java type is now long (was int)";
      return Optional.of("every old value keeps its bytes, but an old reader refuses a value " + range
          + " that a new writer sends" + javaType);
    }
    Optional<Size> oldSize = Composite.sizeOf(oldType);
    Optional<Size> newSize = Composite.sizeOf(newType);
    if (oldSize.isEmpty() || newSize.isEmpty() || oldType.getClass() != newType.getClass()) {
      return oldType instanceof NullableType o && newType instanceof NullableType n
          ? widened(o.inner(), n.inner(), names) : Optional.empty();
    }
    String what = oldType instanceof ListType ? "count" : "length";
    Optional<String> size;
    if (oldSize.get() instanceof Size.Varint o && newSize.get() instanceof Size.Varint n && n.maxBytes() > o.maxBytes()) {
      size = Optional.of("every old " + what + " keeps its bytes, but an old reader refuses a " + what
          + " above " + o.maxValue() + " that a new writer sends");
    } else if (sameSize(oldSize.get(), newSize.get(), names)) {
      size = Optional.empty();
    } else {
      return Optional.empty();
    }
    if (!(oldType instanceof ListType o) || !(newType instanceof ListType n)) {
      return size;
    }
    Match elements = compare(o.element(), n.element(), names);
    if (elements != Match.DIFFERENT) {
      return size;
    }
    Optional<String> element = widened(o.element(), n.element(), names).map(w -> "its elements: " + w);
    if (element.isEmpty()) {
      return element;
    }
    return Optional.of(size.map(w -> w + "; " + element.get()).orElse(element.get()));
  }

  /**
   * Whether two sizes find the same end in the same bytes: the same prefix width, both NUL or both
   * the rest of the frame, sizes kept in fields of the same integer type (the fields themselves
   * are compared as fields), or sentinels that are the same bytes.
   */
  private static boolean sameSize(Size oldSize, Size newSize, Correspondence names) {
    if (oldSize instanceof Size.FieldRef o && newSize instanceof Size.FieldRef n) {
      return o.type() == n.type();
    }
    if (oldSize instanceof Size.Until o && newSize instanceof Size.Until n) {
      return compare(o.type(), n.type(), names) != Match.DIFFERENT
          && Values.sameOnTheWire(o.sentinel(), n.sentinel());
    }
    return oldSize.equals(newSize);
  }

  /**
   * Two bits types read alike when their fields have the same widths in the same places and the
   * same kinds; names may differ, and an enum field compares by its values.
   */
  private static boolean sameBits(BitsType o, BitsType n) {
    if (o.underlying() != n.underlying() || o.fields().size() != n.fields().size()) {
      return false;
    }
    for (int i = 0; i < o.fields().size(); i++) {
      BitField a = o.fields().get(i);
      BitField b = n.fields().get(i);
      if (a.kind() != b.kind() || a.width() != b.width() || a.shift() != b.shift()) {
        return false;
      }
      if (a.kind() == BitField.Kind.ENUM && !values(a.enumType().get()).equals(values(b.enumType().get()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Two unions read alike when their selectors do and every case of the old one is a case of the
   * new one, of the same bytes: a case the new version adds is new bytes, which an old reader
   * keeps as its default's, or refuses without one (SPEC.md 11.2). A default both have or lack.
   */
  private static Match sameUnion(UnionType o, UnionType n, Correspondence names) {
    if (compare(o.selector(), n.selector(), names) == Match.DIFFERENT || o.hasDefault() != n.hasDefault()
        || o.cases().size() != n.cases().size()) {
      return Match.DIFFERENT;
    }
    boolean same = names.same(o, n);
    for (UnionCase c : o.cases()) {
      Optional<UnionCase> match = n.caseOf(c.value());
      if (match.isEmpty()) {
        return Match.DIFFERENT;
      }
      Match cases = compare(c.struct(), match.get().struct(), names);
      if (cases == Match.DIFFERENT) {
        return Match.DIFFERENT;
      }
      same &= cases == Match.SAME;
    }
    return same ? Match.SAME : Match.SAME_BYTES;
  }

  /** A field's type as a schema writes it, {@code optional} included. */
  static String spell(Field field, boolean qualified) {
    return (field.optional() ? "optional " : "") + spell(field.type(), qualified);
  }

  /**
   * The type as a schema writes it, named types by simple name or, for telling apart two types
   * of one simple name, by qualified name.
   */
  static String spell(FieldType type, boolean qualified) {
    if (type instanceof ListType list) {
      return "list<" + spell(list.element(), qualified)
          + (list.count().equals(new Size.Prefix(PrefixWidth.U16)) ? "" : ", " + list.count().keyword())
          + ">";
    }
    if (type instanceof NullableType nullable) {
      return "nullable " + spell(nullable.inner(), qualified);
    }
    if (qualified && type instanceof Declaration named) {
      return named.qualifiedName();
    }
    return type.displayName();
  }

  /** Whether a non-optional field of this type may have a default (SPEC.md 5.6). */
  static boolean takesDefault(FieldType type) {
    return !(type instanceof StructType || type instanceof FixedBytesType);
  }

  /**
   * Adds to {@code into} the qualified names of every struct, enum and flags type that a value
   * of {@code composite} contains, at any depth, each as {@code names} maps it.
   */
  static void reach(Composite composite, UnaryOperator<String> names, Set<String> into) {
    for (Field field : composite.fields()) {
      reach(field.type(), names, into);
    }
  }

  private static void reach(FieldType type, UnaryOperator<String> names, Set<String> into) {
    if (type instanceof ListType list) {
      reach(list.element(), names, into);
    } else if (type instanceof NullableType nullable) {
      reach(nullable.inner(), names, into);
    } else if (type instanceof SizedType sized) {
      reach(sized.inner(), names, into);
    } else if (type instanceof SelectedType selected) {
      if (into.add(names.apply(selected.union().qualifiedName()))) {
        for (UnionCase c : selected.union().cases()) {
          reach((FieldType) c.struct(), names, into);
        }
      }
    } else if (type instanceof BitsType bits) {
      into.add(names.apply(bits.qualifiedName()));
    } else if (type instanceof dev.parley.spec.ExternType extern) {
      into.add(names.apply(extern.qualifiedName()));
    } else if (type instanceof StructType struct) {
      if (into.add(names.apply(struct.qualifiedName()))) {
        reach((Composite) struct, names, into);
      }
    } else if (type instanceof EnumType e) {
      into.add(names.apply(e.qualifiedName()));
    } else if (type instanceof FlagsType f) {
      into.add(names.apply(f.qualifiedName()));
    }
  }

  /** Two structs have the same bytes when their fields do, one by one. */
  private static Match layout(StructType oldStruct, StructType newStruct, Correspondence names) {
    List<Field> o = oldStruct.fields();
    List<Field> n = newStruct.fields();
    if (o.size() != n.size()) {
      return Match.DIFFERENT;
    }
    for (int i = 0; i < o.size(); i++) {
      if (compare(o.get(i), n.get(i), names) == Match.DIFFERENT) {
        return Match.DIFFERENT;
      }
    }
    return Match.SAME_BYTES;
  }

  private static Set<Long> values(EnumType type) {
    return type.constants().stream().map(EnumConstant::value).collect(Collectors.toSet());
  }
}
