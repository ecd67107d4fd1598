package dev.parley.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: locate test schemas and load them. */
final class Schemas {

  private Schemas() {}

  /** A file or folder under src/test/resources. */
  static Path resource(String name) {
    try {
      return Path.of(Schemas.class.getResource("/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no test resource " + name, e);
    }
  }

  /** Loads test resources and asserts that they load with no diagnostic at all. */
  static Schema loadClean(String... names) {
    LoadResult result = SchemaLoader.create()
        .load(java.util.Arrays.stream(names).map(Schemas::resource).toList());
    assertEquals("", result.format(), "diagnostics");
    assertTrue(result.schema().isPresent());
    return result.schema().get();
  }

  /** Writes {@code text} to {@code dir/name} and loads it. */
  static LoadResult loadText(Path dir, String name, String text) {
    Path file = dir.resolve(name);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SchemaLoader.create().load(List.of(file));
  }
}
