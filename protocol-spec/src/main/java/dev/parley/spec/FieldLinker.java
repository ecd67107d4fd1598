package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.AnnotationElement;
import dev.parley.spec.Element.BytesTypeElement;
import dev.parley.spec.Element.ConstElement;
import dev.parley.spec.Element.FieldElement;
import dev.parley.spec.Element.FixedBytesTypeElement;
import dev.parley.spec.Element.ListTypeElement;
import dev.parley.spec.Element.NamedTypeElement;
import dev.parley.spec.Element.StringTypeElement;
import dev.parley.spec.Element.TypeElement;
import dev.parley.spec.Element.ValueElement;
import dev.parley.spec.Element.Word;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Links fields and constants: resolves their types, checks names against the Java mapping and the
 * {@code @since} rules of evolution. {@link ValueLinker} checks the values of defaults and
 * constants against their types.
 */
final class FieldLinker {

  private final Reporter reporter;
  private final Linker linker;
  private final ValueLinker values;

  FieldLinker(Reporter reporter, Linker linker) {
    this.reporter = reporter;
    this.linker = linker;
    this.values = new ValueLinker(reporter);
  }

  /** The type names a type element mentions, including those inside lists. */
  static List<String> namedTypes(TypeElement type) {
    List<String> names = new ArrayList<>();
    TypeElement t = type;
    while (t instanceof ListTypeElement list) {
      t = list.element();
    }
    if (t instanceof NamedTypeElement named) {
      names.add(named.name());
    }
    return names;
  }

  // ---- Fields ---------------------------------------------------------------------------------

  /** The linked fields of a struct ({@code inMessage} false) or message, skipping broken ones. */
  ImmutableList<Field> fields(Linker.Unit unit, List<FieldElement> elements, boolean inMessage) {
    ImmutableList.Builder<Field> out = ImmutableList.builder();
    Map<String, FieldElement> names = new HashMap<>();
    Map<String, FieldElement> javaNames = new HashMap<>();
    FieldElement lastSinceField = null;
    int lastSince = 1;
    for (FieldElement element : elements) {
      String name = element.name().text();
      FieldElement first = names.putIfAbsent(name, element);
      if (first != null) {
        reporter.error(element.location(), "duplicate field '" + name + "' (first declared at "
            + Linker.at(first.location()) + ")");
      } else if (checkFieldName(reporter, name, element.location(), "field")) {
        String javaName = JavaNames.fieldName(name);
        FieldElement clash = javaNames.putIfAbsent(javaName, element);
        if (clash != null) {
          reporter.error(element.location(), "field '" + name + "' and field '"
              + clash.name().text() + "' (" + Linker.at(clash.location())
              + ") both map to Java name '" + javaName + "'");
        }
      }
      int since = since(element, inMessage);
      if (since > 1) {
        if (since < lastSince) {
          reporter.error(element.location(), "@since(" + since + ") field '" + name
              + "' follows @since(" + lastSince + ") field '" + lastSinceField.name().text() + "' ("
              + Linker.at(lastSinceField.location()) + "): @since versions must not decrease");
        }
        if (since >= lastSince) {
          lastSince = since;
          lastSinceField = element;
        }
      } else if (lastSinceField != null) {
        reporter.error(element.location(), "field '" + name + "' has no @since but follows @since("
            + lastSince + ") field '" + lastSinceField.name().text() + "' ("
            + Linker.at(lastSinceField.location()) + "): fields added in later versions go last");
      }
      Optional<FieldType> type = type(unit, element.type());
      if (type.isEmpty()) {
        continue;
      }
      Optional<Value> defaultValue = defaultValue(unit, element, type.get(), since);
      out.add(new Field(name, type.get(), element.optional(), since, defaultValue, element.doc(),
          element.location()));
    }
    return out.build();
  }

  /**
   * Reports a field name that cannot name a record component; {@code what} says which kind of
   * field, {@code field} or {@code header field}.
   */
  static boolean checkFieldName(Reporter reporter, String name, SourceLocation at, String what) {
    if (!Character.isLowerCase(name.charAt(0))) {
      reporter.error(at, what + " name '" + name + "' must start with a lower-case letter");
      return false;
    }
    if (name.endsWith("_") || name.contains("__")) {
      reporter.error(at, what + " name '" + name + "' must not end with '_' or contain '__'");
      return false;
    }
    String javaName = JavaNames.fieldName(name);
    if (JavaNames.isKeyword(javaName)) {
      reporter.error(at, what + " name '" + name + "' is a Java keyword");
      return false;
    }
    if (JavaNames.isReservedMemberName(javaName)) {
      reporter.error(at, what + " name '" + name + "' maps to '" + javaName
          + "', which generated records reserve for their own members");
      return false;
    }
    return true;
  }

  /** The field's version: 1, or the n of its {@code @since(n)}. Reports misused annotations. */
  private int since(FieldElement element, boolean inMessage) {
    int since = 1;
    boolean seen = false;
    for (AnnotationElement annotation : element.annotations()) {
      String name = annotation.name().text();
      if (!name.equals("since")) {
        reporter.error(annotation.location(), "unknown annotation '@" + name + "' (known: @since)");
        continue;
      }
      if (seen) {
        reporter.error(annotation.location(), "duplicate @since on field '" + element.name().text() + "'");
        continue;
      }
      seen = true;
      if (!inMessage) {
        reporter.error(annotation.location(),
            "@since is only allowed on message fields: structs never evolve");
        continue;
      }
      if (annotation.argument().isEmpty()) {
        reporter.error(annotation.location(), "@since needs the version that added the field: @since(2)");
        continue;
      }
      if (annotation.argument().get().character()) {
        Linker.refuseCharacter(reporter, annotation.argument().get(), "a @since version");
        continue;
      }
      BigInteger version = annotation.argument().get().value();
      if (version.compareTo(BigInteger.TWO) < 0 || version.bitLength() > 31) {
        reporter.error(annotation.argument().get().location(), "@since version " + version
            + " is out of range: fields without @since are version 1, so later fields say 2 or more");
        continue;
      }
      since = version.intValueExact();
    }
    return since;
  }

  private Optional<Value> defaultValue(Linker.Unit unit, FieldElement element, FieldType type,
      int since) {
    String name = element.name().text();
    if (element.defaultValue().isEmpty()) {
      if (since > 1 && !element.optional()) {
        boolean takesDefault = !(type instanceof StructType || type instanceof FixedBytesType);
        reporter.error(element.location(), "field '" + name + "' was added in version " + since
            + " and needs a value for frames from older writers: " + (takesDefault
                ? "add '= value' or make it optional"
                : "make it optional (a " + type.displayName() + " takes no default)"));
      }
      return Optional.empty();
    }
    ValueElement value = element.defaultValue().get();
    if (element.optional()) {
      reporter.error(value.location(),
          "optional field '" + name + "' cannot have a default: it is absent when not sent");
      return Optional.empty();
    }
    if (since == 1) {
      reporter.error(value.location(), "field '" + name + "' has a default but no @since: a default"
          + " is what a reader gives a field that older writers did not send");
      return Optional.empty();
    }
    return values.value(value, type, "default of field '" + name + "'");
  }

  // ---- Types ----------------------------------------------------------------------------------

  Optional<FieldType> type(Linker.Unit unit, TypeElement element) {
    if (element instanceof StringTypeElement string) {
      return width(string.width(), "string length").map(StringType::new);
    } else if (element instanceof BytesTypeElement bytes) {
      return width(bytes.width(), "bytes length").map(BytesType::new);
    } else if (element instanceof FixedBytesTypeElement fixed) {
      if (fixed.size().character()) {
        Linker.refuseCharacter(reporter, fixed.size(), "a bytes[N] size");
        return Optional.empty();
      }
      BigInteger size = fixed.size().value();
      long max = unit.options.maxFrameLength();
      if (size.signum() <= 0 || size.compareTo(BigInteger.valueOf(max)) > 0) {
        reporter.error(fixed.size().location(), "bytes[" + size + "] size must be from 1 to "
            + "max_frame_length (" + max + ")");
        return Optional.empty();
      }
      return Optional.of(new FixedBytesType(size.intValueExact()));
    } else if (element instanceof ListTypeElement list) {
      Optional<FieldType> elementType = type(unit, list.element());
      Optional<PrefixWidth> count = width(list.width(), "list count");
      if (elementType.isPresent() && elementType.get().minimumSize() == 0) {
        // A decoder bounds a count by the bytes left; an element of no bytes defeats that bound.
        reporter.error(list.element().location(), "list element type "
            + elementType.get().displayName() + " takes no bytes on the wire, so a count alone"
            + " could claim billions of elements; give it a field");
        return Optional.empty();
      }
      return elementType.isPresent() && count.isPresent()
          ? Optional.of(new ListType(elementType.get(), count.get()))
          : Optional.empty();
    }
    NamedTypeElement named = (NamedTypeElement) element;
    Optional<PrimitiveType> primitive = PrimitiveType.forKeyword(named.name());
    if (primitive.isPresent()) {
      return Optional.of(primitive.get());
    }
    Linker.Resolution resolution = linker.resolve(unit, named.name());
    if (resolution instanceof Linker.Resolution.Found found) {
      Element.DeclarationElement d = found.declared().element();
      if (d instanceof Element.MessageElement) {
        reporter.error(named.location(), "message '" + named.name() + "' cannot be a field type:"
            + " a message is a whole frame; declare a struct for the shared fields");
        return Optional.empty();
      }
      if (d instanceof ConstElement) {
        reporter.error(named.location(), "'" + named.name() + "' is a constant, not a type");
        return Optional.empty();
      }
      // Structs in a cycle are never linked; their cycle is already reported.
      return linker.linked(d).map(FieldType.class::cast);
    } else if (resolution instanceof Linker.Resolution.NotImported notImported) {
      reporter.error(named.location(), "type '" + named.name() + "' is declared in "
          + notImported.declared().unit().file + ", which this file does not import");
    } else if (resolution instanceof Linker.Resolution.Ambiguous ambiguous) {
      reporter.error(named.location(), "ambiguous type '" + named.name() + "': "
          + ambiguous.candidates().stream()
              .map(c -> c.qualifiedName() + " (" + c.location() + ")")
              .collect(Collectors.joining(" or "))
          + "; use the qualified name");
    } else {
      reporter.error(named.location(), "unknown type '" + named.name() + "'"
          + suggestion(named.name(), linker.visibleNames(unit)));
    }
    return Optional.empty();
  }

  private Optional<PrefixWidth> width(Optional<Word> written, String what) {
    if (written.isEmpty()) {
      return Optional.of(PrefixWidth.U16);
    }
    Optional<PrefixWidth> width = PrefixWidth.forKeyword(written.get().text());
    if (width.isEmpty()) {
      reporter.error(written.get().location(), what + " prefix must be u8, u16 or u32, not '"
          + written.get().text() + "'");
    }
    return width;
  }

  private static String suggestion(String name, List<String> candidates) {
    String best = null;
    int bestDistance = name.length() <= 3 ? 1 : 2;
    for (String candidate : candidates) {
      int distance = editDistance(name, candidate, bestDistance);
      if (distance <= bestDistance && (best == null || distance < editDistance(name, best, bestDistance))) {
        best = candidate;
      }
    }
    for (PrimitiveType primitive : PrimitiveType.values()) {
      if (best == null && primitive.keyword().equalsIgnoreCase(name)) {
        best = primitive.keyword();
      }
    }
    return best == null ? "" : "; did you mean '" + best + "'?";
  }

  /** Levenshtein distance, giving up (returning limit + 1) once it must exceed {@code limit}. */
  static int editDistance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  // ---- Values ---------------------------------------------------------------------------------

  Optional<Constant> constant(Linker.Unit unit, ConstElement element) {
    Optional<FieldType> type = type(unit, element.type());
    if (type.isEmpty()) {
      return Optional.empty();
    }
    if (!(type.get() instanceof PrimitiveType || type.get() instanceof StringType)) {
      reporter.error(element.type().location(), "constant '" + element.name().text()
          + "' must have a primitive or string type, not " + type.get().displayName());
      return Optional.empty();
    }
    String name = element.name().text();
    return values.value(element.value(), type.get(), "constant '" + name + "'")
        .map(v -> new Constant(name, unit.qualify(name), type.get(), v, element.doc(),
            element.location()));
  }
}
