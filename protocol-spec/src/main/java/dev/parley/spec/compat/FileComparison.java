package dev.parley.spec.compat;

import dev.parley.spec.FileOptions;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SourceLocation;
import java.nio.ByteOrder;
import java.util.function.Function;

/**
 * Compares each pair of files: the options that fix the frame format of their messages, and the
 * package names that place the generated code.
 */
final class FileComparison {

  private final Correspondence names;
  private final Findings findings;

  FileComparison(Correspondence names, Findings findings) {
    this.names = names;
    this.findings = findings;
  }

  void compare() {
    for (SchemaFile oldFile : names.oldSchema().files()) {
      names.newFile(oldFile).ifPresent(newFile -> compare(oldFile, newFile));
    }
  }

  private void compare(SchemaFile oldFile, SchemaFile newFile) {
    boolean javaMoved = !oldFile.javaPackage().equals(newFile.javaPackage());
    if (!oldFile.packageName().equals(newFile.packageName())) {
      findings.warning(newFile.location(), "package is now '" + newFile.packageName() + "' (was '"
          + oldFile.packageName() + "' at " + oldFile.location() + ")"
          + (javaMoved ? "; the generated code moves to Java package '" + newFile.javaPackage() + "'" : ""));
    } else if (javaMoved) {
      findings.warning(at(newFile, "java_package"), "the generated code moves to Java package '"
          + newFile.javaPackage() + "' (was '" + oldFile.javaPackage() + "' at "
          + oldFile.optionLocations().getOrDefault("java_package", oldFile.location()) + ")");
    }
    // A file without messages has no frames: its frame options change no byte (SPEC.md 11.2).
    if (oldFile.messages().isEmpty()) {
      return;
    }
    frameOption(oldFile, newFile, "byte_order",
        options -> options.byteOrder() == ByteOrder.BIG_ENDIAN ? "big_endian" : "little_endian");
    frameOption(oldFile, newFile, "length_prefix", options -> options.lengthPrefix().keyword());
    frameOption(oldFile, newFile, "type_id", options -> options.typeId().keyword());
    long oldMax = oldFile.options().maxFrameLength();
    long newMax = newFile.options().maxFrameLength();
    String change = change(oldFile, newFile, "max_frame_length", String.valueOf(oldMax), String.valueOf(newMax));
    if (newMax < oldMax) {
      findings.error(at(newFile, "max_frame_length"), change
          + ": readers now refuse frames that old writers may send");
    } else if (newMax > oldMax) {
      findings.note(at(newFile, "max_frame_length"), change
          + ": old readers still refuse frames longer than " + oldMax);
    }
  }

  private void frameOption(SchemaFile oldFile, SchemaFile newFile, String option,
      Function<FileOptions, String> value) {
    String before = value.apply(oldFile.options());
    String after = value.apply(newFile.options());
    if (!before.equals(after)) {
      findings.error(at(newFile, option), change(oldFile, newFile, option, before, after));
    }
  }

  /** {@code option type_id is now u8 (was u16 by default in old/chat.parley)}. */
  private static String change(SchemaFile oldFile, SchemaFile newFile, String option, String before,
      String after) {
    return "option " + option + " is now " + after
        + (newFile.optionLocations().containsKey(option) ? "" : " by default") + " (was " + before
        + (oldFile.optionLocations().containsKey(option)
            ? " at " + oldFile.optionLocations().get(option) : " by default in " + oldFile.path())
        + ")";
  }

  /** Where NEW sets {@code option}, else its package line. */
  private static SourceLocation at(SchemaFile file, String option) {
    return file.optionLocations().getOrDefault(option, file.location());
  }
}
