package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.spec.Diagnostic;
import dev.parley.spec.RandomSchema;
import dev.parley.spec.Schema;
import dev.parley.spec.Seeds;
import dev.parley.spec.compat.CompatChecker;
import dev.parley.spec.compat.CompatReport;
import dev.parley.spec.compat.SchemaEvolution;
import dev.parley.testing.Property;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley compat}'s verdict matches what the generated codecs do. For random schemas
 * ({@link RandomSchema}) and random safe evolutions of them ({@link SchemaEvolution#safe}),
 * {@link CompatChecker} finds no error, and the codecs generated for the two versions interoperate
 * both ways on random messages ({@link CodecPair}). For a breaking edit of every third schema
 * ({@link SchemaEvolution#breaking}) it finds an error, and where the edit changes every frame of
 * a message (a message or field removed, an id changed, a message renamed) the codecs really do
 * disagree.
 *
 * <p>Compiling is the cost, so each batch of {@value #PAIRS} schemas is generated, every version
 * into its own Java package, and compiled by one javac invocation. A failure names its seed
 * ({@code -Dparley.seed=N} replays the run). {@code -Dparley.values=N} sets the random messages
 * sent each way per pair, up to {@value #MAX_MESSAGES}; beyond that, every 10,000 values buy
 * another batch (under {@code -Pfuzz}, 10 batches: 300 schemas).
 */
class EvolutionInteropTest {

  /** Schemas per javac invocation. */
  private static final int PAIRS = 30;

  private static final int MAX_MESSAGES = 2_000;

  /** The breaking edit of a schema draws from its own stream, so the safe pair stays as it was. */
  private static final long BREAKING_STREAM = 0x9E3779B97F4A7C15L;

  /** Edits after which no message of the edited kind reads the same: the codecs must disagree. */
  private static final List<String> EVERY_FRAME_CHANGES = List.of(
      "removed field ", "removed message ", "changed id of ", "renamed ");

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES) // a backstop: about 20 s by default, minutes under -Pfuzz
  void compatibleVersionsInteroperateAndBrokenOnesAreReported() throws Exception {
    long base = Seeds.base();
    int values = Integer.getInteger("parley.values", Property.DEFAULT_VALUES);
    int messages = Math.min(values, MAX_MESSAGES);
    int batches = Math.max(1, values / 10_000);
    SplittableRandom seeds = new SplittableRandom(base);
    CodecPair.Tally tally = new CodecPair.Tally();
    int breaking = 0;
    int disagreeing = 0;
    for (int batch = 0; batch < batches; batch++) {
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < PAIRS; i++) {
        long seed = seedOfSchemaWithMessages(seeds);
        int index = batch * PAIRS + i;
        pairs.add(reported(base, index, seed, () -> "", () -> Pair.evolve(dir, index, seed)));
      }
      ClassLoader loader = compile(base, pairs, Files.createDirectories(dir.resolve("classes" + batch)));
      for (Pair pair : pairs) {
        reported(base, pair.index(), pair.seed(), () -> pair.describe(pair.safe()), () -> {
          assertTrue(pair.safe().report().isCompatible(), "parley compat calls a safe evolution breaking");
          new CodecPair(loader, pair.v1(), pair.safe().version(), tally)
              .exchange(new SplittableRandom(pair.seed()).split(), messages);
          return null;
        });
        if (pair.broken().isPresent()) {
          Evolved broken = pair.broken().get();
          breaking++;
          disagreeing += reported(base, pair.index(), pair.seed(), () -> pair.describe(broken),
              () -> disagrees(loader, pair, broken, messages)) ? 1 : 0;
        }
      }
    }
    // Each of these happens in most pairs; none of them in a run would mean the property lost its teeth.
    assertTrue(tally.defaulted > 0 && tally.skipped > 0 && tally.newToOld > 0, tally::toString);
    String agreed = "the codecs agree across all " + breaking + " breaking edits";
    assertTrue(disagreeing > 0, agreed);
  }

  /**
   * Whether the codecs of a breaking edit disagree on some message; asserts that compat reports
   * the edit, and that the codecs disagree when the edit changes every frame of a message.
   */
  private static boolean disagrees(ClassLoader loader, Pair pair, Evolved broken, int messages)
      throws ReflectiveOperationException {
    assertTrue(broken.report().errorCount() > 0, "parley compat calls a breaking edit compatible");
    if (broken.version().file().messages().isEmpty()) {
      return true; // the edit removed the only message: no old frame can be read
    }
    CodecPair codecs = new CodecPair(loader, pair.v1(), broken.version(), new CodecPair.Tally());
    try {
      codecs.exchange(new SplittableRandom(pair.seed() ^ BREAKING_STREAM).split(), messages);
    } catch (AssertionError expected) {
      return true;
    }
    String edit = broken.evolution().changes().get(broken.evolution().changes().size() - 1);
    assertTrue(EVERY_FRAME_CHANGES.stream().noneMatch(edit::startsWith), "the codecs agree after " + edit);
    return false;
  }

  /** The seed of the next random schema that declares a message: others have no frames to send. */
  private static long seedOfSchemaWithMessages(SplittableRandom seeds) {
    for (int tries = 0; tries < 1000; tries++) {
      long seed = seeds.nextLong();
      if (RandomSchema.generate(seed).summary().stream().anyMatch(line -> line.startsWith("message "))) {
        return seed;
      }
    }
    throw new AssertionError("1000 random schemas without a message");
  }

  /** Every version of every pair, generated with its generators and compiled by one javac run. */
  private static ClassLoader compile(long base, List<Pair> pairs, Path classes) {
    List<InProcessCompiler.Source> sources = new ArrayList<>();
    for (Pair pair : pairs) {
      Stream.concat(Stream.of(pair.v1()), Stream.concat(Stream.of(pair.safe()), pair.broken().stream())
          .map(Evolved::version))
          .flatMap(version -> JavaGenerator.of(version.schema()).withGenerators(true).generateAll().stream())
          .map(InProcessCompiler.Source::of)
          .forEach(sources::add);
    }
    try {
      return InProcessCompiler.compile(sources, classes);
    } catch (AssertionError e) {
      // The files that fail are named interop/p<pair>/<version>/...: the pair's seed is in the run's.
      throw new AssertionError("rerun with -Dparley.seed=" + base + ": " + e.getMessage(), e);
    }
  }

  /** Runs one step of one pair; a failure names the seeds, the pair, and {@code context}. */
  private static <T> T reported(long base, int index, long seed, Supplier<String> context, Step<T> step)
      throws Exception {
    try {
      return step.run();
    } catch (AssertionError | Exception e) {
      throw new AssertionError("pair " + index + " failed (schema seed " + seed + "); rerun with -Dparley.seed="
          + base + ": " + e + "\n" + context.get(), e);
    }
  }

  @FunctionalInterface
  private interface Step<T> {
    T run() throws Exception;
  }

  /** A new version of a schema, what {@code parley compat} says of it, and its Java package. */
  private record Evolved(SchemaEvolution.Evolution evolution, CompatReport report, CodecPair.Version version) {}

  /** A random schema, a safe evolution of it, and for every third schema a breaking one. */
  private record Pair(int index, long seed, String oldText, CodecPair.Version v1, Evolved safe,
      Optional<Evolved> broken) {

    static Pair evolve(Path dir, int index, long seed) throws IOException {
      String oldText = RandomSchema.generate(seed).text();
      Path folder = dir.resolve("p" + index);
      Schema old = load(folder.resolve("v1"), oldText);
      String javaPackage = "interop.p" + index;
      Evolved safe = evolved(old, folder.resolve("v2"), javaPackage + ".v2",
          SchemaEvolution.safe(old.files().get(0), new SplittableRandom(seed)));
      Optional<Evolved> broken = Optional.empty();
      if (index % 3 == 0) {
        SchemaEvolution.Evolution edit = SchemaEvolution.breaking(old.files().get(0),
            new SplittableRandom(seed ^ BREAKING_STREAM)).orElseThrow();
        broken = Optional.of(evolved(old, folder.resolve("broken"), javaPackage + ".broken", edit));
      }
      return new Pair(index, seed, oldText, CodecPair.Version.of(old, javaPackage + ".v1"), safe, broken);
    }

    private static Evolved evolved(Schema old, Path folder, String javaPackage, SchemaEvolution.Evolution evolution)
        throws IOException {
      Schema schema = load(folder, evolution.text());
      return new Evolved(evolution, CompatChecker.compare(old, schema), CodecPair.Version.of(schema, javaPackage));
    }

    private static Schema load(Path folder, String text) throws IOException {
      Path file = Files.createDirectories(folder).resolve("gen.parley");
      Files.writeString(file, text);
      return TestSchemas.load(file);
    }

    String describe(Evolved evolved) {
      return "changes: " + evolved.evolution().changes() + "\nreport:\n"
          + evolved.report().diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n"))
          + "\nold:\n" + oldText + "\nnew:\n" + evolved.evolution().text();
    }
  }
}
