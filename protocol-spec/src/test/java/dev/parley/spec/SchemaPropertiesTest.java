package dev.parley.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded properties of the front end: random valid schemas link to the model they describe, and
 * random or mutated text never lets anything but diagnostics out. Each failure names its seed;
 * {@code -Dparley.seed=N} replays a run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SchemaPropertiesTest {

  @TempDir
  Path dir;

  @Test
  void randomValidSchemasLinkToTheModelTheyDescribe() {
    Seeds.forEachCase(400, seed -> {
      RandomSchema.Generated generated = RandomSchema.generate(seed);
      LoadResult result = Schemas.loadText(dir, "gen.parley", generated.text());
      assertEquals("", result.format(), () -> "schema:\n" + generated.text());
      assertEquals(generated.summary(), summary(result.schemaOrThrow().files().get(0)),
          () -> "schema:\n" + generated.text());
    });
  }

  @Test
  void mutatedSchemasGiveDiagnosticsNeverExceptions() {
    Seeds.forEachCase(400, seed -> {
      Random rnd = new Random(seed);
      String text = RandomSchema.generate(rnd.nextLong()).text();
      String mutated = mutate(text, rnd);
      assertOnlyDiagnostics(mutated.getBytes(StandardCharsets.UTF_8));
    });
  }

  @Test
  void randomTokenSoupGivesDiagnosticsNeverExceptions() {
    String[] tokens = {
      "package", "import", "option", "const", "enum", "flags", "struct", "message", "optional",
      "string", "bytes", "list", "true", "false", ";", "=", ":", ",", ".", "{", "}", "[", "]", "(",
      ")", "<", ">", "@", "-", "since", "u8", "u16", "u32", "i64", "f32", "bool", "X", "y", "0",
      "1", "0x1F", "-5", "1.5e3", "\"a\"", "\"", "/*", "*/", "/**", "//", "\n", "#", "\u0000", "é"
    };
    Seeds.forEachCase(400, seed -> {
      Random rnd = new Random(seed);
      StringBuilder text = new StringBuilder();
      int count = rnd.nextInt(200);
      for (int i = 0; i < count; i++) {
        text.append(tokens[rnd.nextInt(tokens.length)]).append(rnd.nextBoolean() ? " " : "");
      }
      assertOnlyDiagnostics(text.toString().getBytes(StandardCharsets.UTF_8));
    });
  }

  @Test
  void randomBytesGiveDiagnosticsNeverExceptions() {
    Seeds.forEachCase(200, seed -> {
      Random rnd = new Random(seed);
      byte[] bytes = new byte[rnd.nextInt(2000)];
      rnd.nextBytes(bytes);
      assertOnlyDiagnostics(bytes);
    });
  }

  private void assertOnlyDiagnostics(byte[] content) {
    Path file = dir.resolve("fuzz.parley");
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    LoadResult result = SchemaLoader.create().load(List.of(file));
    assertEquals(result.schema().isEmpty(), result.hasErrors());
    long lines = new String(content, StandardCharsets.UTF_8).lines().count() + 1;
    for (Diagnostic d : result.diagnostics()) {
      assertEquals(file.toString(), d.location().file());
      assertTrue(d.location().line() <= lines, () -> "line out of range: " + d);
      assertTrue(!d.message().isBlank(), "message");
      assertTrue(d.format().startsWith(d.toString()), "format");
    }
  }

  private static String mutate(String text, Random rnd) {
    StringBuilder out = new StringBuilder(text);
    int mutations = 1 + rnd.nextInt(4);
    String[] inserts = {";", "{", "}", "<", ">", "=", "@since(2)", "optional", "\"", "/*", "list<", "0", "-", "é"};
    for (int i = 0; i < mutations && out.length() > 0; i++) {
      int at = rnd.nextInt(out.length());
      switch (rnd.nextInt(5)) {
        case 0 -> out.delete(at, Math.min(out.length(), at + 1 + rnd.nextInt(10)));
        case 1 -> out.insert(at, inserts[rnd.nextInt(inserts.length)]);
        case 2 -> out.setLength(at);
        case 3 -> out.insert(at, out.substring(at, Math.min(out.length(), at + rnd.nextInt(40))));
        default -> out.setCharAt(at, (char) (32 + rnd.nextInt(95)));
      }
    }
    return out.toString();
  }

  /** The model in the generator's summary format, one line per declaration. */
  static List<String> summary(SchemaFile file) {
    List<String> lines = new ArrayList<>();
    for (Declaration d : file.declarations()) {
      if (d instanceof Constant c) {
        lines.add("const " + c.name() + ": " + c.type().displayName());
      } else if (d instanceof EnumType e) {
        lines.add("enum " + e.name() + ": " + e.underlying().keyword() + " "
            + e.constants().stream().map(k -> k.name() + "=" + k.value()).toList());
      } else if (d instanceof FlagsType f) {
        lines.add("flags " + f.name() + ": " + f.underlying().keyword() + " "
            + f.bits().stream().map(b -> b.name() + "=" + b.position()).toList());
      } else if (d instanceof StructType s) {
        lines.add("struct " + s.name() + " " + fields(s.fields()));
      } else if (d instanceof MessageType m) {
        lines.add("message " + m.name() + " = " + m.id() + " " + fields(m.fields()));
      }
    }
    return lines;
  }

  private static String fields(List<Field> fields) {
    return fields.stream()
        .map(f -> f.name() + ":" + f.type().displayName() + (f.optional() ? "?" : "") + "@" + f.since())
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
