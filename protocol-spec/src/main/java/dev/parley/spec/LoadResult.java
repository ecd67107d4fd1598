package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What loading a set of schema files gave: the linked schema when there were no errors, and every
 * diagnostic of every file, sorted by file and position.
 */
public record LoadResult(Optional<Schema> schema, ImmutableList<Diagnostic> diagnostics) {

  public LoadResult {
    requireNonNull(schema, "schema");
    requireNonNull(diagnostics, "diagnostics");
  }

  public boolean hasErrors() {
    return errorCount() > 0;
  }

  public long errorCount() {
    return diagnostics.stream().filter(Diagnostic::isError).count();
  }

  public long warningCount() {
    return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).count();
  }

  /** The schema; throws {@link IllegalStateException} listing the errors when there were any. */
  public Schema schemaOrThrow() {
    return schema.orElseThrow(() -> new IllegalStateException(format()));
  }

  /** Every diagnostic in {@link Diagnostic#format()} form, one after another. */
  public String format() {
    return diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n"));
  }
}
