package dev.parley.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and odd files: each gives diagnostics, never an exception, never a hang. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

  @TempDir
  Path dir;

  private List<String> errors(Path file) {
    LoadResult result = SchemaLoader.create().load(List.of(file));
    assertTrue(result.schema().isEmpty());
    return result.diagnostics().stream().map(d -> d.toString().substring(file.toString().length())).toList();
  }

  @Test
  void refusesA50MegabyteFileUnread() throws IOException {
    Path file = dir.resolve("huge.parley");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(50L << 20);
    }
    assertEquals(List.of(": error: file is too large (50.0 MiB); schema files are limited to 8 MiB"),
        errors(file));
  }

  @Test
  void aDirectoryIsNotASchema() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("folder.parley"));
    assertEquals(List.of(": error: is a directory, not a schema file"), errors(sub));
  }

  @Test
  void aFileThatImportsItselfIsACycle() throws IOException {
    Path file = dir.resolve("self.parley");
    Files.writeString(file, "package self;\nimport \"self.parley\";\n");
    assertEquals(List.of(":2:8: error: import cycle: " + file + " -> " + file), errors(file));
  }

  @Test
  void aLongImportChainLoadsWithoutRecursion() throws IOException {
    int files = 300;
    for (int i = 0; i < files; i++) {
      String next = i + 1 < files ? "import \"f" + (i + 1) + ".parley\";\n" : "";
      Files.writeString(dir.resolve("f" + i + ".parley"),
          "package p" + i + ";\n" + next + "struct S" + i + " { i32 x; }\n");
    }
    LoadResult result = SchemaLoader.create().load(List.of(dir.resolve("f0.parley")));
    assertEquals("", result.format());
    assertEquals(files, result.schemaOrThrow().files().size());
  }

  @Test
  void byteOrderMarkIsIgnoredAndCrLfLinesCountOnce() throws IOException {
    Path file = dir.resolve("bom.parley");
    Files.writeString(file, "\uFEFFpackage bom;\r\nmessage M = 1 {\r\n\tNope n;\r\n}\r\n");
    LoadResult result = SchemaLoader.create().load(List.of(file));
    assertEquals(1, result.diagnostics().size());
    Diagnostic d = result.diagnostics().get(0);
    assertEquals(new SourceLocation(file.toString(), 3, 2), d.location());
    assertEquals(file + ":3:2: error: unknown type 'Nope'\n\tNope n;\n\t^", d.format());
  }

  @Test
  void columnsCountCodePointsNotUtf16Units() throws IOException {
    Path file = dir.resolve("emoji.parley");
    Files.writeString(file, "package e;\nconst string S = \"\uD83D\uDE00\"; const u8 B = 300;\n");
    assertEquals(List.of(":2:36: error: constant 'B': 300 does not fit u8 (0 to 255)"), errors(file));
  }

  @Test
  void aVeryLongLineIsReportedWithoutTrouble() throws IOException {
    Path file = dir.resolve("long.parley");
    Files.writeString(file, "package l; " + "const u8 X = 1; ".repeat(1) + " ".repeat(200_000) + "#");
    assertEquals(List.of(":1:200028: error: unexpected character '#' (U+0023)"), errors(file));
  }

  @Test
  void tooManySyntaxErrorsStopReadingTheFile() throws IOException {
    Path file = dir.resolve("many.parley");
    Files.writeString(file, "package m;\n" + "#\n".repeat(1000));
    List<String> errors = errors(file);
    assertEquals(SourceParser.MAX_ERRORS_PER_FILE + 1, errors.size());
    assertEquals(":101:1: error: too many errors; stopped reading this file after 100 errors",
        errors.get(errors.size() - 1));
  }
}
