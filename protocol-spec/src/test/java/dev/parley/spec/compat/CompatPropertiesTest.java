package dev.parley.spec.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.spec.Diagnostic;
import dev.parley.spec.RandomSchema;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.Seeds;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded properties of the checker over random valid schemas ({@link RandomSchema}) and random
 * next versions of them ({@link SchemaEvolution}). Each failure names its seed;
 * {@code -Dparley.seed=N} replays a run and {@code -Dparley.values=N} sets the number of cases
 * (every loop is bounded by it, so there is no timeout to outgrow under {@code -Pfuzz}).
 */
class CompatPropertiesTest {

  @TempDir
  Path dir;

  @Test
  void aSchemaComparedWithItselfOrItsPrintedFormHasNoDifference() {
    Compat compat = new Compat(dir);
    Seeds.forEachCase(200, seed -> {
      String text = RandomSchema.generate(seed).text();
      Schema schema = compat.load("old", List.of("gen.parley", text));
      assertEquals(List.of(), CompatChecker.compare(schema, schema).diagnostics());
      String printed = SchemaPrinter.print(schema.files().get(0));
      CompatReport report = compat.compare(List.of("gen.parley", text), List.of("gen.parley", printed));
      assertEquals("", compat.format(report), () -> "old:\n" + text + "\nnew:\n" + printed);
    });
  }

  @Test
  void safeEvolutionsAreCompatible() {
    Compat compat = new Compat(dir);
    Seeds.forEachCase(300, seed -> {
      String text = RandomSchema.generate(seed).text();
      SchemaFile old = compat.load("old", List.of("gen.parley", text)).files().get(0);
      SchemaEvolution.Evolution next = SchemaEvolution.safe(old, new SplittableRandom(seed));
      CompatReport report = compat.compare(List.of("gen.parley", text), List.of("gen.parley", next.text()));
      String context = "changes " + next.changes() + "\nold:\n" + text + "\nnew:\n" + next.text()
          + "\nreport:\n" + compat.format(report);
      assertTrue(report.isCompatible(), context);
      assertTrue(report.noteCount() > 0, context);
      for (Diagnostic d : report.diagnostics()) {
        if (d.severity() == Diagnostic.Severity.WARNING) {
          assertTrue(d.message().contains("is safe only between new writers and new readers"), context);
        }
      }
    });
  }

  @Test
  void breakingEditsAreReported() {
    Compat compat = new Compat(dir);
    AtomicInteger applied = new AtomicInteger();
    Seeds.forEachCase(300, seed -> {
      String text = RandomSchema.generate(seed).text();
      SchemaFile old = compat.load("old", List.of("gen.parley", text)).files().get(0);
      Optional<SchemaEvolution.Evolution> next = SchemaEvolution.breaking(old, new SplittableRandom(seed));
      if (next.isEmpty()) {
        assertTrue(old.messages().isEmpty(), "a schema with messages can always be broken");
        return;
      }
      applied.incrementAndGet();
      CompatReport report = compat.compare(List.of("gen.parley", text), List.of("gen.parley", next.get().text()));
      assertTrue(report.errorCount() > 0, () -> "changes " + next.get().changes() + "\nold:\n" + text
          + "\nnew:\n" + next.get().text() + "\nreport:\n" + compat.format(report));
      assertTrue(report.diagnostics().stream().allMatch(d -> d.location().file().contains("new")),
          () -> report.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
    });
    assertTrue(applied.get() > 0, "no case had anything to break");
  }
}
