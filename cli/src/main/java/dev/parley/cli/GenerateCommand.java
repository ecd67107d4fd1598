package dev.parley.cli;

import com.palantir.javapoet.JavaFile;
import dev.parley.codegen.JavaGenerator;
import dev.parley.codegen.SourceWriter;
import dev.parley.spec.Diagnostic;
import dev.parley.spec.LoadResult;
import dev.parley.spec.SchemaLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

  @Option(names = {"-I", "--include"}, paramLabel = "DIR",
      description = "Also look for imports in DIR (repeatable; searched in order, after the"
          + " importing file's folder).")
  List<Path> includes = new ArrayList<>();

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Schema files to generate from.")
  List<Path> files = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadResult result = SchemaLoader.withIncludePaths(includes).load(files);
    for (Diagnostic diagnostic : result.diagnostics()) {
      err.println(diagnostic.format());
    }
    if (result.schema().isEmpty()) {
      err.println(CheckCommand.count(result.errorCount(), "error"));
      return ExitCodes.SCHEMA_ERRORS;
    }
    List<JavaFile> sources = JavaGenerator.of(result.schema().get()).generateAll();
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
