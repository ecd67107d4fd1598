package dev.parley.maven;

import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Generates Java records and codecs from {@code src/test/parley} into
 * {@code target/generated-test-sources/parley}, added as a test source root.
 */
@Mojo(name = "generate-test", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true,
    requiresDependencyResolution = ResolutionScope.TEST)
public final class GenerateTestMojo extends AbstractGenerateMojo {

  /** Where the test schemas are. */
  @Parameter(defaultValue = "${project.basedir}/src/test/parley")
  private File sourceDirectory;

  /** Where the Java test sources go. */
  @Parameter(defaultValue = "${project.build.directory}/generated-test-sources/parley")
  private File outputDirectory;

  /** Whether to also write {@code <File>Generators}: on for test schemas; they need {@code parley-testing}. */
  @Parameter(property = "parley.generateGenerators", defaultValue = "true")
  private boolean generateGenerators;

  @Override
  boolean generateGenerators() {
    return generateGenerators;
  }

  @Override
  File sourceDirectory() {
    return sourceDirectory;
  }

  @Override
  File outputDirectory() {
    return outputDirectory;
  }

  @Override
  String goal() {
    return "generate-test";
  }

  @Override
  void addToProject(Path output, Path sources) {
    project.addTestCompileSourceRoot(output.toString());
  }
}
