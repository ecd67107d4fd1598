package dev.parley.maven;

import dev.parley.spec.LoadResult;
import dev.parley.spec.Schema;
import dev.parley.spec.compat.CompatChecker;
import dev.parley.spec.compat.CompatReport;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/**
 * Fails the build when the schemas under {@code src/main/parley} break peers built from a previous
 * release: it resolves that release's jar (the schemas are packaged in it by the {@code generate}
 * goal), compares the two versions of the protocol as {@code parley compat} does, and logs every
 * change in the same {@code path:line:col: error:} form.
 *
 * <pre>{@code
 * <execution>
 *   <goals><goal>compat</goal></goals>
 *   <configuration>
 *     <compatibleWith>dev.example:chat-protocol:1.4.0</compatibleWith>
 *   </configuration>
 * </execution>
 * }</pre>
 */
@Mojo(name = "compat", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true,
    requiresDependencyResolution = ResolutionScope.COMPILE)
public final class CompatMojo extends AbstractSchemaMojo {

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  private MavenSession session;

  private final RepositorySystem repositorySystem;

  /**
   * The release to stay compatible with, as {@code groupId:artifactId:version} (or
   * {@code groupId:artifactId:extension:classifier:version}); its jar must hold its schemas.
   */
  @Parameter(property = "parley.compatibleWith")
  private String compatibleWith;

  /** Where the new schemas are. */
  @Parameter(defaultValue = "${project.basedir}/src/main/parley")
  private File sourceDirectory;

  /** Also log the safe changes, as notes. */
  @Parameter(property = "parley.compat.verbose", defaultValue = "false")
  private boolean verbose;

  /** Skip this goal. */
  @Parameter(property = "parley.compat.skip", defaultValue = "false")
  private boolean skip;

  @Inject
  public CompatMojo(RepositorySystem repositorySystem) {
    this.repositorySystem = repositorySystem;
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Parley compat: skipped");
      return;
    }
    if (compatibleWith == null || compatibleWith.isBlank()) {
      throw new MojoExecutionException("Parley compat: set <compatibleWith> to the release to compare with,"
          + " as groupId:artifactId:version");
    }
    Path sources = sourceDirectory.toPath().toAbsolutePath().normalize();
    try {
      List<Path> newFiles = Files.isDirectory(sources) ? schemas(sources) : List.of();
      if (newFiles.isEmpty()) {
        throw new MojoExecutionException("Parley compat: no schemas in " + sources);
      }
      Path previous = extractSchemas(resolve(compatibleWith));
      List<Path> jars = SchemaSources.dependencyJars(project);
      Schema oldSchema = load(List.of(previous), jars, SchemaSources.find(previous, List.of("**/*.parley"), List.of()),
          compatibleWith);
      Schema newSchema = load(importFolders(sources), jars, newFiles, null);
      CompatReport report = CompatChecker.compare(oldSchema, newSchema);
      SchemaSources.report(getLog(), report.diagnostics(), verbose);
      String counts = count(report.errorCount(), "breaking change") + ", " + count(report.warningCount(), "warning")
          + ", " + count(report.noteCount(), "safe change");
      if (!report.isCompatible()) {
        throw new MojoFailureException("Parley compat: " + counts + " against " + compatibleWith + " (listed above)");
      }
      getLog().info("Parley compat: compatible with " + compatibleWith + ": " + counts);
    } catch (IOException e) {
      throw new MojoExecutionException("Parley compat: " + e.getMessage(), e);
    }
  }

  private Path resolve(String coordinates) throws MojoExecutionException {
    DefaultArtifact artifact;
    try {
      artifact = new DefaultArtifact(coordinates);
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException("Parley compat: compatibleWith '" + coordinates
          + "' is not groupId:artifactId:version");
    }
    try {
      return repositorySystem.resolveArtifact(session.getRepositorySession(),
          new ArtifactRequest(artifact, project.getRemoteProjectRepositories(), null)).getArtifact().getFile().toPath();
    } catch (ArtifactResolutionException e) {
      throw new MojoExecutionException("Parley compat: cannot resolve " + coordinates + ": " + e.getMessage());
    }
  }

  /**
   * Copies the {@code .parley} files of the previous release's jar into
   * {@code target/parley-compat/<artifact>-<version>/}, so that diagnostics name files one can open.
   */
  private Path extractSchemas(Path jar) throws IOException, MojoExecutionException {
    Path folder = Path.of(project.getBuild().getDirectory(), "parley-compat", jar.getFileName().toString()
        .replaceFirst("\\.jar$", ""));
    if (Files.isDirectory(folder)) {
      try (var old = Files.walk(folder)) {
        for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(folder);
    int count = 0;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        Path target = folder.resolve(entry.getName()).normalize();
        if (entry.isDirectory() || !entry.getName().endsWith(".parley") || !target.startsWith(folder)) {
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, target);
        }
        count++;
      }
    }
    if (count == 0) {
      throw new MojoExecutionException("Parley compat: " + compatibleWith + " holds no .parley schemas"
          + " (the generate goal packages them unless packageSchemas is false)");
    }
    return folder;
  }

  /** Loads one side; its errors are logged and fail the build. */
  private Schema load(List<Path> folders, List<Path> jars, List<Path> files, String release)
      throws IOException, MojoExecutionException, MojoFailureException {
    try (SchemaSources loader = SchemaSources.over(folders, jars)) {
      LoadResult result = loader.load(files);
      SchemaSources.report(getLog(), result.diagnostics(), false);
      if (result.schema().isPresent()) {
        return result.schema().get();
      }
      String errors = count(result.errorCount(), "error");
      if (release != null) {
        throw new MojoExecutionException("Parley compat: the schemas of " + release + " have " + errors);
      }
      throw new MojoFailureException("Parley compat: " + errors + " in .parley schemas (listed above)");
    }
  }

  private static String count(long n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
