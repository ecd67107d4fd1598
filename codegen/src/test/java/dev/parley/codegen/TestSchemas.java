package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.palantir.javapoet.JavaFile;
import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the test schemas and drivers live, and how to load and generate them. */
final class TestSchemas {

  private TestSchemas() {}

  /** The module's folder, from surefire's basedir or the working folder. */
  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  }

  static Path resources() {
    return moduleDir().resolve("src/test/resources");
  }

  /** protocol-spec's corpus of valid schemas, which must all generate compiling code. */
  static Path validCorpus() {
    return moduleDir().resolveSibling("protocol-spec").resolve("src/test/resources/valid");
  }

  static Path specFile() {
    return moduleDir().resolveSibling("protocol-spec").resolve("SPEC.md");
  }

  static Schema load(Path... files) {
    LoadResult result = SchemaLoader.create().load(List.of(files));
    assertEquals("", result.format(), "test schemas load cleanly");
    return result.schemaOrThrow();
  }

  static Schema load(String... names) {
    return load(Stream.of(names).map(n -> resources().resolve("schemas").resolve(n)).toArray(Path[]::new));
  }

  static List<JavaFile> generate(String... names) {
    return JavaGenerator.of(load(names)).withGenerators(true).generateAll();
  }

  /** The code of {@code schema}, generators included, compiled into a new temporary folder. */
  static ClassLoader compile(Schema schema, String folder) {
    List<InProcessCompiler.Source> sources = new java.util.ArrayList<>();
    for (JavaFile file : JavaGenerator.of(schema).withGenerators(true).generateAll()) {
      sources.add(InProcessCompiler.Source.of(file));
    }
    try {
      return InProcessCompiler.compile(sources, Files.createTempDirectory(folder));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
