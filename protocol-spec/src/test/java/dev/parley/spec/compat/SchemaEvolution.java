package dev.parley.spec.compat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.parley.spec.BytesType;
import dev.parley.spec.Declaration;
import dev.parley.spec.EnumConstant;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FieldType;
import dev.parley.spec.FlagBit;
import dev.parley.spec.FlagsType;
import dev.parley.spec.ListType;
import dev.parley.spec.MessageType;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SourceLocation;
import dev.parley.spec.StringType;
import dev.parley.spec.StructType;
import dev.parley.spec.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Random next versions of a schema file, for property tests of {@code parley compat} and of
 * generated codecs across versions: {@link #safe} applies changes that SPEC.md section 11 allows
 * (appended {@code @since} fields that are optional or have defaults, new messages with fresh
 * ids, new enum constants and flag bits, new declarations, doc comments, a raised
 * {@code max_frame_length}); {@link #breaking} applies one change it forbids, to something the
 * old version has. The result is the new version's text, valid on its own, and what was changed.
 */
public final class SchemaEvolution {

  /** The new version of the file, and one line per change made. */
  public record Evolution(String text, List<String> changes) {}

  private static final SourceLocation NOWHERE = SourceLocation.ofFile("evolved");
  private static final PrimitiveType[] PRIMITIVES = PrimitiveType.values();
  /** Defaults of f32 and f64 fields: all within f32's range (SPEC.md 5.6). */
  private static final double[] FLOAT_DEFAULTS = {0.5, -0.0, 0.1, -2.5e-3, 1e-45, 3.4028234663852886e38, 16777217};
  /** Defaults of string fields: all short enough for a u8 length. */
  private static final String[] STRING_DEFAULTS = {"", "d", "tab\tquote\"backslash\\", "h\u00e9llo \u2713 \ud834\udd1e", "\0"};

  private final SchemaFile old;
  private final RandomGenerator rnd;
  private final List<Declaration> declarations;
  private final List<String> changes = new ArrayList<>();
  private long maxFrameLength;
  private boolean littleEndian;
  private int counter;

  private SchemaEvolution(SchemaFile old, RandomGenerator rnd) {
    this.old = old;
    this.rnd = rnd;
    this.declarations = new ArrayList<>(old.declarations());
    this.maxFrameLength = old.options().maxFrameLength();
    this.littleEndian = old.options().byteOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
  }

  /** One to four safe changes to {@code old}. */
  public static Evolution safe(SchemaFile old, RandomGenerator rnd) {
    SchemaEvolution draft = new SchemaEvolution(old, rnd);
    draft.safeChanges(1 + rnd.nextInt(4));
    return draft.result();
  }

  /**
   * Maybe some safe changes, then one breaking change to a message, field, carried enum, flags or
   * struct, or frame option of {@code old}; empty when {@code old} has nothing such a change
   * could apply to (no message at all, say).
   */
  public static Optional<Evolution> breaking(SchemaFile old, RandomGenerator rnd) {
    SchemaEvolution draft = new SchemaEvolution(old, rnd);
    draft.safeChanges(rnd.nextInt(3));
    List<Runnable> edits = draft.breakingEdits();
    if (edits.isEmpty()) {
      return Optional.empty();
    }
    edits.get(rnd.nextInt(edits.size())).run();
    return Optional.of(draft.result());
  }

  private Evolution result() {
    ImmutableMap<String, SourceLocation> noLocations = ImmutableMap.of();
    dev.parley.spec.FileOptions options = new dev.parley.spec.FileOptions(old.options().javaPackage(),
        littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN,
        old.options().lengthPrefix(), old.options().typeId(), maxFrameLength);
    SchemaFile file = new SchemaFile(old.path(), old.packageName(), options, old.frame(), old.imports(),
        ImmutableList.copyOf(declarations), old.location(), noLocations);
    return new Evolution(SchemaPrinter.print(file), List.copyOf(changes));
  }

  // ---- Safe changes ---------------------------------------------------------------------------

  private void safeChanges(int count) {
    for (int done = 0, tries = 0; done < count && tries < 50; tries++) {
      boolean applied = switch (rnd.nextInt(7)) {
        case 0, 1 -> appendFields();
        case 2 -> addMessage();
        case 3 -> addEnumConstant();
        case 4 -> addFlagBit();
        case 5 -> addDeclaration();
        default -> rnd.nextBoolean() ? changeDoc() : raiseMaxFrameLength();
      };
      done += applied ? 1 : 0;
    }
  }

  private boolean appendFields() {
    Optional<MessageType> message = any(messages());
    if (message.isEmpty()) {
      return false;
    }
    MessageType m = message.get();
    int since = m.version() + 1 + rnd.nextInt(2);
    List<Field> fields = new ArrayList<>(m.fields());
    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
      FieldType type = randomType(true);
      boolean optional = !Types.takesDefault(type) || rnd.nextBoolean();
      fields.add(new Field(fresh("added"), type, optional, since,
          optional ? Optional.empty() : Optional.of(defaultFor(type)), Optional.empty(), NOWHERE));
      since += rnd.nextInt(2);
    }
    replace(m, withFields(m, fields));
    changes.add("appended @since fields to " + m.name());
    return true;
  }

  private boolean addMessage() {
    OptionalInt free = freeId();
    if (free.isEmpty()) {
      return false;
    }
    int id = free.getAsInt();
    List<Field> fields = new ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      fields.add(new Field(fresh("f"), randomType(true), rnd.nextBoolean(), 1, Optional.empty(),
          Optional.empty(), NOWHERE));
    }
    String name = fresh("Added");
    declarations.add(new MessageType(name, qualified(name), id, ImmutableList.copyOf(fields),
        Optional.empty(), NOWHERE));
    changes.add("new message " + name + " = " + id);
    return true;
  }

  private boolean addEnumConstant() {
    Optional<EnumType> found = any(ofKind(EnumType.class));
    if (found.isEmpty()) {
      return false;
    }
    EnumType e = found.get();
    Set<Long> used = new HashSet<>();
    e.constants().forEach(c -> used.add(c.value()));
    long value = e.underlying().minValue().longValue() + rnd.nextInt(300);
    while (used.contains(value)) {
      value++;
    }
    if (!e.underlying().fits(BigInteger.valueOf(value))) {
      return false;
    }
    List<EnumConstant> constants = new ArrayList<>(e.constants());
    constants.add(new EnumConstant(fresh("ADDED"), value, Optional.empty(), NOWHERE));
    replace(e, new EnumType(e.name(), e.qualifiedName(), e.underlying(), ImmutableList.copyOf(constants),
        e.doc(), e.location()));
    changes.add("new constant " + value + " in enum " + e.name());
    return true;
  }

  private boolean addFlagBit() {
    Optional<FlagsType> found = any(ofKind(FlagsType.class));
    if (found.isEmpty()) {
      return false;
    }
    FlagsType f = found.get();
    int width = f.underlying().size() * 8;
    int position = rnd.nextInt(width);
    for (int i = 0; i < width && (f.mask() & 1L << position) != 0; i++) {
      position = (position + 1) % width;
    }
    if ((f.mask() & 1L << position) != 0) {
      return false;
    }
    List<FlagBit> bits = new ArrayList<>(f.bits());
    bits.add(new FlagBit(fresh("ADDED"), position, Optional.empty(), NOWHERE));
    replace(f, new FlagsType(f.name(), f.qualifiedName(), f.underlying(), ImmutableList.copyOf(bits),
        f.doc(), f.location()));
    changes.add("new bit " + position + " in flags " + f.name());
    return true;
  }

  private boolean addDeclaration() {
    String name = fresh("Added");
    Field field = new Field("a", PrimitiveType.U8, false, 1, Optional.empty(), Optional.empty(), NOWHERE);
    declarations.add(rnd.nextBoolean()
        ? new StructType(name, qualified(name), ImmutableList.of(field), 1, Optional.empty(), NOWHERE)
        : new EnumType(name, qualified(name), PrimitiveType.U8,
            ImmutableList.of(new EnumConstant("ONE", 1, Optional.empty(), NOWHERE)), Optional.empty(), NOWHERE));
    changes.add("new type " + name);
    return true;
  }

  private boolean changeDoc() {
    Optional<MessageType> message = any(messages());
    if (message.isEmpty()) {
      return false;
    }
    MessageType m = message.get();
    replace(m, new MessageType(m.name(), m.qualifiedName(), m.id(), m.fields(),
        Optional.of("Changed " + fresh("doc") + "."), m.location()));
    changes.add("doc comment of " + m.name());
    return true;
  }

  private boolean raiseMaxFrameLength() {
    long limit = Math.min(old.options().lengthPrefix().maxValue(), Integer.MAX_VALUE - 8);
    // Without messages the file has no frames, and the option changes nothing (SPEC.md 11.2).
    if (maxFrameLength >= limit || old.messages().isEmpty()) {
      return false;
    }
    maxFrameLength += 1 + rnd.nextLong(limit - maxFrameLength);
    changes.add("max_frame_length raised to " + maxFrameLength);
    return true;
  }

  // ---- Breaking changes -----------------------------------------------------------------------

  /** The breaking edits that apply to this draft, each touching something the old version has. */
  private List<Runnable> breakingEdits() {
    List<Runnable> edits = new ArrayList<>();
    List<MessageType> oldMessages = messages().stream()
        .filter(m -> old.declaration(m.name()).filter(MessageType.class::isInstance).isPresent()).toList();
    for (MessageType m : oldMessages) {
      List<Field> oldFields = m.fields().stream().filter(f -> isOld(m, f)).toList();
      if (!oldFields.isEmpty()) {
        Field f = oldFields.get(rnd.nextInt(oldFields.size()));
        edits.add(() -> removeField(m, f));
        edits.add(() -> retypeField(m, f));
      }
      // Old fields are the message's first fields; two neighbours of one version may swap.
      List<Integer> swappable = new ArrayList<>();
      for (int i = 0; i + 1 < oldFields.size(); i++) {
        if (oldFields.get(i).since() == oldFields.get(i + 1).since()) {
          swappable.add(i);
        }
      }
      any(swappable).ifPresent(at -> edits.add(() -> swapFields(m, at)));
      int oldVersion = ((MessageType) old.declaration(m.name()).get()).version();
      if (m.version() == oldVersion) {
        edits.add(() -> appendWithoutNewVersion(m));
      }
      edits.add(() -> changeId(m));
      edits.add(() -> renameMessage(m));
      edits.add(() -> removeMessage(m));
    }
    if (!oldMessages.isEmpty()) {
      edits.add(this::flipByteOrder);
      long required = requiredFrameLength();
      if (required < old.options().maxFrameLength()) {
        edits.add(() -> lowerMaxFrameLength(required));
      }
    }
    Set<String> carried = new HashSet<>();
    old.messages().forEach(m -> Types.reach(m, name -> name, carried));
    for (EnumType e : ofKind(EnumType.class)) {
      if (carried.contains(e.qualifiedName()) && e.constants().size() > 1) {
        edits.add(() -> renumberOrRemoveConstant(e));
      }
    }
    for (StructType s : ofKind(StructType.class)) {
      if (carried.contains(s.qualifiedName())) {
        edits.add(() -> growStruct(s));
      }
    }
    return edits;
  }

  private void removeField(MessageType m, Field field) {
    List<Field> fields = new ArrayList<>(m.fields());
    fields.remove(field);
    replace(m, withFields(m, fields));
    changes.add("removed field " + m.name() + "." + field.name());
  }

  /** Another type, another width, or optional toggled: each changes the field's bytes. */
  private void retypeField(MessageType m, Field field) {
    FieldType type = field.type();
    boolean optional = field.optional();
    // Optional to required needs a default when the field is @since, which some types cannot have.
    if (rnd.nextBoolean() && (!optional || field.since() == 1 || Types.takesDefault(type))) {
      optional = !optional;
    } else if (type instanceof StringType s) {
      type = new StringType(otherWidth(s.prefix().orElseThrow()));
    } else if (type instanceof BytesType b) {
      type = new BytesType(otherWidth(b.prefix().orElseThrow()));
    } else if (type instanceof ListType l) {
      type = new ListType(l.element(), otherWidth(l.prefix().orElseThrow()));
    } else {
      PrimitiveType p;
      do {
        p = PRIMITIVES[rnd.nextInt(PRIMITIVES.length)];
      } while (p == type);
      type = p;
    }
    boolean needsDefault = !optional && field.since() > 1;
    Optional<Value> value = needsDefault
        ? Optional.of(field.type().equals(type) && field.defaultValue().isPresent()
            ? field.defaultValue().get() : defaultFor(type))
        : Optional.empty();
    List<Field> fields = new ArrayList<>(m.fields());
    fields.set(fields.indexOf(field), new Field(field.name(), type, optional, field.since(), value,
        field.doc(), field.location()));
    replace(m, withFields(m, fields));
    changes.add("retyped field " + m.name() + "." + field.name());
  }

  private void swapFields(MessageType m, int at) {
    List<Field> fields = new ArrayList<>(m.fields());
    fields.set(at, m.fields().get(at + 1));
    fields.set(at + 1, m.fields().get(at));
    replace(m, withFields(m, fields));
    changes.add("swapped fields " + (at + 1) + " and " + (at + 2) + " of " + m.name());
  }

  /** A field appended without {@code @since}, or with a version the message already had. */
  private void appendWithoutNewVersion(MessageType m) {
    int version = m.version();
    List<Field> fields = new ArrayList<>(m.fields());
    fields.add(new Field(fresh("added"), PrimitiveType.U8, true, version, Optional.empty(),
        Optional.empty(), NOWHERE));
    replace(m, withFields(m, fields));
    changes.add("appended a field to " + m.name() + " in its old version " + version);
  }

  private void changeId(MessageType m) {
    OptionalInt free = freeId();
    if (free.isEmpty()) {
      removeMessage(m); // every id is taken: there is no other id to move to
      return;
    }
    int id = free.getAsInt();
    replace(m, new MessageType(m.name(), m.qualifiedName(), id, m.fields(), m.doc(), m.location()));
    changes.add("changed id of " + m.name() + " to " + id);
  }

  private void renameMessage(MessageType m) {
    String name = fresh("Renamed");
    replace(m, new MessageType(name, qualified(name), m.id(), m.fields(), m.doc(), m.location()));
    changes.add("renamed " + m.name() + " to " + name);
  }

  private void removeMessage(MessageType m) {
    declarations.remove(m);
    changes.add("removed message " + m.name());
  }

  private void flipByteOrder() {
    littleEndian = !littleEndian;
    changes.add("flipped byte_order");
  }

  private void lowerMaxFrameLength(long required) {
    maxFrameLength = required + rnd.nextLong(old.options().maxFrameLength() - required);
    changes.add("lowered max_frame_length to " + maxFrameLength);
  }

  /** Renumbers or removes an old constant that no default names, of an enum a message carries. */
  private void renumberOrRemoveConstant(EnumType e) {
    Set<String> named = new HashSet<>();
    for (Declaration d : declarations) {
      if (d instanceof MessageType m) {
        m.fields().forEach(f -> f.defaultValue()
            .filter(Value.EnumValue.class::isInstance)
            .ifPresent(v -> named.add(((Value.EnumValue) v).constant().name())));
      }
    }
    EnumType before = (EnumType) old.declaration(e.name()).get();
    List<EnumConstant> free = e.constants().stream()
        .filter(c -> !named.contains(c.name()) && before.constant(c.name()).isPresent()).toList();
    List<EnumConstant> constants = new ArrayList<>(e.constants());
    EnumConstant target = free.isEmpty() ? null : free.get(rnd.nextInt(free.size()));
    if (target == null) {
      flipByteOrder(); // every constant is some default: flip the frames of the messages instead
      return;
    }
    Set<Long> used = new HashSet<>();
    e.constants().forEach(c -> used.add(c.value()));
    long value = target.value() + 1;
    while (used.contains(value)) {
      value++;
    }
    if (rnd.nextBoolean() && e.underlying().fits(BigInteger.valueOf(value))) {
      constants.set(constants.indexOf(target), new EnumConstant(target.name(), value, target.doc(), NOWHERE));
      changes.add("renumbered " + e.name() + "." + target.name() + " to " + value);
    } else {
      constants.remove(target);
      changes.add("removed " + e.name() + "." + target.name());
    }
    replace(e, new EnumType(e.name(), e.qualifiedName(), e.underlying(), ImmutableList.copyOf(constants),
        e.doc(), e.location()));
  }

  private void growStruct(StructType s) {
    List<Field> fields = new ArrayList<>(s.fields());
    fields.add(new Field(fresh("added"), PrimitiveType.U8, true, 1, Optional.empty(), Optional.empty(), NOWHERE));
    replace(s, new StructType(s.name(), s.qualifiedName(), ImmutableList.copyOf(fields), s.minimumSize() + 1,
        s.doc(), s.location()));
    changes.add("added a field to struct " + s.name());
  }

  // ---- Helpers --------------------------------------------------------------------------------

  /** The smallest max_frame_length the draft is still valid with (SPEC.md 4.6, 4.5, 5.2). */
  private long requiredFrameLength() {
    long required = old.options().typeId().size();
    for (Declaration d : declarations) {
      if (d instanceof MessageType m) {
        long size = old.options().typeId().size();
        for (Field f : m.fields()) {
          size += f.minimumSize();
          required = Math.max(required, largestFixedBytes(f.type()));
        }
        required = Math.max(required, size);
      } else if (d instanceof StructType s) {
        required = Math.max(required, s.minimumSize());
        for (Field f : s.fields()) {
          required = Math.max(required, largestFixedBytes(f.type()));
        }
      }
    }
    return required;
  }

  private static long largestFixedBytes(FieldType type) {
    if (type instanceof dev.parley.spec.FixedBytesType b) {
      return b.size();
    }
    return type instanceof ListType l ? largestFixedBytes(l.element()) : 0;
  }

  /** An id that no message of either version has, if the {@code type_id} width leaves one. */
  private OptionalInt freeId() {
    Set<Integer> ids = new HashSet<>();
    messages().forEach(m -> ids.add(m.id()));
    old.messages().forEach(m -> ids.add(m.id()));
    int max = (int) old.options().typeId().maxValue();
    int id = rnd.nextInt(max + 1);
    for (int i = 0; i <= max && ids.contains(id); i++) {
      id = (id + 1) % (max + 1);
    }
    return ids.contains(id) ? OptionalInt.empty() : OptionalInt.of(id);
  }

  private boolean isOld(MessageType m, Field f) {
    return old.declaration(m.name()).filter(MessageType.class::isInstance)
        .map(d -> ((MessageType) d).fields().stream().anyMatch(o -> o.name().equals(f.name())))
        .orElse(false);
  }

  /** A type for a new field: any primitive, string, bytes, list, or a declared type. */
  private FieldType randomType(boolean declared) {
    List<FieldType> named = new ArrayList<>();
    if (declared) {
      named.addAll(ofKind(EnumType.class));
      named.addAll(ofKind(FlagsType.class));
      named.addAll(ofKind(StructType.class));
    }
    return switch (rnd.nextInt(6)) {
      case 0 -> new StringType(PrefixWidth.values()[rnd.nextInt(3)]);
      case 1 -> new BytesType(PrefixWidth.values()[rnd.nextInt(3)]);
      case 2 -> new ListType(randomType(false), PrefixWidth.values()[rnd.nextInt(3)]);
      case 3 -> named.isEmpty() ? PrimitiveType.U32 : named.get(rnd.nextInt(named.size()));
      default -> PRIMITIVES[rnd.nextInt(PRIMITIVES.length)];
    };
  }

  /**
   * A random valid default for a type that takes one (SPEC.md 5.6), often at an edge of its type,
   * so that readers that fill it in are tested on what is hardest to write in Java: u64 and i64
   * extremes, -0.0, numbers an f32 cannot hold exactly, escapes and non-ASCII text.
   */
  private Value defaultFor(FieldType type) {
    if (type instanceof PrimitiveType p) {
      if (p == PrimitiveType.BOOL) {
        return new Value.BoolValue(rnd.nextBoolean());
      } else if (p.isFloatingPoint()) {
        // Sometimes an integer, printed as an integer literal, which a number also accepts (SPEC.md 2.5).
        return rnd.nextInt(4) == 0
            ? new Value.IntegerValue(BigInteger.valueOf(rnd.nextLong() >> rnd.nextInt(64)))
            : new Value.FloatValue(FLOAT_DEFAULTS[rnd.nextInt(FLOAT_DEFAULTS.length)]);
      }
      BigInteger range = p.maxValue().subtract(p.minValue()).add(BigInteger.ONE);
      return new Value.IntegerValue(switch (rnd.nextInt(4)) {
        case 0 -> p.minValue();
        case 1 -> p.maxValue();
        default -> p.minValue().add(new BigInteger(Long.toUnsignedString(rnd.nextLong())).mod(range));
      });
    } else if (type instanceof StringType) {
      return new Value.StringValue(STRING_DEFAULTS[rnd.nextInt(STRING_DEFAULTS.length)]);
    } else if (type instanceof EnumType e) {
      return new Value.EnumValue(e, e.constants().get(rnd.nextInt(e.constants().size())));
    } else if (type instanceof FlagsType f) {
      return new Value.FlagsValue(f, f.bits().stream().filter(bit -> rnd.nextBoolean())
          .collect(ImmutableList.toImmutableList()));
    }
    return new Value.EmptyValue();
  }

  private PrefixWidth otherWidth(PrefixWidth width) {
    PrefixWidth other;
    do {
      other = PrefixWidth.values()[rnd.nextInt(3)];
    } while (other == width);
    return other;
  }

  private List<MessageType> messages() {
    return ofKind(MessageType.class);
  }

  private <T extends Declaration> List<T> ofKind(Class<T> kind) {
    return declarations.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  private <T> Optional<T> any(List<T> items) {
    return items.isEmpty() ? Optional.empty() : Optional.of(items.get(rnd.nextInt(items.size())));
  }

  private void replace(Declaration was, Declaration now) {
    declarations.set(declarations.indexOf(was), now);
  }

  private static MessageType withFields(MessageType m, List<Field> fields) {
    return new MessageType(m.name(), m.qualifiedName(), m.id(), ImmutableList.copyOf(fields), m.doc(),
        m.location());
  }

  private String qualified(String name) {
    return old.packageName() + "." + name;
  }

  private String fresh(String prefix) {
    return prefix + ++counter;
  }
}
