package dev.parley.cli;

import dev.parley.spec.Diagnostic;
import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaLoader;
import dev.parley.spec.compat.CompatChecker;
import dev.parley.spec.compat.CompatReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code parley compat OLD NEW}: loads two versions of a schema and reports every change from OLD
 * to NEW that breaks old frames or old code (errors), deserves a look (warnings) or is safe
 * (notes, with {@code --verbose}), each pointing into NEW, then a one-line verdict.
 */
@Command(
    name = "compat",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description = {
      "Check that schema version NEW can replace OLD: old frames still decode, nothing renumbered.",
      "OLD and NEW are each a .parley file or a folder of them (read at any depth).",
      "Exit 0 compatible, 1 breaking changes, 2 bad command line or an input with schema errors."
    })
final class CompatCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, description = "Also list the safe changes.")
  boolean verbose;

  @Option(names = {"-I", "--include"}, paramLabel = "DIR",
      description = "Look for imports of both versions in DIR too (repeatable; searched after the"
          + " importing file's folder and the --old-include or --new-include folders).")
  List<Path> includes = new ArrayList<>();

  @Option(names = "--old-include", paramLabel = "DIR",
      description = "Look for imports of OLD in DIR (repeatable; searched in order).")
  List<Path> oldIncludes = new ArrayList<>();

  @Option(names = "--new-include", paramLabel = "DIR",
      description = "Look for imports of NEW in DIR (repeatable; searched in order).")
  List<Path> newIncludes = new ArrayList<>();

  @Parameters(index = "0", paramLabel = "OLD", description = "The old version: a .parley file or a folder.")
  Path oldPath;

  @Parameters(index = "1", paramLabel = "NEW", description = "The new version: a .parley file or a folder.")
  Path newPath;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Optional<Schema> oldSchema = load("OLD", oldPath, oldIncludes, err);
    Optional<Schema> newSchema = load("NEW", newPath, newIncludes, err);
    if (oldSchema.isEmpty() || newSchema.isEmpty()) {
      return ExitCodes.USAGE;
    }
    CompatReport report = CompatChecker.compare(oldSchema.get(), newSchema.get());
    for (Diagnostic diagnostic : report.diagnostics()) {
      if (verbose || diagnostic.severity() != Diagnostic.Severity.NOTE) {
        err.println(diagnostic.format());
      }
    }
    String warnings = report.warningCount() > 0 ? SchemaFiles.count(report.warningCount(), "warning") : "";
    if (!report.isCompatible()) {
      err.println(SchemaFiles.count(report.errorCount(), "breaking change")
          + (warnings.isEmpty() ? "" : ", " + warnings));
      return ExitCodes.BREAKING_CHANGES;
    }
    List<String> counts = new ArrayList<>();
    if (report.noteCount() > 0) {
      counts.add(SchemaFiles.count(report.noteCount(), "safe change"));
    }
    if (!warnings.isEmpty()) {
      counts.add(warnings);
    }
    spec.commandLine().getOut().println("compatible: " + (counts.isEmpty() ? "no changes" : String.join(", ", counts)));
    return ExitCodes.OK;
  }

  /**
   * One side: its files, loaded with its own include folders and then the shared ones. On errors,
   * prints the diagnostics and which side they belong to.
   */
  private Optional<Schema> load(String side, Path path, List<Path> sideIncludes, PrintWriter err) {
    List<Path> files;
    try {
      files = schemaFiles(path);
    } catch (IOException | UncheckedIOException e) {
      err.println("parley compat: cannot read " + side + " folder " + path + ": " + e.getMessage());
      return Optional.empty();
    }
    if (files.isEmpty()) {
      err.println("parley compat: " + side + " folder " + path + " holds no .parley file");
      return Optional.empty();
    }
    List<Path> searched = new ArrayList<>(sideIncludes);
    searched.addAll(includes);
    LoadResult result = SchemaLoader.withIncludePaths(searched).load(files);
    if (!result.hasErrors()) {
      return result.schema();
    }
    SchemaFiles.print(result, err);
    err.println(side + " " + path + ": " + SchemaFiles.count(result.errorCount(), "error")
        + "; nothing compared");
    return Optional.empty();
  }

  /** The file itself, or every {@code .parley} file under the folder, in path order. */
  private static List<Path> schemaFiles(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> walk = Files.walk(path)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".parley") && Files.isRegularFile(p))
          .sorted()
          .toList();
    }
  }
}
