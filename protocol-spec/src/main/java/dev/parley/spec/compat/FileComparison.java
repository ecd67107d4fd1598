package dev.parley.spec.compat;

import dev.parley.spec.FileOptions;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SourceLocation;
import java.nio.ByteOrder;
import java.util.function.Function;

/**
 * Compares each pair of files: their frames and the options that fix the frame format of their
 * messages, and the package names that place the generated code.
 */
final class FileComparison {

  private final Correspondence names;
  private final Findings findings;
  private final FrameComparison frames;

  FileComparison(Correspondence names, Findings findings) {
    this.names = names;
    this.findings = findings;
    this.frames = new FrameComparison(findings);
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
    // A file without messages has no frames: its frame and frame options change no byte
    // (SPEC.md 11.2).
    if (oldFile.messages().isEmpty()) {
      return;
    }
    frameOption(oldFile, newFile, "byte_order",
        options -> options.byteOrder() == ByteOrder.BIG_ENDIAN ? "big_endian" : "little_endian",
        FrameComparison.orderedByTheFile(newFile));
    // A declared frame gives its fields' widths and refuses these two options: the frame
    // comparison says what the widths were.
    if (oldFile.frame().isEmpty() && newFile.frame().isEmpty()) {
      frameOption(oldFile, newFile, "length_prefix", options -> options.lengthPrefix().keyword(), "");
      frameOption(oldFile, newFile, "type_id", options -> options.typeId().keyword(), "");
    }
    frames.compare(oldFile, newFile);
    maxFrameLength(oldFile, newFile);
  }

  /**
   * A lowered limit refuses frames old writers may send; a raised one is safe. Parley's own frame
   * bounds the body after its length and a declared frame the whole frame, so when one replaces
   * the other they are compared as whole frames, and only when the two frames have the same
   * bytes: otherwise no old frame is read anyway, and the frame's own finding says why.
   */
  private void maxFrameLength(SchemaFile oldFile, SchemaFile newFile) {
    long oldMax = oldFile.options().maxFrameLength();
    long newMax = newFile.options().maxFrameLength();
    boolean sameFrame = oldFile.frame().isPresent() == newFile.frame().isPresent();
    if (!sameFrame && !FrameComparison.sameBytes(oldFile, newFile)) {
      return;
    }
    long before = sameFrame ? oldMax : wholeFrame(oldFile);
    long after = sameFrame ? newMax : wholeFrame(newFile);
    String change = change(oldFile, newFile, "max_frame_length", String.valueOf(oldMax), String.valueOf(newMax))
        + (sameFrame ? "" : newFile.frame().isPresent()
            ? ", which now bounds the whole frame, header included (it bounded the body after the "
                + oldFile.options().lengthPrefix().keyword() + " length, " + before + " bytes in all)"
            : ", which now bounds the body after the " + newFile.options().lengthPrefix().keyword()
                + " length, " + after + " bytes in all (it bounded the whole frame)");
    if (after < before) {
      findings.error(at(newFile, "max_frame_length"), change
          + ": readers now refuse frames that old writers may send");
    } else if (after > before) {
      findings.note(at(newFile, "max_frame_length"), change
          + ": old readers still refuse frames longer than " + before + (sameFrame ? "" : " bytes in all"));
    }
  }

  /** The longest frame a reader of {@code file} takes, its length prefix included. */
  private static long wholeFrame(SchemaFile file) {
    long max = file.options().maxFrameLength();
    return file.frame().isPresent() ? max : max + file.options().lengthPrefix().size();
  }

  /** An option whose change changes every frame; {@code consequence} ends the finding. */
  private void frameOption(SchemaFile oldFile, SchemaFile newFile, String option,
      Function<FileOptions, String> value, String consequence) {
    String before = value.apply(oldFile.options());
    String after = value.apply(newFile.options());
    if (!before.equals(after)) {
      findings.error(at(newFile, option), change(oldFile, newFile, option, before, after) + consequence);
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
