package dev.parley.cli;

import dev.parley.spec.Diagnostic;
import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SchemaLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code parley check FILE...}: loads the files and their imports, runs every check, and prints
 * the diagnostics as {@code path:line:col: error: message} with the source line and a caret.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description = "Check .parley schema files and everything they import.")
final class CheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-I", "--include"}, paramLabel = "DIR",
      description = "Also look for imports in DIR (repeatable; searched in order, after the"
          + " importing file's folder).")
  List<Path> includes = new ArrayList<>();

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Schema files to check.")
  List<Path> files = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadResult result = SchemaLoader.withIncludePaths(includes).load(files);
    for (Diagnostic diagnostic : result.diagnostics()) {
      err.println(diagnostic.format());
    }
    long errors = result.errorCount();
    long warnings = result.warningCount();
    if (errors > 0 || warnings > 0) {
      err.println(count(errors, "error") + (warnings > 0 ? ", " + count(warnings, "warning") : ""));
    }
    if (result.schema().isEmpty()) {
      return ExitCodes.SCHEMA_ERRORS;
    }
    summarize(result.schema().get(), out);
    return ExitCodes.OK;
  }

  private static void summarize(Schema schema, PrintWriter out) {
    for (SchemaFile file : schema.files()) {
      out.printf("%s: ok (package %s: %s)%n", file.path(), file.packageName(), String.join(", ",
          count(file.messages().size(), "message"),
          count(file.structs().size(), "struct"),
          count(file.enums().size(), "enum"),
          count(file.flags().size(), "flags type"),
          count(file.constants().size(), "constant")));
    }
  }

  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : noun.endsWith("s") ? "es" : "s");
  }
}
