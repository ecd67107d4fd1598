package dev.parley.cli;

import dev.parley.spec.Diagnostic;
import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The schema files a command reads and the folders imports are looked up in: the options every
 * command that loads schemas shares, and the loading itself, which prints every diagnostic.
 */
final class SchemaFiles {

  @Option(names = {"-I", "--include"}, paramLabel = "DIR",
      description = "Also look for imports in DIR (repeatable; searched in order, after the"
          + " importing file's folder).")
  List<Path> includes = new ArrayList<>();

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Schema files (.parley).")
  List<Path> files = new ArrayList<>();

  /**
   * Loads the files and their imports, printing each diagnostic to {@code err} as
   * {@code path:line:col: error: ...} with its source line and caret, then a count.
   */
  Optional<Schema> load(PrintWriter err) {
    LoadResult result = SchemaLoader.withIncludePaths(includes).load(files);
    print(result, err);
    long errors = result.errorCount();
    long warnings = result.warningCount();
    if (errors > 0 || warnings > 0) {
      err.println(count(errors, "error") + (warnings > 0 ? ", " + count(warnings, "warning") : ""));
    }
    return result.schema();
  }

  /** Prints every diagnostic of a load as {@code path:line:col: error: ...} with its line and caret. */
  static void print(LoadResult result, PrintWriter err) {
    for (Diagnostic diagnostic : result.diagnostics()) {
      err.println(diagnostic.format());
    }
  }

  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : noun.endsWith("s") ? "es" : "s");
  }
}
