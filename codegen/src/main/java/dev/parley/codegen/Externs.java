package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import dev.parley.spec.Composite;
import dev.parley.spec.ExternType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.ListType;
import dev.parley.spec.NullableType;
import dev.parley.spec.SelectedType;
import dev.parley.spec.SizedType;
import dev.parley.spec.StructType;
import dev.parley.spec.UnionCase;
import dev.parley.spec.UnionType;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Extern types in generated code (SPEC.md 13.13): the codec each record that reads or writes one
 * holds as a constant, and which decoders need the origin of the message, the index its codecs
 * count back-references from, which a decoder passes on to the structs and unions it reads.
 */
final class Externs {

  /**
   * The tag under which a decoder's {@code NameAllocator} holds the name of the local or
   * parameter with the origin: {@code origin}, unless a field takes that name.
   */
  static final Object ORIGIN = new Object();

  private final Map<FieldType, Boolean> needs = new IdentityHashMap<>();

  /** Whether a decoder of {@code type} reads an extern value, at any depth, and so needs the origin. */
  boolean needsOrigin(FieldType type) {
    if (type instanceof ExternType) {
      return true;
    } else if (type instanceof ListType list) {
      return needsOrigin(list.element());
    } else if (type instanceof NullableType nullable) {
      return needsOrigin(nullable.inner());
    } else if (type instanceof SizedType sized) {
      return needsOrigin(sized.inner());
    } else if (type instanceof SelectedType selected) {
      return needsOrigin(selected.union());
    }
    if (!(type instanceof StructType || type instanceof UnionType)) {
      return false;
    }
    Boolean known = needs.get(type);
    if (known == null) {
      needs.put(type, false); // the type graph is acyclic; this only guards the recursion
      boolean any = false;
      if (type instanceof StructType struct) {
        for (Field field : struct.fields()) {
          any |= needsOrigin(field.type());
        }
      } else {
        for (UnionCase c : ((UnionType) type).cases()) {
          any |= needsOrigin((FieldType) c.struct());
        }
      }
      known = any;
      needs.put(type, known);
    }
    return known;
  }

  /** Whether a decoder of {@code composite} needs the origin. */
  boolean compositeNeedsOrigin(Composite composite) {
    for (Field field : composite.fields()) {
      if (needsOrigin(field.type())) {
        return true;
      }
    }
    return false;
  }

  /** The extern types whose values {@code composite}'s own code reads, writes or checks. */
  static Set<ExternType> used(Composite composite) {
    Set<ExternType> used = new LinkedHashSet<>();
    for (Field field : composite.fields()) {
      collect(field.type(), used);
    }
    return used;
  }

  private static void collect(FieldType type, Set<ExternType> into) {
    if (type instanceof ExternType extern) {
      into.add(extern);
    } else if (type instanceof ListType list) {
      collect(list.element(), into);
    } else if (type instanceof NullableType nullable) {
      collect(nullable.inner(), into);
    }
  }

  /** The constant that holds an extern type's codec: {@code DNS_NAME_CODEC}. */
  static String codecConstant(ExternType extern) {
    return extern.name().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "_CODEC";
  }

  /** {@code private static final DnsNameCodec DNS_NAME_CODEC = new DnsNameCodec();}. */
  static FieldSpec codecField(ExternType extern) {
    ClassName codec = ClassName.bestGuess(extern.codec());
    return FieldSpec.builder(codec, codecConstant(extern), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("new $T()", codec)
        .build();
  }
}
