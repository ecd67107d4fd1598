package dev.parley.spec.compat;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Diagnostic;
import dev.parley.spec.Diagnostic.Severity;
import dev.parley.spec.Schema;
import dev.parley.spec.SourceLocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;

/**
 * Collects what a comparison finds. Every finding points into NEW, so each diagnostic quotes its
 * line from the new schema's source.
 */
final class Findings {

  /** Where a breaking finding goes: an error, or a warning where no frame changes. */
  @FunctionalInterface
  interface Breaks {
    void report(SourceLocation at, String message);
  }

  private final Schema newSchema;
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  Findings(Schema newSchema) {
    this.newSchema = newSchema;
  }

  void error(SourceLocation at, String message) {
    add(Severity.ERROR, at, message);
  }

  void warning(SourceLocation at, String message) {
    add(Severity.WARNING, at, message);
  }

  void note(SourceLocation at, String message) {
    add(Severity.NOTE, at, message);
  }

  /**
   * Breaking changes to a struct, enum or flags type: errors when the messages in
   * {@code carriers} carry the type in both versions, so their frames change; warnings when no
   * message does, since then only schemas that import the type are affected (SPEC.md 11.2).
   */
  Breaks breaks(SortedSet<String> carriers) {
    if (carriers.isEmpty()) {
      return (at, message) -> warning(at, message + "; no message carries it");
    }
    String suffix = "; carried by message" + (carriers.size() == 1 ? " " : "s ") + String.join(", ", carriers);
    return (at, message) -> error(at, message + suffix);
  }

  /**
   * Sorted like the loader's diagnostics: by location, then severity; findings at one place keep
   * the order they were found in, which follows the schema (removed fields in field order).
   */
  ImmutableList<Diagnostic> sorted() {
    return diagnostics.stream()
        .sorted(Comparator.comparing(Diagnostic::location).thenComparing(Diagnostic::severity))
        .collect(ImmutableList.toImmutableList());
  }

  private void add(Severity severity, SourceLocation at, String message) {
    diagnostics.add(new Diagnostic(severity, at, message, newSchema.sourceLine(at)));
  }
}
