package dev.parley.maven;

import com.palantir.javapoet.JavaFile;
import dev.parley.codegen.JavaGenerator;
import dev.parley.codegen.SourceWriter;
import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What the {@code generate} and {@code generate-test} goals share: find the schemas, resolve
 * imports (relative, then {@code importPaths}, then the {@code .parley} files inside dependency
 * jars), check them, write the Java sources of the files under {@code sourceDirectory}, and add
 * the output folder to the build.
 *
 * <p>Incremental: a fingerprint of every input (schema contents, dependency jars, settings,
 * plugin version) is kept beside the output. When it has not changed nothing is rewritten, so
 * sources keep their timestamps and the compiler has nothing to redo; when it has, only files
 * whose content changed are rewritten, and sources of deleted schemas are removed.
 */
abstract class AbstractGenerateMojo extends AbstractSchemaMojo {

  /** Skip this goal. */
  @Parameter(property = "parley.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${plugin.version}", readonly = true)
  private String pluginVersion;

  abstract File sourceDirectory();

  abstract File outputDirectory();

  /** Whether to also write {@code <File>Generators} (they need {@code parley-testing}). */
  abstract boolean generateGenerators();

  /** The goal's name, for its state file and its log lines. */
  abstract String goal();

  /** Adds the output folder as a source root of the right kind, and schemas as resources. */
  abstract void addToProject(Path output, Path sources);

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Parley: skipped");
      return;
    }
    Path sources = sourceDirectory().toPath().toAbsolutePath().normalize();
    Path output = outputDirectory().toPath().toAbsolutePath().normalize();
    if (!Files.isDirectory(sources)) {
      getLog().info("Parley: no schemas in " + sources);
      return;
    }
    try {
      List<Path> schemas = schemas(sources);
      addToProject(output, sources);
      if (schemas.isEmpty()) {
        getLog().info("Parley: no schemas in " + sources);
        return;
      }
      List<Path> jars = SchemaSources.dependencyJars(project);
      State state = State.at(output.resolveSibling(output.getFileName() + "-" + goal() + ".state"));
      String fingerprint = fingerprint(sources, schemas, jars);
      if (fingerprint.equals(state.fingerprint()) && Files.isDirectory(output)) {
        getLog().info("Parley: " + schemas.size() + " schemas unchanged; nothing to generate");
        return;
      }
      generate(sources, output, schemas, jars, state, fingerprint);
    } catch (IOException e) {
      throw new MojoExecutionException("Parley: " + e.getMessage(), e);
    }
  }

  private void generate(Path sources, Path output, List<Path> schemas, List<Path> jars, State state,
      String fingerprint) throws IOException, MojoFailureException {
    try (SchemaSources loader = SchemaSources.over(importFolders(sources), jars)) {
      LoadResult result = loader.load(schemas);
      SchemaSources.report(getLog(), result.diagnostics(), true);
      if (result.schema().isEmpty()) {
        throw new MojoFailureException("Parley: " + result.errorCount() + " error"
            + (result.errorCount() == 1 ? "" : "s") + " in .parley schemas (listed above)");
      }
      Schema schema = result.schema().get();
      List<JavaFile> files = new ArrayList<>();
      JavaGenerator generator = JavaGenerator.of(schema).withGenerators(generateGenerators());
      for (SchemaFile file : schema.files()) {
        // Imports from elsewhere (a dependency jar, a shared folder) come with their own classes.
        if (isUnder(file.path(), sources)) {
          files.addAll(generator.generate(file));
        }
      }
      SourceWriter.Result written = SourceWriter.write(files, output);
      List<Path> generated = new ArrayList<>(written.written());
      generated.addAll(written.unchanged());
      int removed = 0;
      for (Path old : state.files()) {
        if (!generated.contains(old) && Files.deleteIfExists(old)) {
          removed++; // its schema, or its declaration, is gone
        }
      }
      state.save(fingerprint, generated);
      getLog().info("Parley: " + schemas.size() + " schemas, " + files.size() + " Java files: "
          + written.written().size() + " written, " + written.unchanged().size() + " unchanged, "
          + removed + " removed");
    }
  }

  private static boolean isUnder(Path file, Path folder) {
    try {
      return file.getFileSystem().equals(folder.getFileSystem())
          && file.toAbsolutePath().normalize().startsWith(folder);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A digest of everything generation depends on. */
  private String fingerprint(Path sources, List<Path> schemas, List<Path> jars) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    TreeSet<String> settings = new TreeSet<>();
    settings.add("plugin=" + pluginVersion);
    settings.add("includes=" + includes);
    settings.add("excludes=" + excludes);
    settings.add("importPaths=" + importPaths);
    settings.add("output=" + outputDirectory());
    settings.add("generators=" + generateGenerators());
    for (String setting : settings) {
      digest.update(setting.getBytes(StandardCharsets.UTF_8));
    }
    for (Path schema : schemas) {
      digest.update(sources.relativize(schema).toString().getBytes(StandardCharsets.UTF_8));
      digest.update(Files.readAllBytes(schema));
    }
    for (File importPath : importPaths) {
      if (importPath.isDirectory()) {
        try (Stream<Path> walk = Files.walk(importPath.toPath())) {
          for (Path p : walk.filter(f -> f.toString().endsWith(".parley")).sorted().toList()) {
            digest.update(p.toString().getBytes(StandardCharsets.UTF_8));
            digest.update(Files.readAllBytes(p));
          }
        }
      }
    }
    for (Path jar : jars) {
      digest.update((jar + ":" + Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis())
          .getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
