package dev.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley check}: exit codes and output, through the command's entry point. */
class CheckCommandTest {

  @TempDir
  Path dir;

  /** The outcome of one run of the command. */
  record Run(int exitCode, String out, String err) {}

  static Run parley(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  @Test
  void cleanSchemaExitsZeroWithASummary() throws IOException {
    Path file = write("chat.parley", "package chat;\nstruct P { i32 x; }\nmessage Join = 1 { P at; }\n");
    Run run = parley("check", file.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertEquals(file + ": ok (package chat: 1 message, 1 struct, 0 enums, 0 flags types, 0 constants)\n",
        run.out().replace("\r\n", "\n"));
  }

  @Test
  void schemaErrorsExitOneWithJavacStyleDiagnostics() throws IOException {
    Path file = write("bad.parley", "package bad;\nmessage Join = 1 {\n  Pointt at;\n  u8 class;\n}\n");
    Run run = parley("check", file.toString());
    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertEquals(file + ":3:3: error: unknown type 'Pointt'\n"
        + "  Pointt at;\n"
        + "  ^\n"
        + file + ":4:6: error: field name 'class' is a Java keyword\n"
        + "  u8 class;\n"
        + "     ^\n"
        + "2 errors\n", run.err().replace("\r\n", "\n"));
  }

  @Test
  void diagnosticsOfSeveralFilesAreSortedByFileAndPosition() throws IOException {
    Path b = write("b.parley", "package b;\nmessage M = 1 { X x; }\n");
    Path a = write("a.parley", "package a;\nmessage M = 1 { Y y; Z z; }\n");
    Run run = parley("check", b.toString(), a.toString());
    assertEquals(1, run.exitCode());
    String[] lines = run.err().split("\\R");
    assertTrue(lines[0].startsWith(a + ":2:17: error: unknown type 'Y'"), lines[0]);
    assertTrue(lines[3].startsWith(a + ":2:22: error: unknown type 'Z'"), lines[3]);
    assertTrue(lines[6].startsWith(b + ":2:17: error: unknown type 'X'"), lines[6]);
    assertEquals("3 errors", lines[9]);
  }

  @Test
  void includePathsResolveImports() throws IOException {
    write("lib/common.parley", "package common;\nstruct Point { i32 x; i32 y; }\n");
    Path main = write("app/main.parley", "package app;\nimport \"common.parley\";\nmessage M = 1 { Point p; }\n");
    assertEquals(1, parley("check", main.toString()).exitCode());
    Run run = parley("check", "--include", dir.resolve("lib").toString(), main.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("common.parley: ok"), run.out());
  }

  @Test
  void missingFileIsASchemaErrorNotACrash() {
    Run run = parley("check", dir.resolve("nope.parley").toString());
    assertEquals(1, run.exitCode());
    assertEquals(dir.resolve("nope.parley") + ": error: file not found\n1 error\n",
        run.err().replace("\r\n", "\n"));
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, parley().exitCode());
    assertEquals(2, parley("check").exitCode());
    assertEquals(2, parley("check", "--no-such-option", "x.parley").exitCode());
    assertEquals(2, parley("frobnicate").exitCode());
    Run run = parley("check");
    assertTrue(run.err().contains("Usage: parley check"), run.err());
  }

  @Test
  void helpAndVersionExitZero() {
    Run help = parley("--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("check"), help.out());
    Run version = parley("--version");
    assertEquals(0, version.exitCode());
    assertTrue(version.out().startsWith("parley "), version.out());
  }

  @Test
  void binaryJunkIsReportedNotThrown() throws IOException {
    Path file = dir.resolve("junk.parley");
    Files.write(file, new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF});
    Run run = parley("check", file.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().startsWith(file + ":1:1: error: file is not valid UTF-8: byte 0xC3 at offset 0"),
        run.err());
  }
}
