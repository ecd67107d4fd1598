package dev.parley.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** The parameters every goal that reads a project's schemas takes: which files, and where imports are. */
abstract class AbstractSchemaMojo extends AbstractMojo {

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  protected MavenProject project;

  /** Schema files to read, relative to the source directory. */
  @Parameter
  protected List<String> includes = new ArrayList<>(List.of("**/*.parley"));

  /** Files to leave out, relative to the source directory. */
  @Parameter
  protected List<String> excludes = new ArrayList<>();

  /** More folders to look for imports in, after the importing file's own folder. */
  @Parameter
  protected List<File> importPaths = new ArrayList<>();

  /** The schemas under {@code sources} that the includes take and the excludes leave. */
  List<Path> schemas(Path sources) throws IOException {
    return SchemaSources.find(sources, includes, excludes);
  }

  /** Where imports of schemas under {@code sources} resolve, before dependency jars. */
  List<Path> importFolders(Path sources) {
    List<Path> folders = new ArrayList<>();
    folders.add(sources);
    for (File importPath : importPaths) {
      folders.add(importPath.toPath().toAbsolutePath());
    }
    return folders;
  }
}
