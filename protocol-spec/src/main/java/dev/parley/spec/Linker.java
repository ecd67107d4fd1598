package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.parley.spec.Element.ConstElement;
import dev.parley.spec.Element.DeclarationElement;
import dev.parley.spec.Element.EnumElement;
import dev.parley.spec.Element.FileElement;
import dev.parley.spec.Element.FlagsElement;
import dev.parley.spec.Element.IntegerLiteral;
import dev.parley.spec.Element.MessageElement;
import dev.parley.spec.Element.NameLiteral;
import dev.parley.spec.Element.OptionElement;
import dev.parley.spec.Element.StringLiteral;
import dev.parley.spec.Element.StructElement;
import dev.parley.spec.Element.Word;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns the elements of every file of a load into a {@link Schema}: resolves imports and names,
 * and runs every check of SPEC.md, reporting each problem with its location and going on, so all
 * errors of all files are reported at once. Produces a schema only when nothing was wrong.
 *
 * <p>Order of work: file headers (package, options), the names every file declares, enums and
 * flags, the graph of structs (refusing cycles), structs in dependency order, messages, constants.
 * Field-level rules live in {@link FieldLinker}.
 */
final class Linker {

  /** A file being linked: its elements and what the linker has learned about it so far. */
  static final class Unit {
    final FileElement element;
    final String file;
    final ImmutableList<Path> importPaths;
    final List<Unit> imports = new ArrayList<>();
    final Map<String, DeclarationElement> declarations = new LinkedHashMap<>();
    String packageName = "";
    FileOptions options = FileOptions.defaults();
    /** The file's frame declaration; empty for Parley's own frame. */
    Optional<FrameLayout> frame = Optional.empty();

    Unit(FileElement element, ImmutableList<Path> importPaths) {
      this.element = element;
      this.file = element.location().file();
      this.importPaths = importPaths;
    }

    String qualify(String name) {
      return packageName.isEmpty() ? name : packageName + "." + name;
    }
  }

  /** A declaration element and the unit that declares it. */
  record Declared(Unit unit, DeclarationElement element) {
    String qualifiedName() {
      return unit.qualify(element.name().text());
    }

    SourceLocation location() {
      return element.location();
    }
  }

  private final Reporter reporter;
  private final Map<Path, Unit> units;
  private final Map<String, Declared> global = new HashMap<>();
  private final Map<DeclarationElement, Declaration> linked = new IdentityHashMap<>();
  private final FieldLinker fields;
  /** Structs whose smallest value exceeds a frame, reported once. */
  private final java.util.Set<StructType> oversized =
      java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  Linker(Reporter reporter, Map<Path, Unit> units) {
    this.reporter = reporter;
    this.units = units;
    this.fields = new FieldLinker(reporter, this);
  }

  Optional<Schema> link() {
    for (Unit unit : units.values()) {
      for (Path imported : unit.importPaths) {
        Unit target = units.get(imported);
        if (target != null && !unit.imports.contains(target)) {
          unit.imports.add(target);
        }
      }
      header(unit);
    }
    declareNames();
    for (Unit unit : units.values()) {
      for (DeclarationElement d : unit.declarations.values()) {
        if (d instanceof EnumElement e) {
          linked.put(e, EnumLinker.enumType(reporter, unit, e));
        } else if (d instanceof FlagsElement f) {
          linked.put(f, EnumLinker.flagsType(reporter, unit, f));
        }
      }
    }
    BitsLinker bits = new BitsLinker(reporter, this);
    for (Unit unit : units.values()) {
      for (DeclarationElement d : unit.declarations.values()) {
        if (d instanceof Element.BitsElement b) {
          bits.bitsType(unit, b).ifPresent(type -> linked.put(b, type));
        } else if (d instanceof Element.ExternElement e) {
          externType(unit, e).ifPresent(type -> linked.put(e, type));
        }
      }
    }
    linkStructs();
    for (Unit unit : units.values()) {
      linkMessages(unit);
      for (DeclarationElement d : unit.declarations.values()) {
        if (d instanceof ConstElement c) {
          fields.constant(unit, c).ifPresent(constant -> linked.put(c, constant));
        }
      }
    }
    if (reporter.hasErrors()) {
      return Optional.empty();
    }
    ImmutableList.Builder<SchemaFile> files = ImmutableList.builder();
    for (Map.Entry<Path, Unit> entry : units.entrySet()) {
      Unit unit = entry.getValue();
      ImmutableList<Declaration> declarations = unit.element.declarations().stream()
          .map(linked::get)
          .collect(ImmutableList.toImmutableList());
      files.add(new SchemaFile(unit.element.path(), unit.packageName, unit.options, unit.frame,
          unit.imports.stream().map(u -> u.element.path()).collect(ImmutableList.toImmutableList()),
          declarations, unit.element.packages().get(0).location(), optionLocations(unit)));
    }
    return Optional.of(new Schema(files.build(), reporter.sources()));
  }

  // ---- File headers ---------------------------------------------------------------------------

  private void header(Unit unit) {
    ImmutableList<Word> packages = unit.element.packages();
    if (packages.isEmpty()) {
      reporter.error(unit.element.location(),
          "missing package declaration: every schema file says 'package name;'");
    } else {
      unit.packageName = packages.get(0).text();
      for (Word duplicate : packages.subList(1, packages.size())) {
        reporter.error(duplicate.location(),
            "duplicate package declaration (first declared at " + at(packages.get(0).location()) + ")");
      }
    }
    unit.frame = FrameLinker.link(reporter, unit.element.frames());
    unit.options = FileOptionTable.read(reporter, unit.element.options(), unit.frame,
        !unit.element.frames().isEmpty());
    if (!packages.isEmpty() && unit.options.javaPackage().isEmpty()) {
      FileOptionTable.checkJavaPackage(reporter, unit.packageName, packages.get(0).location(),
          "package '%s' is not a valid Java package (%s); set option java_package");
    }
    String prefix = JavaNames.filePrefix(unit.element.path().getFileName().toString());
    if (!JavaNames.isIdentifier(prefix) || !Character.isLetter(prefix.charAt(0))) {
      reporter.error(SourceLocation.ofFile(unit.file), "file name '"
          + unit.element.path().getFileName() + "' gives no Java class name prefix; name the file"
          + " with letters, digits, '_' or '-', starting with a letter");
    }
  }

  /** Where each option of a linked file is written: names are unique once linking succeeded. */
  private static ImmutableMap<String, SourceLocation> optionLocations(Unit unit) {
    return unit.element.options().stream()
        .collect(ImmutableMap.toImmutableMap(option -> option.name().text(), OptionElement::location));
  }

  /** A value as the schema wrote it, for a message saying what was found instead. */
  static String describe(Element.ValueElement value) {
    if (value instanceof IntegerLiteral i) {
      return i.value().toString();
    } else if (value instanceof Element.FloatLiteral f) {
      return Double.toString(f.value());
    } else if (value instanceof Element.BoolLiteral b) {
      return Boolean.toString(b.value());
    } else if (value instanceof StringLiteral s) {
      return "\"" + s.value() + "\"";
    } else if (value instanceof NameLiteral n) {
      return "'" + n.name() + "'";
    } else if (value instanceof Element.SetLiteral s) {
      return s.names().stream().map(Word::text).collect(Collectors.joining(", ", "{", "}"));
    }
    return "[]";
  }

  // ---- Names ----------------------------------------------------------------------------------

  /** What a generated Java class is generated for, to name it when another clashes with it. */
  private record JavaClassOwner(String what, SourceLocation where) {
    String describe(String fromFile) {
      return what + (where.hasPosition() ? " at " + at(where, fromFile) : "");
    }
  }

  private void declareNames() {
    Map<String, JavaClassOwner> javaClasses = new HashMap<>();
    for (Unit unit : units.values()) {
      String javaPackage = unit.options.javaPackage().orElse(unit.packageName);
      String prefix = JavaNames.filePrefix(unit.element.path().getFileName().toString());
      List<String> clashes = new ArrayList<>();
      for (GeneratedName perFile : GeneratedName.values()) {
        String javaClass = javaPackage + "." + perFile.simpleName(prefix);
        JavaClassOwner owner = javaClasses.putIfAbsent(javaClass,
            new JavaClassOwner(perFile.description() + " of " + unit.file, SourceLocation.ofFile(unit.file)));
        if (owner != null) {
          clashes.add(perFile.simpleName(prefix) + " (also " + owner.describe(unit.file) + ")");
        }
      }
      if (!clashes.isEmpty()) {
        reporter.error(unit.element.location(), "Java classes of this file clash in package "
            + javaPackage + ": " + String.join(", ", clashes)
            + "; rename the file or give it another java_package");
      }
    }
    for (Unit unit : units.values()) {
      String javaPackage = unit.options.javaPackage().orElse(unit.packageName);
      for (DeclarationElement d : unit.element.declarations()) {
        Word name = d.name();
        DeclarationElement first = unit.declarations.putIfAbsent(name.text(), d);
        if (first != null) {
          reporter.error(name.location(), "duplicate name '" + name.text()
              + "' (first declared at " + at(first.location()) + ")");
          continue;
        }
        Declared declared = new Declared(unit, d);
        Declared other = global.putIfAbsent(declared.qualifiedName(), declared);
        if (other != null) {
          reporter.error(name.location(), "'" + declared.qualifiedName() + "' is already declared at "
              + at(other.location(), unit.file));
          continue;
        }
        checkDeclarationName(d);
        if (!(d instanceof ConstElement)) {
          String javaClass = javaPackage + "." + name.text();
          JavaClassOwner owner = javaClasses.putIfAbsent(javaClass,
              new JavaClassOwner(d.kind() + " " + name.text(), name.location()));
          if (owner != null) {
            reporter.error(name.location(), "Java class " + javaClass + " is also generated for "
                + owner.describe(unit.file));
          }
        }
      }
    }
  }

  private void checkDeclarationName(DeclarationElement d) {
    String name = d.name().text();
    SourceLocation location = d.name().location();
    if (d instanceof ConstElement) {
      if (JavaNames.isKeyword(name)) {
        reporter.error(location, "constant name '" + name + "' is a Java keyword");
      }
      return;
    }
    if (!Character.isUpperCase(name.charAt(0))) {
      reporter.error(location, d.kind() + " name '" + name
          + "' must start with an upper-case letter: it names a Java type");
    }
  }

  /** What a type name in {@code unit} refers to. */
  sealed interface Resolution {
    record Found(Declared declared) implements Resolution {}

    record NotFound() implements Resolution {}

    record NotImported(Declared declared) implements Resolution {}

    record Ambiguous(List<Declared> candidates) implements Resolution {}
  }

  /**
   * Resolves a type name as SPEC.md says: a qualified name names a declaration of this file or of
   * a file it imports; a simple name is looked up in this file, then in the imported files, where
   * it must be unique.
   */
  Resolution resolve(Unit unit, String name) {
    if (name.contains(".")) {
      Declared declared = global.get(name);
      if (declared == null) {
        return new Resolution.NotFound();
      }
      return declared.unit == unit || unit.imports.contains(declared.unit)
          ? new Resolution.Found(declared)
          : new Resolution.NotImported(declared);
    }
    DeclarationElement own = unit.declarations.get(name);
    if (own != null) {
      return new Resolution.Found(new Declared(unit, own));
    }
    List<Declared> candidates = new ArrayList<>();
    for (Unit imported : unit.imports) {
      DeclarationElement d = imported.declarations.get(name);
      if (d != null) {
        candidates.add(new Declared(imported, d));
      }
    }
    if (candidates.size() == 1) {
      return new Resolution.Found(candidates.get(0));
    }
    return candidates.isEmpty() ? new Resolution.NotFound() : new Resolution.Ambiguous(candidates);
  }

  /** The names visible in {@code unit}, for "did you mean" hints. */
  List<String> visibleNames(Unit unit) {
    List<String> names = new ArrayList<>(unit.declarations.keySet());
    for (Unit imported : unit.imports) {
      names.addAll(imported.declarations.keySet());
    }
    return names;
  }

  /** The linked form of a declaration element, once linked; empty while or if it could not be. */
  Optional<Declaration> linked(DeclarationElement element) {
    return Optional.ofNullable(linked.get(element));
  }

  /** An extern type: the Java names of its values' class and its codec's, both required. */
  private Optional<ExternType> externType(Unit unit, Element.ExternElement element) {
    String name = element.name().text();
    Map<String, String> entries = new HashMap<>();
    boolean broken = false;
    for (Element.OptionElement entry : element.entries()) {
      String key = entry.name().text();
      if (!key.equals("java_type") && !key.equals("codec")) {
        reporter.error(entry.name().location(), "unknown entry '" + key + "' of extern " + name
            + " (known: java_type, codec)");
        broken = true;
      } else if (!(entry.value() instanceof Element.StringLiteral s)
          || !s.value().matches("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*")) {
        reporter.error(entry.value().location(), key + " of extern " + name + " is a Java class's binary"
            + " name in quotes, such as \"com.example.dns.DnsName\"");
        broken = true;
      } else if (entries.putIfAbsent(key, s.value()) != null) {
        reporter.error(entry.name().location(), "duplicate entry '" + key + "' of extern " + name);
        broken = true;
      }
    }
    for (String required : List.of("java_type", "codec")) {
      if (!entries.containsKey(required) && !broken) {
        reporter.error(element.location(), "extern " + name + " needs " + required + " = \"...\";");
        broken = true;
      }
    }
    return broken ? Optional.empty() : Optional.of(new ExternType(name, unit.qualify(name),
        entries.get("java_type"), entries.get("codec"), element.doc(), element.location()));
  }

  // ---- Structs --------------------------------------------------------------------------------

  private void linkStructs() {
    List<Declared> structs = new ArrayList<>();
    Map<DeclarationElement, Integer> indexOf = new IdentityHashMap<>();
    for (Unit unit : units.values()) {
      for (DeclarationElement d : unit.declarations.values()) {
        if (d instanceof StructElement || d instanceof Element.UnionElement) {
          indexOf.put(d, structs.size());
          structs.add(new Declared(unit, d));
        }
      }
    }
    List<int[]> edges = new ArrayList<>();
    for (Declared struct : structs) {
      List<Integer> targets = new ArrayList<>();
      List<Element.TypeElement> used = struct.element() instanceof Element.UnionElement union
          ? union.cases().stream().map(Element.UnionCaseElement::type).toList()
          : ((StructElement) struct.element()).fields().stream().map(Element.FieldElement::type).toList();
      for (Element.TypeElement type : used) {
        for (String name : FieldLinker.namedTypes(type)) {
          if (resolve(struct.unit(), name) instanceof Resolution.Found found) {
            Integer target = indexOf.get(found.declared().element());
            if (target != null && !targets.contains(target)) {
              targets.add(target);
            }
          }
        }
      }
      edges.add(targets.stream().mapToInt(Integer::intValue).toArray());
    }
    List<int[]> cycles = Cycles.find(structs.size(), edges);
    for (int[] component : cycles) {
      for (int v : component) {
        List<Integer> loop = Cycles.loopThrough(v, component, edges);
        String path = loop.stream().map(i -> structs.get(i).element().name().text())
            .collect(Collectors.joining(" -> "));
        Declared struct = structs.get(v);
        reporter.error(struct.location(), struct.element().kind() + " '" + struct.element().name().text()
            + "' contains itself: " + path + " (recursive types are not allowed: a decoder could"
            + " be made to nest without bound)");
      }
    }
    // Link in dependency order: a struct after every struct its fields use.
    UnionLinker unions = new UnionLinker(reporter, this);
    for (int v : Cycles.dependencyOrder(edges, cycles)) {
      Declared declared = structs.get(v);
      if (declared.element() instanceof Element.UnionElement union) {
        unions.unionType(declared.unit(), union).ifPresent(type -> linked.put(union, type));
        continue;
      }
      StructElement element = (StructElement) declared.element();
      ImmutableList<Field> linkedFields = fields.fields(declared.unit(), element.fields(), false);
      long minimum = minimumSize(linkedFields, 0);
      long max = declared.unit().options.maxFrameLength();
      StructType struct = new StructType(element.name().text(), declared.qualifiedName(),
          linkedFields, (int) Math.min(minimum, max + 1), element.doc(), element.location());
      if (minimum > max) {
        if (!holdsOversized(linkedFields)) {
          reporter.error(element.location(), "struct '" + element.name().text() + "' takes at least "
              + minimum + " bytes, more than max_frame_length " + max);
        }
        oversized.add(struct);
      }
      linked.put(element, struct);
    }
  }

  // ---- Messages -------------------------------------------------------------------------------

  private void linkMessages(Unit unit) {
    // A frame declaration that could not be read has its errors out: messages are not held to it.
    boolean unreadFrame = unit.frame.isEmpty() && !unit.element.frames().isEmpty();
    Map<BigInteger, MessageElement> ids = new HashMap<>();
    boolean typeIds = unit.frame.isEmpty() || unit.frame.get().typeId().isPresent();
    MessageElement only = null;
    for (DeclarationElement d : unit.declarations.values()) {
      if (!(d instanceof MessageElement message)) {
        continue;
      }
      int id = 0;
      if (unreadFrame) {
        // Nothing to check the id against.
      } else if (typeIds) {
        id = messageId(unit, message, ids);
      } else {
        message.id().ifPresent(written -> reporter.error(written.location(), "message '"
            + message.name().text() + "' has an id, but the frame has no type id: its one message"
            + " is written without '= id'"));
        if (only != null) {
          reporter.error(message.location(), "a frame without a type id carries one message: '"
              + message.name().text() + "' is a second (the first is '" + only.name().text() + "', "
              + at(only.location()) + ")");
        }
        if (only == null) {
          only = message;
        }
      }
      List<Field> header = unit.frame.map(FrameLayout::applicationFields).orElse(ImmutableList.of()).stream()
          .map(FrameField::asField).toList();
      ImmutableList<Field> linkedFields = fields.fields(unit, message.fields(), true, header);
      MessageType type = new MessageType(message.name().text(), unit.qualify(message.name().text()),
          id, linkedFields, message.doc(), message.location());
      long start = unit.frame.map(frame -> (long) frame.headerSize())
          .orElse((long) unit.options.typeId().size());
      long minimum = minimumSize(linkedFields, start);
      if (minimum > unit.options.maxFrameLength() && !holdsOversized(linkedFields)) {
        reporter.error(message.location(), "message '" + type.name() + "' takes at least " + minimum
            + " bytes, more than max_frame_length " + unit.options.maxFrameLength());
      }
      unit.frame.ifPresent(frame -> checkAgainstFrame(frame, message, linkedFields));
      linked.put(message, type);
    }
  }

  /**
   * The id of a message in a file whose frames carry one: it must be written, unique, and fit the
   * type id; a character literal only where the type id is 8 bits.
   */
  private int messageId(Unit unit, MessageElement message, Map<BigInteger, MessageElement> ids) {
    if (message.id().isEmpty()) {
      reporter.error(message.location(), "message '" + message.name().text() + "' needs a type id,"
          + " as in 'message " + message.name().text() + " = 1 { ... }'");
      return 0;
    }
    IntegerLiteral written = message.id().get();
    BigInteger id = written.value();
    Optional<FrameField> field = unit.frame.flatMap(FrameLayout::typeId);
    int size = field.map(f -> f.type().size()).orElse(unit.options.typeId().size());
    if (written.character() && size != 1) {
      refuseCharacter(reporter, written, "a " + (size * 8) + "-bit type id");
      return 0;
    }
    BigInteger min = field.map(f -> f.type().minValue()).orElse(BigInteger.ZERO);
    BigInteger max = field.map(f -> f.bits() > 0 ? BigInteger.valueOf((1L << f.bits()) - 1)
            : f.type().maxValue().min(BigInteger.valueOf(Integer.MAX_VALUE)))
        .orElse(BigInteger.valueOf(unit.options.typeId().maxValue()));
    if (id.compareTo(min) < 0 || id.compareTo(max) > 0) {
      String fits = field.isEmpty()
          ? "type_id " + unit.options.typeId().keyword() + " (0 to " + max + ")"
          : field.get().bits() > 0
          ? "type id '" + field.get().name() + "' (" + field.get().typeText() + ": 0 to " + max + ")"
          : "type id '" + field.get().name() + "' (" + field.get().type().keyword() + ": " + min + " to "
              + max + (max.equals(field.get().type().maxValue()) ? "" : ", the most a Java int holds") + ")";
      reporter.error(written.location(), "message id " + id + " does not fit " + fits);
      return 0;
    }
    MessageElement first = ids.putIfAbsent(id, message);
    if (first != null) {
      reporter.error(written.location(), "message id " + id + " is already used by '"
          + first.name().text() + "' (" + at(first.location()) + ")");
    }
    return id.intValueExact();
  }

  /**
   * The rules a declared frame sets for every message: its fields do not take the names of the
   * header's, which lead every message; without a length, its size is fixed.
   */
  private void checkAgainstFrame(FrameLayout frame, MessageElement message, List<Field> linkedFields) {
    for (Element.FieldElement field : message.fields()) {
      for (FrameField header : frame.applicationFields()) {
        if (JavaNames.fieldName(header.name()).equals(JavaNames.fieldName(field.name().text()))) {
          reporter.error(field.location(), "field '" + field.name().text() + "' takes the name of"
              + " header field '" + header.name() + "' (" + at(header.location()) + "): every message"
              + " of this file starts with the header's fields");
        }
      }
    }
    if (frame.length().isPresent()) {
      return;
    }
    for (Field field : linkedFields) {
      if (field.since() > 1) {
        reporter.error(field.location(), "field '" + field.name() + "' is @since(" + field.since()
            + "), but the frame has no length: a message whose size its type id fixes cannot grow");
      } else if (field.fixedSize().isEmpty()) {
        reporter.error(field.location(), "field '" + field.name() + "' of message '"
            + message.name().text() + "' has no fixed size (" + (field.optional() ? "optional "
            : "") + field.type().displayName() + "), but the frame has no length: every message"
            + " must have a fixed size, which its type id gives");
      }
    }
  }

  /**
   * Whether a field always holds a struct already reported as larger than a frame: the struct's
   * error explains this one too.
   */
  private boolean holdsOversized(List<Field> fields) {
    for (Field field : fields) {
      if (!field.optional() && field.type() instanceof StructType s && oversized.contains(s)) {
        return true;
      }
    }
    return false;
  }

  /** {@code start} plus the fewest bytes of {@code fields}, saturating rather than overflowing. */
  private static long minimumSize(List<Field> fields, long start) {
    long sum = start;
    for (Field field : fields) {
      sum = sum + field.minimumSize() < sum ? Long.MAX_VALUE : sum + field.minimumSize();
    }
    return sum;
  }

  /**
   * Reports a character literal where only a number may stand: a character literal is an 8-bit
   * value, accepted where the value is 8 bits wide.
   */
  static void refuseCharacter(Reporter reporter, IntegerLiteral literal, String what) {
    reporter.error(literal.location(), "a character literal is an 8-bit value: " + what
        + " takes a number, here " + literal.value());
  }

  /** {@code line:col}: where something is, for a message about the same file. */
  static String at(SourceLocation location) {
    return location.line() + ":" + location.column();
  }

  /** {@code line:col} when {@code location} is in {@code file}, else {@code file:line:col}. */
  static String at(SourceLocation location, String file) {
    return location.file().equals(file) ? at(location) : location.toString();
  }
}
