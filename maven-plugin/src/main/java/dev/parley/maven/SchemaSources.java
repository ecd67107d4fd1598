package dev.parley.maven;

import dev.parley.spec.Diagnostic;
import dev.parley.spec.LoadResult;
import dev.parley.spec.SchemaLoader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.project.MavenProject;

/**
 * What the goals share about schemas: finding them under a folder with includes and excludes,
 * loading them with imports resolved (relative, then import paths, then the {@code .parley} files
 * inside dependency jars), and logging diagnostics as the command line prints them.
 */
final class SchemaSources implements Closeable {

  private final List<Path> includePaths = new ArrayList<>();
  private final List<FileSystem> jarFileSystems = new ArrayList<>();

  private SchemaSources() {}

  /** Imports resolve against {@code folders} in order, then inside {@code jars}. */
  static SchemaSources over(List<Path> folders, List<Path> jars) throws IOException {
    SchemaSources sources = new SchemaSources();
    sources.includePaths.addAll(folders);
    try {
      for (Path jar : jars) {
        FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of());
        sources.jarFileSystems.add(fs);
        sources.includePaths.add(fs.getPath("/"));
      }
    } catch (IOException | RuntimeException e) {
      sources.close();
      throw e;
    }
    return sources;
  }

  LoadResult load(List<Path> schemas) {
    return SchemaLoader.withIncludePaths(includePaths).load(schemas);
  }

  @Override
  public void close() throws IOException {
    for (FileSystem fs : jarFileSystems) {
      fs.close();
    }
  }

  /** The files under {@code folder} that the includes take and the excludes leave, sorted. */
  static List<Path> find(Path folder, List<String> includes, List<String> excludes) throws IOException {
    List<PathMatcher> in = matchers(includes);
    List<PathMatcher> out = matchers(excludes);
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> {
            Path relative = folder.relativize(p);
            return matches(in, relative) && !matches(out, relative);
          })
          .sorted()
          .toList();
    }
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> matchers = new ArrayList<>();
    for (String glob : globs) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
      if (glob.startsWith("**/")) {
        // "**/x" also means "x" at the top, as in Maven's own includes.
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
      }
    }
    return matchers;
  }

  private static boolean matches(List<PathMatcher> matchers, Path path) {
    return matchers.stream().anyMatch(m -> m.matches(path));
  }

  /** The jars of the project's resolved dependencies, which may hold imported schemas. */
  static List<Path> dependencyJars(MavenProject project) {
    List<Path> jars = new ArrayList<>();
    for (Artifact artifact : project.getArtifacts()) {
      File file = artifact.getFile();
      if (file != null && file.isFile() && file.getName().endsWith(".jar")) {
        jars.add(file.toPath());
      }
    }
    jars.sort(null);
    return jars;
  }

  /**
   * Logs each diagnostic in the same {@code path:line:col: error:} form as the command line:
   * errors as errors, warnings as warnings, notes as information when {@code notes} is set.
   */
  static void report(Log log, List<Diagnostic> diagnostics, boolean notes) {
    for (Diagnostic diagnostic : diagnostics) {
      for (String line : diagnostic.format().split("\n")) {
        switch (diagnostic.severity()) {
          case ERROR -> log.error(line);
          case WARNING -> log.warn(line);
          default -> {
            if (notes) {
              log.info(line);
            }
          }
        }
      }
    }
  }
}
