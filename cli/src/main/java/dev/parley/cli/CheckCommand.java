package dev.parley.cli;

import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin
  SchemaFiles schemaFiles;

  @Override
  public Integer call() {
    Optional<Schema> schema = schemaFiles.load(spec.commandLine().getErr());
    if (schema.isEmpty()) {
      return ExitCodes.SCHEMA_ERRORS;
    }
    summarize(schema.get(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  private static void summarize(Schema schema, PrintWriter out) {
    for (SchemaFile file : schema.files()) {
      out.printf("%s: ok (package %s: %s)%n", file.path(), file.packageName(), String.join(", ",
          SchemaFiles.count(file.messages().size(), "message"),
          SchemaFiles.count(file.structs().size(), "struct"),
          SchemaFiles.count(file.enums().size(), "enum"),
          SchemaFiles.count(file.flags().size(), "flags type"),
          SchemaFiles.count(file.constants().size(), "constant")));
    }
  }
}
