package dev.parley.cli;

import static dev.parley.cli.CheckCommandTest.parley;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.cli.CheckCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley compat}: exit codes and output, end to end through the command's entry point. */
class CompatCommandTest {

  private static final String V1 = """
      package chat;
      enum Mood : u8 { CALM = 1; }
      message Join = 1 {
        u32 user;
        Mood mood;
      }
      """;

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static String normalized(String text) {
    return text.replace("\r\n", "\n");
  }

  private static void assertNoStackTrace(Run run) {
    String all = run.out() + run.err();
    assertFalse(all.contains("Exception") || all.contains("\tat "), all);
  }

  @Test
  void compatibleVersionsExitZeroWithTheSafeChangesCounted() throws IOException {
    Path v1 = write("v1.parley", V1);
    Path v2 = write("v2.parley", V1.replace("Mood mood;", "Mood mood;\n  @since(2) optional string status;")
        + "message Leave = 2 { u32 user; }\n");
    Run run = parley("compat", v1.toString(), v2.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertEquals("compatible: 2 safe changes\n", normalized(run.out()));
  }

  @Test
  void verboseListsTheSafeChangesAsNotes() throws IOException {
    Path v1 = write("v1.parley", V1);
    Path v2 = write("v2.parley", V1 + "message Leave = 2 { u32 user; }\n");
    Run run = parley("compat", "--verbose", v1.toString(), v2.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(v2 + ":7:9: note: new message 'Leave' (id 2)\n"
        + "message Leave = 2 { u32 user; }\n"
        + "        ^\n", normalized(run.err()));
    assertEquals("compatible: 1 safe change\n", normalized(run.out()));
  }

  @Test
  void sameSchemaHasNoChanges() throws IOException {
    Path v1 = write("v1.parley", V1);
    Run run = parley("compat", v1.toString(), v1.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("compatible: no changes\n", normalized(run.out()));
  }

  @Test
  void warningsShowWithoutVerboseAndKeepTheVersionsCompatible() throws IOException {
    Path v1 = write("v1.parley", V1);
    Path v2 = write("v2.parley", V1.replace("CALM = 1;", "CALM = 1; ANGRY = 2;"));
    Run run = parley("compat", v1.toString(), v2.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(v2 + ":2:28: warning: new constant 'ANGRY' of enum 'Mood' is safe only between new"
        + " writers and new readers: an old reader rejects a frame that carries value 2\n"
        + "enum Mood : u8 { CALM = 1; ANGRY = 2; }\n"
        + "                           ^\n", normalized(run.err()));
    assertEquals("compatible: 1 safe change, 1 warning\n", normalized(run.out()));
  }

  @Test
  void breakingChangesExitOneWithDiagnosticsAndACount() throws IOException {
    Path v1 = write("old/chat.parley", V1);
    Path v2 = write("new/chat.parley", V1.replace("u32 user;", "u64 user;").replace("CALM = 1;", "CALM = 1; SAD = 2;"));
    Run run = parley("compat", v1.toString(), v2.toString());
    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertEquals(v2 + ":2:28: warning: new constant 'SAD' of enum 'Mood' is safe only between new"
        + " writers and new readers: an old reader rejects a frame that carries value 2\n"
        + "enum Mood : u8 { CALM = 1; SAD = 2; }\n"
        + "                           ^\n"
        + v2 + ":4:7: error: field 'user' of message 'Join' is now u64 (was u32 at " + v1 + ":4:7)\n"
        + "  u64 user;\n"
        + "      ^\n"
        + "1 breaking change, 1 warning\n", normalized(run.err()));
  }

  @Test
  void foldersAreReadAtAnyDepth() throws IOException {
    write("old/chat.parley", V1);
    write("old/admin/ban.parley", "package admin;\nmessage Ban = 1 { u32 user; }\n");
    write("new/chat.parley", V1);
    Path ban = write("new/admin/ban.parley", "package admin;\nmessage Ban = 1 { u32 user; u32 until; }\n");
    write("new/admin/README.md", "not a schema");
    Run run = parley("compat", dir.resolve("old").toString(), dir.resolve("new").toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(normalized(run.err()).startsWith(ban + ":2:33: error: field 'until' was added to message 'Ban'"
        + " without @since or a default"), run.err());
    assertTrue(normalized(run.err()).endsWith("\n1 breaking change\n"), run.err());
  }

  @Test
  void includeFoldersArePerSideAndShared() throws IOException {
    write("lib-old/geo.parley", "package geo;\nstruct Point { i32 x; }\n");
    Path newGeo = write("lib-new/geo.parley", "package geo;\nstruct Point { i64 x; }\n");
    write("shared/units.parley", "package units;\nenum Unit : u8 { M = 1; }\n");
    String chat = "package chat;\nimport \"geo.parley\";\nimport \"units.parley\";\n"
        + "message Draw = 1 { Point at; Unit unit; }\n";
    Path v1 = write("old/chat.parley", chat);
    Path v2 = write("new/chat.parley", chat);
    Run run = parley("compat", "--old-include", dir.resolve("lib-old").toString(),
        "--new-include", dir.resolve("lib-new").toString(), "-I", dir.resolve("shared").toString(),
        v1.toString(), v2.toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(normalized(run.err()).startsWith(newGeo + ":2:20: error: field 'x' of struct 'Point' is now i64"
        + " (was i32 at "), run.err());
    assertTrue(run.err().contains("); carried by message Draw\n"), run.err());

    Run withoutIncludes = parley("compat", v1.toString(), v2.toString());
    assertEquals(2, withoutIncludes.exitCode());
  }

  @Test
  void schemaErrorsInAnInputExitTwoAndSayWhichSide() throws IOException {
    Path v1 = write("v1.parley", V1);
    Path v2 = write("v2.parley", V1.replace("u32 user;", "Pointt user;"));
    Run run = parley("compat", v1.toString(), v2.toString());
    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertEquals(v2 + ":4:3: error: unknown type 'Pointt'\n"
        + "  Pointt user;\n"
        + "  ^\n"
        + "NEW " + v2 + ": 1 error; nothing compared\n", normalized(run.err()));
  }

  @Test
  void missingOrUnreadableInputsExitTwo() throws IOException {
    Path v1 = write("v1.parley", V1);
    Path missing = dir.resolve("missing.parley");
    Run run = parley("compat", missing.toString(), v1.toString());
    assertEquals(2, run.exitCode());
    assertEquals(missing + ": error: file not found\nOLD " + missing + ": 1 error; nothing compared\n",
        normalized(run.err()));

    Path junk = dir.resolve("junk.parley");
    Files.write(junk, new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF});
    Run binary = parley("compat", v1.toString(), junk.toString());
    assertEquals(2, binary.exitCode());
    assertTrue(binary.err().startsWith(junk + ":1:1: error: file is not valid UTF-8"), binary.err());
    assertNoStackTrace(binary);
  }

  @Test
  void folderWithoutSchemasExitsTwo() throws IOException {
    Path v1 = write("v1.parley", V1);
    Files.createDirectories(dir.resolve("empty"));
    Run run = parley("compat", v1.toString(), dir.resolve("empty").toString());
    assertEquals(2, run.exitCode());
    assertEquals("parley compat: NEW folder " + dir.resolve("empty") + " holds no .parley file\n",
        normalized(run.err()));
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    Path v1 = write("v1.parley", V1);
    assertEquals(2, parley("compat").exitCode());
    assertEquals(2, parley("compat", v1.toString()).exitCode());
    assertEquals(2, parley("compat", v1.toString(), v1.toString(), v1.toString()).exitCode());
    assertEquals(2, parley("compat", "--frobnicate", v1.toString(), v1.toString()).exitCode());
    Run run = parley("compat", v1.toString());
    assertTrue(run.err().contains("Usage: parley compat"), run.err());
    assertNoStackTrace(run);
  }

  @Test
  void topLevelHelpListsCompatAndItsExitCodes() {
    Run run = parley("--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("compat"), run.out());
    assertTrue(run.out().contains("the schema has errors (compat: NEW breaks OLD; decode: a frame is bad)"),
        run.out());
    Run help = parley("compat", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("--old-include=DIR"), help.out());
  }
}
