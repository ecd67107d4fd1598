package dev.parley.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus of invalid schemas in {@code src/test/resources/invalid}: one case per check and per
 * kind of syntax error, each with the exact diagnostics it must produce.
 *
 * <p>A case is either a file {@code <name>.parley} with its diagnostics in {@code <name>.expected}
 * as {@code LINE:COL: error: MESSAGE} lines, or a folder {@code <name>/} whose entry file is
 * {@code main.parley} and whose {@code expected} file names each diagnostic's file relative to the
 * folder ({@code users.parley:2:8: error: ...}). Paths inside messages are made relative the same
 * way, so the expectations do not depend on where the checkout lives. Each expectation was read
 * line by line against its schema (is the caret on the offending token, does the message name
 * it?): a new check or a changed message updates them on purpose, never by copying output blindly.
 *
 * <p>A few cases cannot be readable text files (bytes that are not UTF-8, control characters,
 * nesting ten thousand deep); they are generated below.
 */
class InvalidSchemaTest {

  private static final String SCHEMA_SUFFIX = ".parley";
  private static final String EXPECTED_SUFFIX = ".expected";
  private static final String FOLDER_ENTRY = "main.parley";
  private static final String FOLDER_EXPECTED = "expected";

  // ---- The corpus -------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> everyInvalidSchemaGivesExactlyItsDiagnostics() throws IOException {
    List<Path> cases = cases();
    assertFalse(cases.isEmpty(), "no cases found in " + corpus());
    return cases.stream().map(path -> DynamicTest.dynamicTest(caseName(path), path.toUri(),
        () -> assertCase(path)));
  }

  @Test
  void everyExpectationFileBelongsToACase() throws IOException {
    List<String> orphans = new ArrayList<>();
    try (Stream<Path> files = Files.list(corpus())) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(EXPECTED_SUFFIX)) {
          Path schema = file.resolveSibling(stripSuffix(name, EXPECTED_SUFFIX) + SCHEMA_SUFFIX);
          if (!Files.isRegularFile(schema)) {
            orphans.add(name);
          }
        } else if (Files.isDirectory(file) && !Files.isRegularFile(file.resolve(FOLDER_ENTRY))) {
          orphans.add(name + "/ (no " + FOLDER_ENTRY + ")");
        } else if (!Files.isDirectory(file) && !name.endsWith(SCHEMA_SUFFIX)) {
          orphans.add(name);
        }
      }
    }
    assertEquals(List.of(), orphans, "files in " + corpus() + " that are not part of a case");
  }

  private static void assertCase(Path path) throws IOException {
    boolean folder = Files.isDirectory(path);
    Path entry = folder ? path.resolve(FOLDER_ENTRY) : path;
    Path expectedFile = folder
        ? path.resolve(FOLDER_EXPECTED)
        : path.resolveSibling(stripSuffix(path.getFileName().toString(), SCHEMA_SUFFIX) + EXPECTED_SUFFIX);
    if (!Files.isRegularFile(expectedFile)) {
      fail("case " + path.getFileName() + " has no expectation file " + expectedFile.getFileName());
    }
    String expected = normalizeLineBreaks(Files.readString(expectedFile, StandardCharsets.UTF_8));

    LoadResult result = SchemaLoader.create().load(List.of(entry));

    assertEquals(expected, diagnosticLines(result, entry.getParent(), folder ? null : entry),
        "diagnostics of " + path.getFileName());
    assertTrue(result.hasErrors(), "an invalid schema gives at least one error");
    assertTrue(result.schema().isEmpty(), "an invalid schema gives no schema");
  }

  private static List<Path> cases() throws IOException {
    try (Stream<Path> files = Files.list(corpus())) {
      return files
          .filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(SCHEMA_SUFFIX))
          .sorted()
          .toList();
    }
  }

  private static String caseName(Path path) {
    return Files.isDirectory(path) ? path.getFileName() + "/" : path.getFileName().toString();
  }

  /**
   * The corpus in the source tree, not its copy in target/test-classes, which keeps cases deleted
   * from the source until the next clean. Surefire runs in the module's folder and sets basedir.
   */
  private static Path corpus() {
    Path corpus = Path.of(System.getProperty("basedir", ""), "src", "test", "resources", "invalid")
        .toAbsolutePath();
    if (!Files.isDirectory(corpus)) {
      throw new IllegalStateException("corpus folder not found: " + corpus);
    }
    return corpus;
  }

  // ---- Generated cases --------------------------------------------------------------------------

  @Test
  void reportsTheFirstByteThatIsNotUtf8AtItsLineAndColumn(@TempDir Path dir) throws IOException {
    // "café" written in ISO-8859-1: 0xE9 alone is not UTF-8.
    byte[] text = join(
        "package chat.v1;\n\nconst string GREETING = \"caf".getBytes(StandardCharsets.US_ASCII),
        new byte[] {(byte) 0xE9},
        "\";\n".getBytes(StandardCharsets.US_ASCII));
    Path file = dir.resolve("latin1.parley");
    Files.write(file, text);

    assertDiagnostics("3:29: error: file is not valid UTF-8: byte 0xE9 at offset 46", file);
  }

  @Test
  void reportsAControlCharacterByItsCodePoint(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("control.parley");
    Files.writeString(file, "package chat.v1;\n\nmessage Join = 1 {\u0001\n  string name;\n}\n");

    assertDiagnostics("3:19: error: unexpected character U+0001", file);
  }

  @Test
  void refusesTenThousandNestedListsWithOneNestingError(@TempDir Path dir) throws IOException {
    int depth = 10_000;
    Path file = dir.resolve("deep_lists.parley");
    Files.writeString(file, "package chat.v1;\n\nmessage Deep = 1 {\n  "
        + "list<".repeat(depth) + "u8" + ">".repeat(depth) + " values;\n}\n");

    // The '<' that goes one level too deep: after the 2-space indent and MAX_NESTING "list<".
    int column = 2 + SourceParser.MAX_NESTING * "list<".length() + "list<".length();
    assertDiagnostics("4:" + column + ": error: types are nested more than "
        + SourceParser.MAX_NESTING + " deep", file);
  }

  @Test
  void survivesTenThousandNestedBracesAtTopLevel(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("deep_braces.parley");
    Files.writeString(file, "package chat.v1;\n\n" + "{".repeat(10_000) + "}".repeat(10_000) + "\n");

    LoadResult result = SchemaLoader.create().load(List.of(file));

    assertTrue(result.hasErrors());
    assertTrue(result.schema().isEmpty());
    assertEquals("3:1: error: expected a declaration (package, import, option, const, enum, flags,"
        + " struct, message or frame) or end of file, found '{'",
        firstLine(diagnosticLines(result, dir, file)));
  }

  @Test
  void survivesTenThousandNestedBracesInAMessage(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("deep_braces.parley");
    Files.writeString(file, "package chat.v1;\n\nmessage Join = 1 "
        + "{".repeat(10_000) + "}".repeat(10_000) + "\n");

    LoadResult result = SchemaLoader.create().load(List.of(file));

    assertTrue(result.hasErrors());
    assertTrue(result.schema().isEmpty());
    assertEquals("3:19: error: expected '}', '@' or a name, found '{'",
        firstLine(diagnosticLines(result, dir, file)));
  }

  @Test
  void stopsReadingAFileAfterOneHundredErrors(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("noise.parley");
    Files.writeString(file, "package chat.v1;\n" + "#\n".repeat(3 * SourceParser.MAX_ERRORS_PER_FILE));

    LoadResult result = SchemaLoader.create().load(List.of(file));

    List<String> lines = diagnosticLines(result, dir, file).lines().toList();
    assertEquals(SourceParser.MAX_ERRORS_PER_FILE + 1, lines.size(), String.join("\n", lines));
    assertEquals((SourceParser.MAX_ERRORS_PER_FILE + 1) + ":1: error: too many errors; stopped"
        + " reading this file after " + SourceParser.MAX_ERRORS_PER_FILE + " errors",
        lines.get(lines.size() - 1), "the summary sorts after the errors it speaks of");
    assertTrue(lines.contains("2:1: error: unexpected character '#' (U+0023)"));
    assertTrue(result.schema().isEmpty());
  }

  private static void assertDiagnostics(String expected, Path file) {
    LoadResult result = SchemaLoader.create().load(List.of(file));
    assertEquals(expected, diagnosticLines(result, file.getParent(), file));
    assertTrue(result.schema().isEmpty());
  }

  // ---- Diagnostics as text ----------------------------------------------------------------------

  /**
   * Each diagnostic as {@code path:line:col: severity: message}, one a line, with {@code self}'s
   * path dropped (a single-file case) and every other path made relative to {@code dir}, in
   * locations and in messages alike.
   */
  private static String diagnosticLines(LoadResult result, Path dir, Path self) {
    String folder = dir.toString();
    return result.diagnostics().stream()
        .map(diagnostic -> {
          String line = diagnostic.toString();
          if (self != null && line.startsWith(self + ":")) {
            line = line.substring(self.toString().length() + 1).stripLeading();
          }
          return line.replace(folder + File.separator, "").replace(folder, ".");
        })
        .collect(Collectors.joining("\n"));
  }

  private static String normalizeLineBreaks(String text) {
    return text.replace("\r\n", "\n").strip();
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }

  private static String stripSuffix(String name, String suffix) {
    return name.substring(0, name.length() - suffix.length());
  }

  private static byte[] join(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
