package dev.parley.benchmarks;

import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SchemaLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long {@code parley check} takes, in a warm JVM, on a schema the size of a big real protocol:
 * the {@value LargeSchema#DECLARATIONS} declarations of {@link LargeSchema}, in five files joined by
 * imports. One operation reads, parses and links every file, as {@link SchemaLoader#load} does for
 * the command line.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// A fixed, pre-touched heap: one check allocates about 100 MB, and on a small machine the page
// faults of a growing heap otherwise show up as system time in the score.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SchemaCheckBenchmark {

  private Path folder;
  private List<Path> files;

  /**
   * Writes the schema to a temporary folder and checks it once, throwing if that reports anything:
   * the benchmark must measure the path of a valid schema, never an error path.
   */
  @Setup(Level.Trial)
  public void writeSchema() throws IOException {
    folder = Files.createTempDirectory("parley-schema-check");
    files = LargeSchema.write(folder);
    LoadResult result = SchemaLoader.create().load(files);
    if (!result.diagnostics().isEmpty()) {
      throw new IllegalStateException("the generated schema is not clean:\n" + result.format());
    }
    int declarations = 0;
    for (SchemaFile file : result.schemaOrThrow().files()) {
      declarations += file.declarations().size();
    }
    if (declarations != LargeSchema.DECLARATIONS) {
      throw new IllegalStateException("the generated schema has " + declarations
          + " declarations, expected " + LargeSchema.DECLARATIONS);
    }
  }

  @TearDown(Level.Trial)
  public void deleteSchema() throws IOException {
    for (Path file : files) {
      Files.deleteIfExists(file);
    }
    Files.deleteIfExists(folder);
  }

  /** Loads and links the five files; returns the schema so that nothing is optimized away. */
  @Benchmark
  public Schema check() {
    return SchemaLoader.create().load(files).schemaOrThrow();
  }
}
