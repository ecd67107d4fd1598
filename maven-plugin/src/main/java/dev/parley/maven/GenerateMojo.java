package dev.parley.maven;

import java.io.File;
import java.nio.file.Path;
import org.apache.maven.model.Resource;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Generates Java records and codecs from {@code src/main/parley/**}{@code /*.parley} into
 * {@code target/generated-sources/parley}, adds that folder as a source root, and packages the
 * schemas in the jar so that other projects can import them.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true,
    requiresDependencyResolution = ResolutionScope.COMPILE)
public final class GenerateMojo extends AbstractGenerateMojo {

  /** Where the schemas are. */
  @Parameter(defaultValue = "${project.basedir}/src/main/parley")
  private File sourceDirectory;

  /** Where the Java sources go. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/parley")
  private File outputDirectory;

  /** Whether to also write {@code <File>Generators} for tests; they need {@code parley-testing}. */
  @Parameter(property = "parley.generateGenerators", defaultValue = "false")
  private boolean generateGenerators;

  /** Whether to put the schemas in the jar, for projects that import them. */
  @Parameter(defaultValue = "true")
  private boolean packageSchemas;

  @Override
  File sourceDirectory() {
    return sourceDirectory;
  }

  @Override
  File outputDirectory() {
    return outputDirectory;
  }

  @Override
  boolean generateGenerators() {
    return generateGenerators;
  }

  @Override
  String goal() {
    return "generate";
  }

  @Override
  void addToProject(Path output, Path sources) {
    project.addCompileSourceRoot(output.toString());
    if (packageSchemas && project.getResources().stream().noneMatch(r -> sources.toString().equals(r.getDirectory()))) {
      Resource schemas = new Resource();
      schemas.setDirectory(sources.toString());
      schemas.addInclude("**/*.parley");
      project.addResource(schemas);
    }
  }
}
