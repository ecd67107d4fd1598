package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the diagnostics of one load, across every file, quoting the source line of each.
 * Nothing is thrown: every stage reports here and goes on, so a user sees all errors at once.
 */
final class Reporter {

  private final Map<String, SourceText> sources = new HashMap<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private int errorCount;

  void addSource(SourceText source) {
    sources.put(source.file(), source);
  }

  /** The text of every file read so far, by display name. */
  Map<String, SourceText> sources() {
    return java.util.Collections.unmodifiableMap(sources);
  }

  void error(SourceLocation location, String message) {
    report(Diagnostic.Severity.ERROR, location, message);
  }

  void warning(SourceLocation location, String message) {
    report(Diagnostic.Severity.WARNING, location, message);
  }

  private void report(Diagnostic.Severity severity, SourceLocation location, String message) {
    diagnostics.add(new Diagnostic(severity, location, message, SourceText.quote(sources, location)));
    if (severity == Diagnostic.Severity.ERROR) {
      errorCount++;
    }
  }

  int errorCount() {
    return errorCount;
  }

  boolean hasErrors() {
    return errorCount > 0;
  }

  /**
   * Every diagnostic so far, sorted by file and position; those at the same place keep the order
   * they were reported in (the sort is stable), so a summary follows what it sums up.
   */
  ImmutableList<Diagnostic> diagnostics() {
    return diagnostics.stream()
        .sorted(java.util.Comparator.comparing(Diagnostic::location).thenComparing(Diagnostic::severity))
        .collect(ImmutableList.toImmutableList());
  }
}
