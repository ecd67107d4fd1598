package dev.parley.spec.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.spec.Diagnostic;
import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Test helper: writes two versions of a schema under a folder as {@code old/NAME} and
 * {@code new/NAME}, loads each, compares them, and gives the diagnostics as printed, with the
 * folder removed from every path so expectations read {@code new/chat.parley:3:5: error: ...}.
 */
final class Compat {

  private final Path dir;

  Compat(Path dir) {
    this.dir = dir;
  }

  /** The report for one file in two versions, both called {@code chat.parley}. */
  CompatReport compare(String oldText, String newText) {
    return compare(List.of("chat.parley", oldText), List.of("chat.parley", newText));
  }

  /** The report for files given as name, text, name, text, ... on each side. */
  CompatReport compare(List<String> oldFiles, List<String> newFiles) {
    return CompatChecker.compare(load("old", oldFiles), load("new", newFiles));
  }

  /** Every diagnostic as {@link Diagnostic#format()} prints it, paths relative to the folder. */
  String format(CompatReport report) {
    String prefix = dir.toString() + dir.getFileSystem().getSeparator();
    return report.diagnostics().stream()
        .map(Diagnostic::format)
        .map(text -> text.replace(prefix, ""))
        .collect(Collectors.joining("\n"));
  }

  /** Loads the files of one side, the first of them naming the load; asserts they are valid. */
  Schema load(String side, List<String> namesAndTexts) {
    List<Path> files = new ArrayList<>();
    try {
      for (int i = 0; i < namesAndTexts.size(); i += 2) {
        Path file = dir.resolve(side).resolve(namesAndTexts.get(i));
        Files.createDirectories(file.getParent());
        Files.writeString(file, namesAndTexts.get(i + 1), StandardCharsets.UTF_8);
        files.add(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LoadResult result = SchemaLoader.create().load(files.subList(0, 1));
    assertEquals("", result.format(), side + " schema");
    return result.schemaOrThrow();
  }
}
