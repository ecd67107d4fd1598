package dev.parley.cli;

import com.palantir.javapoet.JavaFile;
import dev.parley.codegen.JavaGenerator;
import dev.parley.codegen.SourceWriter;
import dev.parley.spec.Schema;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parley generate -o DIR FILE...}: checks the files like {@code parley check}, then writes
 * the Java sources of every file and of everything they import, rewriting only changed files.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description = "Generate Java records and codecs from .parley schema files.")
final class GenerateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
      description = "Folder to write the Java sources to (created if missing).")
  Path output;

  @Option(names = "--generators",
      description = "Also write <File>Generators (random values, shrinks, valid and corrupted frames for"
          + " property tests and fuzzing); they need dev.parley:parley-testing.")
  boolean generators;

  @Mixin
  SchemaFiles schemaFiles;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Schema> schema = schemaFiles.load(err);
    if (schema.isEmpty()) {
      return ExitCodes.SCHEMA_ERRORS;
    }
    List<JavaFile> sources = JavaGenerator.of(schema.get()).withGenerators(generators).generateAll();
    try {
      SourceWriter.Result written = SourceWriter.write(sources, output);
      out.printf("%d Java files in %s: %d written, %d unchanged%n", sources.size(), output,
          written.written().size(), written.unchanged().size());
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("parley: error: cannot write to " + output + ": " + e.getMessage());
      return ExitCodes.IO_ERROR;
    }
  }
}
