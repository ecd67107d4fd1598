package dev.parley.spec.compat;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.HeaderField.Role;
import dev.parley.runtime.LengthCounts;
import dev.parley.spec.FileOptions;
import dev.parley.spec.FrameField;
import dev.parley.spec.FrameLayout;
import dev.parley.spec.JavaNames;
import dev.parley.spec.PrefixWidth;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.SchemaFile;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the frames of a pair of files (SPEC.md 8.1): Parley's own, which the options
 * {@code length_prefix} and {@code type_id} describe, or the header of a {@code frame}
 * declaration. A change to any byte the header puts on the wire breaks old peers and is an
 * error; a change that keeps every byte (a renamed header field, a length that counts the same
 * bytes in other words, Parley's own frame declared as such) is a note. Header fields are matched
 * as the fields of a message are (SPEC.md 11.1, item 5): by name, else by position when renamed.
 * The file's {@code byte_order} and {@code max_frame_length} are options, compared by
 * {@link FileComparison}.
 */
final class FrameComparison {

  /** What one header field puts on the wire, whatever it is called: equal exactly when the bytes are. */
  private record Wire(PrimitiveType type, Optional<ByteOrder> order, Role role, long uncounted, long constant) {}

  private final Findings findings;

  FrameComparison(Findings findings) {
    this.findings = findings;
  }

  void compare(SchemaFile oldFile, SchemaFile newFile) {
    if (oldFile.frame().isPresent() && newFile.frame().isPresent()) {
      headers(oldFile, newFile);
    } else if (newFile.frame().isPresent()) {
      declared(oldFile, newFile);
    } else if (oldFile.frame().isPresent()) {
      undeclared(oldFile, newFile);
    }
  }

  /**
   * What the file's {@code byte_order} orders in its header: {@code ; header fields 'a' and 'b',
   * which have no byte order of their own, change with it}, or nothing when every field of the
   * header has its own or is one byte.
   */
  static String orderedByTheFile(SchemaFile file) {
    List<String> fields = file.frame().map(FrameLayout::fields).orElse(ImmutableList.of()).stream()
        .filter(f -> f.type().size() > 1 && f.byteOrder().isEmpty())
        .map(f -> "'" + f.name() + "'")
        .toList();
    if (fields.isEmpty()) {
      return "";
    }
    if (fields.size() == 1) {
      return "; header field " + fields.get(0) + ", which has no byte order of its own, changes with it";
    }
    return "; header fields " + String.join(", ", fields.subList(0, fields.size() - 1)) + " and "
        + fields.get(fields.size() - 1) + ", which have no byte order of their own, change with it";
  }

  /** A frame declared where the file had Parley's own: an error, unless it is that frame. */
  private void declared(SchemaFile oldFile, SchemaFile newFile) {
    FrameLayout frame = newFile.frame().get();
    String own = "Parley's own frame in " + oldFile.path() + ": " + ownFrame(oldFile.options());
    if (sameBytes(oldFile, newFile)) {
      findings.note(frame.location(), "the file now declares its frame, with the same bytes as " + own);
    } else {
      findings.error(frame.location(), "the file now declares its frame, a " + frame.headerSize()
          + "-byte header (was " + own + ")");
    }
  }

  /** A declaration removed, so the file uses Parley's own frame: an error, unless it was that frame. */
  private void undeclared(SchemaFile oldFile, SchemaFile newFile) {
    FrameLayout frame = oldFile.frame().get();
    String own = "the file no longer declares its frame: it has Parley's own, " + ownFrame(newFile.options());
    if (sameBytes(oldFile, newFile)) {
      findings.note(newFile.location(), own + ", with the same bytes as the header declared at "
          + frame.location());
    } else {
      findings.error(newFile.location(), own + " (was the " + frame.headerSize() + "-byte header declared at "
          + frame.location() + ")");
    }
  }

  /** Two declared headers, field by field. */
  private void headers(SchemaFile oldFile, SchemaFile newFile) {
    FrameLayout before = oldFile.frame().get();
    FrameLayout after = newFile.frame().get();
    List<FrameField> oldFields = before.fields();
    List<FrameField> newFields = after.fields();
    Map<String, Integer> oldIndex = index(oldFields);
    Map<String, Integer> newIndex = index(newFields);
    Set<String> inOrder = FieldComparison.inOrder(names(oldFields), names(newFields));
    for (int j = 0; j < newFields.size(); j++) {
      FrameField field = newFields.get(j);
      Integer i = oldIndex.get(field.name());
      if (i != null) {
        FrameField old = oldFields.get(i);
        if (!inOrder.contains(field.name())) {
          findings.error(field.location(), "header field '" + field.name() + "' was field " + (i + 1)
              + " at offset " + before.offset(old) + ", now field " + (j + 1) + " at offset "
              + after.offset(field) + " (was at " + old.location() + ")");
        }
        compare(oldFile, old, newFile, field);
      } else if (j < oldFields.size() && !newIndex.containsKey(oldFields.get(j).name())) {
        FrameField old = oldFields.get(j);
        renamed(old, field, j);
        compare(oldFile, old, newFile, field);
      } else {
        findings.error(field.location(), "header field '" + field.name() + "' was added at offset "
            + after.offset(field) + " (the old header at " + before.location() + " had "
            + before.headerSize() + " bytes)");
      }
    }
    for (int i = 0; i < oldFields.size(); i++) {
      FrameField old = oldFields.get(i);
      boolean renamed = i < newFields.size() && !oldIndex.containsKey(newFields.get(i).name());
      if (!newIndex.containsKey(old.name()) && !renamed) {
        findings.error(after.location(), "header field '" + old.name() + "' was removed (was '"
            + old.describe() + "' at offset " + before.offset(old) + ", at " + old.location() + ")");
      }
    }
  }

  /**
   * A header field in two versions, wherever it stands: each of its width and signedness, byte
   * order, role, what a length counts and a constant's value, as
   * {@code header field 'opaque' was u32 at offset 12, now u64 (was at LOC)}.
   */
  private void compare(SchemaFile oldFile, FrameField old, SchemaFile newFile, FrameField field) {
    FrameLayout before = oldFile.frame().get();
    FrameLayout after = newFile.frame().get();
    String was = "header field '" + field.name() + "' was ";
    String now = " at offset " + before.offset(old) + ", now ";
    String at = " (was at " + old.location() + ")";
    if (old.type() != field.type()) {
      findings.error(field.location(), was + old.type().keyword() + now + field.type().keyword() + at);
    }
    // One byte has no order; a field of the file's order in both versions follows byte_order,
    // whose own finding names it.
    boolean ordered = old.type().size() == field.type().size() && field.type().size() > 1
        && (old.byteOrder().isPresent() || field.byteOrder().isPresent());
    if (ordered && order(oldFile, old) != order(newFile, field)) {
      findings.error(field.location(), was + orderText(oldFile, old) + now + orderText(newFile, field) + at);
    }
    if (old.role() != field.role()) {
      findings.error(field.location(), was + role(old) + now + role(field) + at);
    } else if (old.role() == Role.LENGTH && old.counts().get() != field.counts().get()) {
      long left = uncounted(before, old);
      long leaves = uncounted(after, field);
      if (left != leaves) {
        findings.error(field.location(), was + role(old) + now + "counting " + counts(field) + at
            + ": it left out the frame's first " + bytes(left) + ", now " + bytes(leaves));
      } else {
        findings.note(field.location(), "length '" + field.name() + "' now counts " + counts(field)
            + " (was counts " + counts(old) + " at " + old.location() + "): the same value, since either"
            + " way it leaves out the frame's first " + bytes(left));
      }
    } else if (old.role() == Role.CONSTANT && bits(old) != bits(field)) {
      findings.error(field.location(), was + role(old) + now + constant(field) + at);
    }
  }

  /** A header field named otherwise at its position: no byte changes, an application field's accessor does. */
  private void renamed(FrameField old, FrameField field, int position) {
    String oldJava = JavaNames.fieldName(old.name());
    String newJava = JavaNames.fieldName(field.name());
    String api = old.role() == Role.FIELD && field.role() == Role.FIELD && !oldJava.equals(newJava)
        ? ", but the accessor " + oldJava + "() of every message is now " + newJava + "()" : "";
    findings.note(field.location(), "header field " + (position + 1) + " is now named '" + field.name()
        + "' (was '" + old.name() + "' at " + old.location() + "): a name changes no byte" + api);
  }

  /** Whether the two files' frames, Parley's own or declared, put the same bytes before a body. */
  static boolean sameBytes(SchemaFile oldFile, SchemaFile newFile) {
    return wire(oldFile).equals(wire(newFile));
  }

  private static List<Wire> wire(SchemaFile file) {
    FrameLayout layout = file.frame().orElseGet(() -> ownLayout(file));
    return layout.fields().stream()
        .map(f -> new Wire(f.type(), f.type().size() == 1 ? Optional.empty() : Optional.of(order(file, f)),
            f.role(), f.role() == Role.LENGTH ? uncounted(layout, f) : 0,
            f.role() == Role.CONSTANT ? bits(f) : 0))
        .toList();
  }

  /** Parley's own frame as a header: the length, counting what follows it, then the type id. */
  private static FrameLayout ownLayout(SchemaFile file) {
    FileOptions options = file.options();
    return new FrameLayout(ImmutableList.of(
        new FrameField("length", primitive(options.lengthPrefix()), Optional.empty(), Role.LENGTH,
            Optional.of(LengthCounts.FOLLOWING), 0, Optional.empty(), file.location()),
        new FrameField("type_id", primitive(options.typeId()), Optional.empty(), Role.TYPE_ID,
            Optional.empty(), 0, Optional.empty(), file.location())),
        Optional.empty(), file.location());
  }

  /** {@code a u32 length of the bytes after it, then a u16 type id}. */
  private static String ownFrame(FileOptions options) {
    return "a " + options.lengthPrefix().keyword() + " length of the bytes after it, then a "
        + options.typeId().keyword() + " type id";
  }

  private static PrimitiveType primitive(PrefixWidth width) {
    return PrimitiveType.forKeyword(width.keyword()).orElseThrow();
  }

  /** The bytes at the start of a frame that its length does not count (FrameLayout.largestFrame). */
  private static long uncounted(FrameLayout layout, FrameField length) {
    return switch (length.counts().orElseThrow()) {
      case FOLLOWING -> layout.offset(length) + length.type().size();
      case ITSELF_AND_FOLLOWING -> layout.offset(length);
      case FRAME -> 0;
      case BODY -> layout.headerSize();
    };
  }

  private static ByteOrder order(SchemaFile file, FrameField field) {
    return field.byteOrder().orElse(file.options().byteOrder());
  }

  /** {@code little_endian}, or {@code big_endian by the file's byte_order}. */
  private static String orderText(SchemaFile file, FrameField field) {
    String order = order(file, field) == ByteOrder.BIG_ENDIAN ? "big_endian" : "little_endian";
    return field.byteOrder().isPresent() ? order : order + " by the file's byte_order";
  }

  /** The role in words: {@code the length counting body}, {@code the constant 0x80}, ... */
  private static String role(FrameField field) {
    return switch (field.role()) {
      case LENGTH -> "the length counting " + counts(field);
      case TYPE_ID -> "the type id";
      case CONSTANT -> "the constant " + constant(field);
      case FIELD -> "an application field";
    };
  }

  private static String counts(FrameField length) {
    return FrameLayout.countsPhrase(length.counts().orElseThrow());
  }

  /** A constant's bits within its width: equal exactly when the bytes on the wire are. */
  private static long bits(FrameField constant) {
    int size = constant.type().size();
    return size == 8 ? constant.constant() : constant.constant() & ((1L << (size * 8)) - 1);
  }

  /** A constant as {@link FrameField#describe} writes it: small numbers in decimal, others in hex. */
  private static String constant(FrameField constant) {
    long value = constant.type().isSigned() ? constant.constant() : bits(constant);
    if (constant.type().isSigned() || (value >= 0 && value < 10)) {
      return Long.toString(value);
    }
    return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
  }

  private static String bytes(long count) {
    return count + (count == 1 ? " byte" : " bytes");
  }

  private static List<String> names(List<FrameField> fields) {
    return fields.stream().map(FrameField::name).toList();
  }

  private static Map<String, Integer> index(List<FrameField> fields) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      index.put(fields.get(i).name(), i);
    }
    return index;
  }
}
