package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.AnnotationElement;
import dev.parley.spec.Element.BytesTypeElement;
import dev.parley.spec.Element.ConstElement;
import dev.parley.spec.Element.FieldElement;
import dev.parley.spec.Element.FixedBytesTypeElement;
import dev.parley.spec.Element.ListTypeElement;
import dev.parley.spec.Element.NamedTypeElement;
import dev.parley.spec.Element.NullableTypeElement;
import dev.parley.spec.Element.SizeElement;
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
  private final BuiltinTypes builtins;

  FieldLinker(Reporter reporter, Linker linker) {
    this.reporter = reporter;
    this.linker = linker;
    this.values = new ValueLinker(reporter);
    this.builtins = new BuiltinTypes(reporter);
  }

  /** The type names a type element mentions, including those inside lists. */
  static List<String> namedTypes(TypeElement type) {
    List<String> names = new ArrayList<>();
    TypeElement t = type;
    while (t instanceof ListTypeElement || t instanceof NullableTypeElement) {
      t = t instanceof ListTypeElement list ? list.element() : ((NullableTypeElement) t).inner();
    }
    if (t instanceof NamedTypeElement named) {
      names.add(named.name());
    }
    return names;
  }

  // ---- Fields ---------------------------------------------------------------------------------

  /** The linked fields of a struct ({@code inMessage} false) or message, skipping broken ones. */
  ImmutableList<Field> fields(Linker.Unit unit, List<FieldElement> elements, boolean inMessage) {
    return fields(unit, elements, inMessage, List.of());
  }

  /**
   * The linked fields of a message, whose sizes may also be kept in {@code header}, the application
   * fields of the file's declared frame.
   */
  ImmutableList<Field> fields(Linker.Unit unit, List<FieldElement> elements, boolean inMessage,
      List<Field> header) {
    ImmutableList.Builder<Field> out = ImmutableList.builder();
    Map<String, FieldElement> names = new HashMap<>();
    Map<String, FieldElement> javaNames = new HashMap<>();
    FieldElement lastSinceField = null;
    int lastSince = 1;
    Map<String, Field> earlier = new HashMap<>();
    java.util.Set<String> headerNames = new java.util.HashSet<>();
    for (Field field : header) {
      earlier.put(field.name(), field);
      headerNames.add(field.name());
    }
    List<Field> linked = new ArrayList<>();
    // Every name, so that a size naming a later field is told it comes too late, not that it is unknown.
    java.util.Set<String> declared = new java.util.HashSet<>();
    for (FieldElement element : elements) {
      declared.add(element.name().text());
    }
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
      Optional<FieldType> type = type(unit, element.type(), new Place(earlier, declared, name, false, headerNames));
      if (type.isEmpty()) {
        continue;
      }
      if (element.optional() && type.get() instanceof NullableType) {
        reporter.error(element.location(), "field '" + name + "' is optional and nullable: choose"
            + " one, a presence byte or a -1 length");
        continue;
      }
      Optional<Value> defaultValue = defaultValue(unit, element, type.get(), since);
      Field field = new Field(name, type.get(), element.optional(), since, defaultValue, element.doc(),
          element.location());
      earlier.putIfAbsent(name, field);
      linked.add(field);
    }
    checkSizes(linked, inMessage, header);
    builtins.checkChecksums(unit, linked, inMessage);
    return out.addAll(linked).build();
  }

  /**
   * A field whose value runs to the end of the frame (SPEC.md 13.4) is the last field: of a
   * message, or of a struct, which then runs to the end itself and is held to the same rule where
   * it is used. Inside a sized struct or union the end is the end of its bytes.
   */
  private void checkOpenEnded(List<Field> fields, int i, boolean inMessage) {
    Field field = fields.get(i);
    if (!Composite.openEnded(field.type())) {
      return;
    }
    String what = "field '" + field.name() + "' takes the rest of the frame";
    if (i < fields.size() - 1) {
      reporter.error(field.location(), what + ", so it must be the last field of its "
          + (inMessage ? "message" : "struct") + ", but field '" + fields.get(i + 1).name() + "' follows it"
          + (Composite.selection(field.type()).isPresent()
              ? "; or give the union a length: " + field.type().displayName().replace(">", ", LENGTH_FIELD>")
              : ""));
    } else if (field.optional() || field.since() > 1) {
      reporter.error(field.location(), what + ", so it cannot be " + (field.optional()
          ? "optional: nothing would tell its presence"
          : "@since: an older writer's frame and an empty value would look the same"));
    }
  }

  /**
   * Where a type is written, for the sizes that depend on it: a field's own type sees the fields
   * before it ({@code earlier}) and knows the names of all fields of its struct or message
   * ({@code declared}); a type inside another (a list's element, a nullable's inner type) is
   * {@code nested}, and may take no size from them, which its diagnostics say; a constant's type
   * has no fields around it.
   *
   * @param field the name of the field whose type this is, or empty for a constant
   */
  record Place(Map<String, Field> earlier, java.util.Set<String> declared, String field, boolean nested,
      java.util.Set<String> header) {
    static final Place CONSTANT = new Place(Map.of(), java.util.Set.of(), "", true, java.util.Set.of());

    /** The place of a type inside this one's: a list's element, a nullable's inner type. */
    Place inside() {
      return new Place(earlier, declared, field, true, header);
    }
  }

  /**
   * The rules of sizes that concern more than one field (SPEC.md 13.3, 13.4): a size field holds
   * one size, is an ordinary field of version 1, and so is what it sizes; {@code rest} is only the
   * last field of a message.
   */
  private void checkSizes(List<Field> fields, boolean inMessage, List<Field> header) {
    Map<String, Field> sizeUsers = new HashMap<>();
    Map<String, Field> selectors = new HashMap<>();
    Map<String, Field> byName = new HashMap<>();
    for (Field field : header) {
      byName.put(field.name(), field);
    }
    for (Field field : fields) {
      byName.putIfAbsent(field.name(), field);
    }
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      checkOpenEnded(fields, i, inMessage);
      Optional<SelectedType> selection = Composite.selection(field.type());
      if (selection.isPresent()) {
        Field first = selectors.putIfAbsent(selection.get().selector(), field);
        if (first != null) {
          reporter.error(field.location(), "field '" + selection.get().selector() + "' already selects the"
              + " case of '" + first.name() + "' (" + Linker.at(first.location()) + "); one field selects one union");
        }
        if (field.optional() || field.since() > 1) {
          reporter.error(field.location(), "field '" + field.name() + "' is a union selected by '"
              + selection.get().selector() + "', so it cannot be " + (field.optional() ? "optional" : "@since"));
        }
      }
      Optional<Size> size = Composite.sizeOf(field.type());
      if (size.isEmpty()) {
        continue;
      }
      if (size.get() instanceof Size.FieldRef ref) {
        Field sizeField = byName.get(ref.field());
        Field first = sizeUsers.putIfAbsent(ref.field(), field);
        if (first != null) {
          reporter.error(field.location(), "field '" + ref.field() + "' already holds the size of '"
              + first.name() + "' (" + Linker.at(first.location()) + "); one field holds one size");
        }
        if (field.optional() || field.since() > 1) {
          reporter.error(field.location(), "field '" + field.name() + "' takes its size from '"
              + ref.field() + "', so it cannot be " + (field.optional() ? "optional" : "@since")
              + ": the size is sent whether or not the field is");
        }
        if (sizeField != null && (sizeField.optional() || sizeField.since() > 1)) {
          reporter.error(sizeField.location(), "field '" + sizeField.name() + "' holds the size of '"
              + field.name() + "', so it cannot be " + (sizeField.optional() ? "optional" : "@since"));
        }
      }
    }
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
    if (type instanceof ChecksumType) {
      // The encoder computes a checksum; checkChecksums reports an optional or @since one.
      element.defaultValue().ifPresent(v -> reporter.error(v.location(), "checksum '" + name
          + "' cannot have a default: the encoder computes it"));
      return Optional.empty();
    }
    if (element.defaultValue().isEmpty()) {
      if (since > 1 && !element.optional() && !(type instanceof NullableType)) {
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
    if (type instanceof NullableType) {
      reporter.error(value.location(),
          "nullable field '" + name + "' cannot have a default: it is null when not sent");
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
    return type(unit, element, Place.CONSTANT);
  }

  private Optional<FieldType> type(Linker.Unit unit, TypeElement element, Place place) {
    if (element instanceof StringTypeElement string) {
      return size(string.size(), "string", Optional.empty(), place).map(StringType::new);
    } else if (element instanceof BytesTypeElement bytes) {
      return size(bytes.size(), "bytes", Optional.empty(), place).map(BytesType::new);
    } else if (element instanceof NullableTypeElement nullable) {
      return nullable(unit, nullable, place.inside());
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
      Optional<FieldType> elementType = type(unit, list.element(), place.inside());
      if (elementType.isPresent() && elementType.get().minimumSize() == 0) {
        // A decoder bounds a count by the bytes left; an element of no bytes defeats that bound.
        reporter.error(list.element().location(), "list element type "
            + elementType.get().displayName() + " takes no bytes on the wire, so a count alone"
            + " could claim billions of elements; give it a field");
        return Optional.empty();
      }
      if (elementType.isEmpty()) {
        return Optional.empty();
      }
      if (Composite.openEnded(elementType.get())) {
        reporter.error(list.element().location(), "list element type " + elementType.get().displayName()
            + " runs to the end of the frame, so a list cannot hold more than one; give it a length");
        return Optional.empty();
      }
      return size(list.count(), "list", elementType, place).map(c -> new ListType(elementType.get(), c));
    }
    NamedTypeElement named = (NamedTypeElement) element;
    Optional<Optional<FieldType>> builtin = builtin(named, place);
    if (builtin.isPresent()) {
      return builtin.get();
    }
    Optional<PrimitiveType> primitive = PrimitiveType.forKeyword(named.name());
    if (primitive.isPresent()) {
      return noArguments(named, primitive.get());
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
      Optional<FieldType> declared = linker.linked(d).map(FieldType.class::cast);
      if (declared.isPresent() && declared.get() instanceof UnionType union && named.arguments().isEmpty()) {
        reporter.error(named.location(), "union '" + union.name() + "' needs the earlier field that selects"
            + " its case, as in " + union.name() + "<code>");
        return Optional.empty();
      }
      if (declared.isEmpty() || named.arguments().isEmpty()) {
        return declared;
      }
      return withArguments(named, declared.get(), place);
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

  /**
   * What a string ({@code kind} {@code "string"}), bytes or list says between its angle brackets
   * about where it ends; {@code element} is a list's element type.
   */
  private Optional<Size> size(Optional<SizeElement> written, String kind,
      Optional<FieldType> element, Place place) {
    if (written.isEmpty()) {
      return Optional.of(new Size.Prefix(PrefixWidth.U16));
    }
    SizeElement size = written.get();
    String word = size.word().text();
    if (size.argument().isPresent() || word.equals("varint") || word.equals("zigzag")) {
      Optional<Optional<Size>> varint = builtins.varintSize(size, kind, place);
      if (varint.isPresent()) {
        return varint.get();
      }
    }
    Optional<PrefixWidth> width = PrefixWidth.forKeyword(word);
    if (width.isPresent()) {
      return Optional.of(new Size.Prefix(width.get()));
    }
    SourceLocation at = size.word().location();
    switch (word) {
      case "nul" -> {
        if (!kind.equals("string")) {
          reporter.error(at, kind.equals("list")
              ? "a list cannot end at a NUL: only a string's bytes exclude 0x00; give it a count, or a"
                  + " sentinel: list<T, until VALUE>"
              : "bytes cannot end at a NUL: only a string's bytes exclude 0x00; give it a length");
          return Optional.empty();
        }
        return Optional.of(new Size.Terminated());
      }
      case "rest" -> {
        if (place.nested()) {
          reporter.error(at, kind + "<rest> takes the rest of the frame, so it is only the type of a"
              + " message's last field, not " + (place.field().isEmpty() ? "a constant's"
                  : "a list's element or a nullable's"));
          return Optional.empty();
        }
        return Optional.of(new Size.Rest());
      }
      case "until" -> {
        if (element.isEmpty()) {
          reporter.error(at, "only a list ends at a sentinel; " + (kind.equals("string")
              ? "a string needs a length, or nul" : "bytes need a length"));
          return Optional.empty();
        }
        return until(size, element.get());
      }
      default -> {
        return fieldRef(size.word(), kind, place);
      }
    }
  }

  /**
   * The types the language builds in under a name that takes angle brackets: varints and
   * checksums. Empty when {@code named} names none of them; else the type, or empty after an error.
   */
  private Optional<Optional<FieldType>> builtin(NamedTypeElement named, Place place) {
    return builtins.type(named, place);
  }

  /** A type that takes nothing in angle brackets, or an error if it was given something. */
  private Optional<FieldType> noArguments(NamedTypeElement named, FieldType type) {
    if (named.arguments().isEmpty()) {
      return Optional.of(type);
    }
    reporter.error(named.arguments().get(0).location(), type.displayName() + " takes nothing in angle"
        + " brackets");
    return Optional.empty();
  }

  /**
   * A declared type with angle brackets: a struct or union with the field that holds its byte
   * length, a union with the field that selects its case.
   */
  private Optional<FieldType> withArguments(NamedTypeElement named, FieldType type, Place place) {
    List<SizeElement> arguments = named.arguments();
    if (type instanceof StructType struct) {
      if (arguments.size() > 1) {
        reporter.error(arguments.get(1).location(), "struct " + struct.name() + " takes one field in angle"
            + " brackets, the one that holds its byte length");
        return Optional.empty();
      }
      return sizeRef(arguments.get(0), "struct", place).map(ref -> new SizedType(struct, ref));
    }
    if (!(type instanceof UnionType union)) {
      return noArguments(named, type);
    }
    Optional<SelectedType> selected = selectorRef(arguments.get(0), union, place);
    if (selected.isEmpty() || arguments.size() == 1) {
      return selected.map(FieldType.class::cast);
    }
    return sizeRef(arguments.get(1), "union", place).map(ref -> new SizedType(selected.get(), ref));
  }

  /** The field that holds a struct's or union's byte length. */
  private Optional<Size.FieldRef> sizeRef(SizeElement argument, String kind, Place place) {
    if (argument.value().isPresent() || argument.argument().isPresent()) {
      reporter.error(argument.location(), "a " + kind + "'s length is the name of an earlier field");
      return Optional.empty();
    }
    return fieldRef(argument.word(), kind, place)
        .flatMap(s -> s instanceof Size.FieldRef ref ? Optional.of(ref) : Optional.empty());
  }

  /** The earlier field that selects a union's case: of the union's selector type. */
  private Optional<SelectedType> selectorRef(SizeElement argument, UnionType union, Place place) {
    String name = argument.word().text();
    if (argument.value().isPresent() || argument.argument().isPresent() || place.nested()) {
      reporter.error(argument.location(), "union " + union.name() + " takes the name of an earlier field"
          + " that selects its case" + (place.nested() ? ", so it is only a field's own type" : ""));
      return Optional.empty();
    }
    Field field = place.earlier().get(name);
    if (field == null) {
      reporter.error(argument.location(), place.declared().contains(name)
          ? "the selector of a union must come before it, and field '" + name + "' does not"
          : "unknown selector '" + name + "' of union " + union.name() + ": expected an earlier field of"
              + " the same struct or message");
      return Optional.empty();
    }
    if (!field.type().equals(union.selector())) {
      reporter.error(argument.location(), "field '" + name + "' is " + field.type().displayName()
          + ", but union " + union.name() + " is selected by " + union.selector().displayName());
      return Optional.empty();
    }
    if (field.optional() || field.since() > 1) {
      reporter.error(argument.location(), "field '" + name + "' selects union " + union.name()
          + ", so it cannot be " + (field.optional() ? "optional" : "@since"));
      return Optional.empty();
    }
    return Optional.of(new SelectedType(union, name, place.header().contains(name)));
  }

  /** A list's sentinel: a value of its element type, or of a struct element's first field. */
  private Optional<Size> until(SizeElement size, FieldType element) {
    if (size.value().isEmpty()) {
      reporter.error(size.word().location(), "'until' needs the value that ends the list, as in"
          + " list<Param, until \"\">");
      return Optional.empty();
    }
    FieldType compared = element;
    String what = "element";
    if (element instanceof StructType struct) {
      Field first = struct.fields().get(0);
      compared = first.type();
      what = "first field '" + first.name() + "' of " + struct.name();
      // The sentinel is compared with the element's first bytes and with the record's first
      // component: an optional field starts with its presence byte, and a size field is no component.
      if (first.optional()) {
        reporter.error(size.word().location(), "a list ends at a value of its " + what + ", which is"
            + " optional: its first byte is a presence byte, not its value; put a field that is always"
            + " sent first");
        return Optional.empty();
      }
      Optional<Field> sized = struct.sized(first);
      if (sized.isPresent()) {
        reporter.error(size.word().location(), "a list ends at a value of its " + what + ", which"
            + " holds the size of '" + sized.get().name() + "' and is no component of " + struct.name()
            + "; put a field that holds its own value first");
        return Optional.empty();
      }
    }
    boolean comparable = (compared instanceof PrimitiveType p && p.isInteger())
        || compared instanceof EnumType
        || (compared instanceof StringType s
            && (s.size() instanceof Size.Prefix || s.size() instanceof Size.Terminated));
    if (!comparable) {
      reporter.error(size.word().location(), "a list ends at a value of its " + what + ", which is "
          + compared.displayName() + "; a sentinel must be an integer, an enum or a string with a"
          + " length or nul");
      return Optional.empty();
    }
    FieldType type = compared;
    String sentinel = element instanceof StructType ? "sentinel of the list (" + what + ")" : "sentinel of the list";
    return values.value(size.value().get(), compared, sentinel)
        .map(v -> new Size.Until(v, type));
  }

  /** A size kept in an earlier field of the same struct or message. */
  private Optional<Size> fieldRef(Word name, String kind, Place place) {
    String what = kind.equals("list") ? "count" : "length";
    String noun = kind.equals("bytes") ? "bytes" : "a " + kind;
    boolean isField = place.declared().contains(name.text());
    if (place.nested()) {
      reporter.error(name.location(), isField
          ? noun + " inside a list or a nullable cannot take its " + what + " from field '" + name.text()
              + "': a size kept in a field is only for a field's own type"
          : "unknown " + kind + " " + what + " '" + name.text() + "': expected u8, u16, u32, i8, i16, i32"
              + (kind.equals("string") ? ", nul" : "") + (kind.equals("list") ? ", until VALUE" : "")
              + " (a size kept in a field is only for a field's own type)");
      return Optional.empty();
    }
    Field field = place.earlier().get(name.text());
    if (field == null) {
      reporter.error(name.location(), name.text().equals(place.field())
          ? "field '" + name.text() + "' cannot hold its own " + what + ": name an earlier field that holds it"
          : isField
          ? "the " + what + " of " + noun + " must come before it, and field '" + name.text()
              + "' does not"
          : "unknown " + kind + " " + what + " '" + name.text() + "': expected u8, u16, u32, i8, i16,"
              + " i32, " + (kind.equals("string") ? "nul, " : "") + "rest, "
              + (kind.equals("list") ? "until VALUE, " : "") + "or the name of an earlier field");
      return Optional.empty();
    }
    if (!(field.type() instanceof PrimitiveType p) || !p.isInteger() || p.size() > 4) {
      reporter.error(name.location(), "field '" + name.text() + "' is " + field.type().displayName()
          + ", so it cannot hold a " + what + ": a size field is an integer of at most 32 bits");
      return Optional.empty();
    }
    return Optional.of(new Size.FieldRef(name.text(), p, place.header().contains(name.text())));
  }

  /** {@code nullable T}: a string, bytes or list with a signed prefix, whose −1 is null. */
  private Optional<FieldType> nullable(Linker.Unit unit, NullableTypeElement element, Place place) {
    Optional<FieldType> inner = type(unit, element.inner(), place);
    if (inner.isEmpty()) {
      return inner;
    }
    Optional<Size> size = Composite.sizeOf(inner.get());
    if (size.isEmpty() || !(size.get() instanceof Size.Prefix prefix) || !prefix.width().signed()) {
      reporter.error(element.inner().location(), "nullable needs a string, bytes or list with a"
          + " signed length, whose -1 is the null, as in nullable bytes<i32>; not "
          + inner.get().displayName());
      return Optional.empty();
    }
    return Optional.of(new NullableType(inner.get()));
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
