package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sources generated for {@code golden/chat.parley} (Parley's own frame) and
 * {@code golden/memcached.parley} (a declared frame) equal the files checked in under
 * {@code golden/expected}. A change to the generator shows up here as a diff to review. To accept
 * it on purpose, run {@code mvn -pl codegen test -Dtest=GoldenTest -Dparley.updateGolden=true} and
 * commit the rewritten files with the change that caused them.
 */
class GoldenTest {

  private static final Path GOLDEN = TestSchemas.resources().resolve("golden");
  private static final Path EXPECTED = GOLDEN.resolve("expected");

  private static List<JavaFile> generated() {
    return JavaGenerator.of(TestSchemas.load(GOLDEN.resolve("chat.parley"), GOLDEN.resolve("memcached.parley")))
        .generateAll();
  }

  @Test
  void generatedSourcesEqualTheGoldenFiles() throws IOException {
    List<JavaFile> files = generated();
    if (Boolean.getBoolean("parley.updateGolden")) {
      try (Stream<Path> old = Files.walk(EXPECTED)) {
        for (Path path : old.filter(Files::isRegularFile).toList()) {
          Files.delete(path);
        }
      } catch (java.nio.file.NoSuchFileException e) {
        // First run: nothing to clear.
      }
      SourceWriter.write(files, EXPECTED);
    }
    for (JavaFile file : files) {
      Path expected = SourceWriter.pathOf(file, EXPECTED);
      assertEquals(TestSchemas.read(expected), SourceWriter.contentOf(file),
          () -> "generated " + EXPECTED.relativize(expected) + " differs from its golden file");
    }
    List<Path> expectedFiles;
    try (Stream<Path> all = Files.walk(EXPECTED)) {
      expectedFiles = all.filter(Files::isRegularFile).sorted().toList();
    }
    assertEquals(expectedFiles, files.stream().map(f -> SourceWriter.pathOf(f, EXPECTED)).sorted().toList(),
        "the golden folder holds exactly the generated files");
  }

  @Test
  void generationIsDeterministic() {
    List<String> first = generated().stream().map(SourceWriter::contentOf).toList();
    List<String> second = generated().stream().map(SourceWriter::contentOf).toList();
    assertEquals(first, second);
  }
}
