package dev.parley.spec.compat;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Diagnostic;
import dev.parley.spec.Diagnostic.Severity;

/**
 * What {@link CompatChecker#compare} found: errors for breaking changes, warnings for changes that
 * keep old frames readable but deserve a look, notes for safe changes. Every diagnostic points
 * into the new schema and names the place in the old one. Immutable.
 */
public final class CompatReport {

  private final ImmutableList<Diagnostic> diagnostics;

  CompatReport(ImmutableList<Diagnostic> diagnostics) {
    this.diagnostics = requireNonNull(diagnostics, "diagnostics");
  }

  /**
   * Every finding, sorted by file, position and severity (errors, warnings, notes); findings at
   * one place keep the schema's order.
   */
  public ImmutableList<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** Whether NEW can replace OLD: no breaking change, so no error. */
  public boolean isCompatible() {
    return errorCount() == 0;
  }

  /** Breaking changes. */
  public long errorCount() {
    return count(Severity.ERROR);
  }

  public long warningCount() {
    return count(Severity.WARNING);
  }

  /** Safe changes. */
  public long noteCount() {
    return count(Severity.NOTE);
  }

  private long count(Severity severity) {
    return diagnostics.stream().filter(d -> d.severity() == severity).count();
  }

  @Override
  public String toString() {
    return "CompatReport" + diagnostics;
  }
}
