package dev.parley.spec.compat;

import dev.parley.spec.Composite;
import dev.parley.spec.Declaration;
import dev.parley.spec.Field;
import dev.parley.spec.MessageType;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SourceLocation;
import dev.parley.spec.StructType;
import dev.parley.spec.compat.Findings.Breaks;
import dev.parley.spec.compat.Types.Match;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the fields of one message or struct in two versions, position by position, with full
 * type comparison (SPEC.md 11.2): a field is matched by name; a field of NEW whose name OLD lacks,
 * at a position whose OLD field NEW lacks, is that field renamed; fields that kept their names
 * but left the longest run of fields still in order were reordered.
 */
final class FieldComparison {

  private final Correspondence names;
  private final Findings findings;

  FieldComparison(Correspondence names, Findings findings) {
    this.names = names;
    this.findings = findings;
  }

  /** A message's fields: every breaking change is an error; appended fields are checked for @since. */
  void compare(MessageType oldMessage, MessageType newMessage) {
    compare(oldMessage, newMessage, findings::error);
  }

  /** A struct's fields: structs never evolve, so every change breaks, and any added field too. */
  void compare(StructType oldStruct, StructType newStruct, Breaks breaks) {
    compare((Composite) oldStruct, newStruct, breaks);
  }

  private void compare(Composite oldOne, Composite newOne, Breaks breaks) {
    String what = kind(newOne) + " '" + newOne.name() + "'";
    List<Field> oldFields = oldOne.fields();
    List<Field> newFields = newOne.fields();
    Map<String, Integer> oldIndex = index(oldFields);
    Map<String, Integer> newIndex = index(newFields);
    Set<String> inOrder = inOrder(oldFields.stream().map(Field::name).toList(),
        newFields.stream().map(Field::name).toList());
    for (int j = 0; j < newFields.size(); j++) {
      Field field = newFields.get(j);
      Integer i = oldIndex.get(field.name());
      if (i != null) {
        Field old = oldFields.get(i);
        if (!inOrder.contains(field.name())) {
          breaks.report(field.location(), "field '" + field.name() + "' of " + what + " is now field "
              + (j + 1) + " (was field " + (i + 1) + " at " + old.location() + ")");
        }
        compare(old, field, what, breaks);
      } else if (j < oldFields.size() && !newIndex.containsKey(oldFields.get(j).name())) {
        Field old = oldFields.get(j);
        breaks.report(field.location(), "field " + (j + 1) + " of " + what + " is now named '"
            + field.name() + "' (was '" + old.name() + "' at " + old.location() + ")");
        compare(old, field, what, breaks);
      } else if (j < oldFields.size()) {
        breaks.report(field.location(), "field '" + field.name() + "' of " + what
            + " was inserted as field " + (j + 1) + " (the old " + kind(oldOne) + " at "
            + location(oldOne) + " had " + fields(oldFields.size()) + "): "
            + fixedSize(newOne).or(() -> oldOne.checksum().map(c -> "a message that ends with a checksum never"
                + " grows: no field may follow it, and one before it moves it")).orElse("new fields go after the old ones"));
      } else if (oldOne instanceof MessageType oldMessage && fixedSize(newOne).isPresent()) {
        findings.error(field.location(), "field '" + field.name() + "' was added to " + what
            + " (the old message at " + oldMessage.location() + " had " + fields(oldFields.size())
            + "): " + fixedSize(newOne).get());
      } else if (oldOne instanceof MessageType oldMessage) {
        appended(oldMessage, what, field);
      } else {
        breaks.report(field.location(), "field '" + field.name() + "' was added to " + what
            + " (the old struct at " + location(oldOne) + " had " + fields(oldFields.size())
            + "): structs never evolve");
      }
    }
    for (int i = 0; i < oldFields.size(); i++) {
      Field old = oldFields.get(i);
      boolean renamed = i < newFields.size() && !oldIndex.containsKey(newFields.get(i).name());
      if (!newIndex.containsKey(old.name()) && !renamed) {
        breaks.report(location(newOne), "field '" + old.name() + "' of " + what + " was removed (was "
            + Types.spell(old, false) + " at " + old.location() + ")");
      }
    }
  }

  /** One field in two versions, wherever it stands: its type, version, default and doc. */
  private void compare(Field old, Field field, String what, Breaks breaks) {
    String was = " at " + old.location() + ")";
    String name = "field '" + field.name() + "' of " + what;
    Match match = Types.compare(old, field, names);
    boolean qualified = Types.spell(old, false).equals(Types.spell(field, false));
    String types = " is now " + Types.spell(field, qualified) + " (was " + Types.spell(old, qualified) + was;
    Optional<String> widened = match == Match.DIFFERENT && old.optional() == field.optional()
        ? Types.widened(old.type(), field.type(), names) : Optional.empty();
    if (widened.isPresent()) {
      findings.warning(field.location(), name + types + ": " + widened.get());
    } else if (match == Match.DIFFERENT) {
      breaks.report(field.location(), name + types);
    } else if (match == Match.SAME_BYTES) {
      findings.warning(field.location(), name + types + ": the same bytes, but another Java type");
    }
    if (old.since() != field.since()) {
      if (field.since() == 1) {
        findings.error(field.location(), name + " lost its @since (was @since(" + old.since() + ")"
            + was + ": frames from writers older than version " + old.since() + " end before it");
      } else {
        findings.warning(field.location(), name + " is now @since(" + field.since() + ") (was "
            + (old.since() == 1 ? "without @since" : "@since(" + old.since() + ")") + was);
      }
    }
    if (old.defaultValue().isPresent() && field.defaultValue().isPresent()
        && !Values.sameOnTheWire(old.defaultValue().get(), field.defaultValue().get())) {
      findings.warning(field.location(), "default of " + name + " is now "
          + Values.source(field.defaultValue().get()) + " (was " + Values.source(old.defaultValue().get())
          + was + ": readers fill in another value for frames from older writers");
    }
    if (!old.doc().equals(field.doc())) {
      findings.note(field.location(), "doc comment of " + name + " changed (was at " + old.location() + ")");
    }
  }

  /**
   * Why a message cannot grow, when its frame has no length: the linker refuses {@code @since}
   * there, since old readers take each frame to end where the message's old size says.
   */
  private Optional<String> fixedSize(Composite composite) {
    if (!(composite instanceof MessageType message)) {
      return Optional.empty();
    }
    SchemaFile file = names.newFileOf(message);
    if (file.frame().isEmpty() || file.frame().get().length().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(file.hasTypeId()
        ? "the frame has no length, so the type id fixes the size of each message and messages never grow"
        : "the frame has neither length nor type id, so its frames have one fixed size and the message"
            + " never grows");
  }

  /**
   * A field after the last field of OLD: safe only when marked {@code @since} with a version above
   * every version of the old message, so that old frames end just before it (SPEC.md 8.11).
   */
  private void appended(MessageType oldMessage, String what, Field field) {
    int version = oldMessage.version();
    String next = "@since(" + (version + 1) + ")";
    String old = "the old message at " + oldMessage.location() + " is";
    String added = "field '" + field.name() + "' was added to " + what;
    if (field.type() instanceof dev.parley.spec.ChecksumType) {
      // Never @since (SPEC.md 13.12): an old writer's frame lacks it, and a new reader requires it.
      findings.error(field.location(), "checksum '" + field.name() + "' was added to " + what + " (the old"
          + " message at " + oldMessage.location() + " has none): new readers refuse the frames of old writers,"
          + " which end before it");
      return;
    }
    if (field.since() == 1) {
      String advice = field.optional() ? "mark it " + next
          : Types.takesDefault(field.type()) ? "mark it " + next + " and give it a default, or make it optional"
          : "mark it " + next + " and make it optional (a " + field.type().displayName() + " takes no default)";
      findings.error(field.location(), added + " without @since" + (field.optional() ? "" : " or a default")
          + " (" + old + " version " + version + "): " + advice);
    } else if (field.since() <= version) {
      findings.error(field.location(), added + " with @since(" + field.since() + "), but " + old
          + " already version " + version + ": mark it " + next);
    } else {
      findings.note(field.location(), added + " in version " + field.since());
    }
  }

  /**
   * The names of two lists, of fields or header fields, that kept their relative order: a longest
   * common subsequence of the names in both lists, so one that only shifted because another was
   * added or removed is not called reordered.
   */
  static Set<String> inOrder(List<String> oldNames, List<String> newNames) {
    Set<String> inOld = new HashSet<>(oldNames);
    Set<String> inNew = new HashSet<>(newNames);
    List<String> a = oldNames.stream().filter(inNew::contains).toList();
    List<String> b = newNames.stream().filter(inOld::contains).toList();
    int[][] longest = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        longest[i][j] = a.get(i).equals(b.get(j))
            ? longest[i + 1][j + 1] + 1 : Math.max(longest[i + 1][j], longest[i][j + 1]);
      }
    }
    Set<String> kept = new HashSet<>();
    for (int i = 0, j = 0; i < a.size() && j < b.size(); ) {
      if (a.get(i).equals(b.get(j))) {
        kept.add(a.get(i));
        i++;
        j++;
      } else if (longest[i + 1][j] >= longest[i][j + 1]) {
        i++;
      } else {
        j++;
      }
    }
    return kept;
  }

  private static Map<String, Integer> index(List<Field> fields) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      index.put(fields.get(i).name(), i);
    }
    return index;
  }

  private static String fields(int count) {
    return count + (count == 1 ? " field" : " fields");
  }

  private static String kind(Composite composite) {
    return composite instanceof MessageType ? "message" : "struct";
  }

  private static SourceLocation location(Composite composite) {
    return ((Declaration) composite).location();
  }
}
