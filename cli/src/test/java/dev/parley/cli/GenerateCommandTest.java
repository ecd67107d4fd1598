package dev.parley.cli;

import static dev.parley.cli.CheckCommandTest.parley;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley generate}: files written, unchanged files left alone, errors and usage. */
class GenerateCommandTest {

  @TempDir
  Path dir;

  private Path schema() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.writeString(lib.resolve("geo.parley"), "package geo;\nstruct Point { i32 x; i32 y; }\n");
    Path file = dir.resolve("chat.parley");
    Files.writeString(file, "package chat;\nimport \"geo.parley\";\nconst u8 MAX = 9;\n"
        + "enum Mood : u8 { OK = 1; }\nmessage Join = 1 { Point at; Mood mood; }\n");
    return file;
  }

  private List<String> javaFiles(Path out) throws IOException {
    try (Stream<Path> files = Files.walk(out)) {
      return files.filter(p -> p.toString().endsWith(".java")).map(p -> out.relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
    }
  }

  @Test
  void writesTheSourcesOfTheFileAndItsImports() throws IOException {
    Path out = dir.resolve("out");
    CheckCommandTest.Run run = parley("generate", "-o", out.toString(), "-I", dir.resolve("lib").toString(),
        schema().toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of("chat/ChatConstants.java", "chat/ChatMessage.java", "chat/ChatProtocol.java",
        "chat/Join.java", "chat/Mood.java", "geo/Point.java"), javaFiles(out));
    assertEquals("6 Java files in " + out + ": 6 written, 0 unchanged\n", run.out().replace("\r\n", "\n"));
    assertTrue(Files.readString(out.resolve("chat/Join.java")).contains("public record Join(Point at, Mood mood)"));
  }

  @Test
  void rewritesOnlyFilesWhoseContentChanged() throws IOException {
    Path out = dir.resolve("out");
    Path file = schema();
    String include = dir.resolve("lib").toString();
    assertEquals(0, parley("generate", "-o", out.toString(), "-I", include, file.toString()).exitCode());
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    for (String name : javaFiles(out)) {
      Files.setLastModifiedTime(out.resolve(name), old);
    }
    CheckCommandTest.Run again = parley("generate", "-o", out.toString(), "-I", include, file.toString());
    assertTrue(again.out().contains("0 written, 6 unchanged"), again.out());
    Files.writeString(file, Files.readString(file).replace("OK = 1;", "OK = 1; BAD = 2;"));
    CheckCommandTest.Run changed = parley("generate", "-o", out.toString(), "-I", include, file.toString());
    assertTrue(changed.out().contains("1 written, 5 unchanged"), changed.out());
    assertEquals(old, Files.getLastModifiedTime(out.resolve("chat/Join.java")));
    assertFalse(old.equals(Files.getLastModifiedTime(out.resolve("chat/Mood.java"))));
  }

  @Test
  void schemaErrorsWriteNothingAndExitOne() throws IOException {
    Path file = dir.resolve("bad.parley");
    Files.writeString(file, "package bad;\nmessage M = 1 { Nope n; }\n");
    Path out = dir.resolve("out");
    CheckCommandTest.Run run = parley("generate", "-o", out.toString(), file.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().startsWith(file + ":2:17: error: unknown type 'Nope'"), run.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void outputIsRequired() throws IOException {
    assertEquals(2, parley("generate", schema().toString()).exitCode());
  }
}
