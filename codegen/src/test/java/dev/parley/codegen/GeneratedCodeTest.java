package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generates the test schemas, compiles them with the drivers in {@code src/test/resources/drivers}
 * (plain Java written against the generated classes), and runs every public static method of
 * every public driver class as a test.
 */
class GeneratedCodeTest {

  private static final String[] SCHEMAS = {
    "demo.parley", "tiny.parley", "edges.parley", "clashes.parley",
    "evolution/v1/profile.parley", "evolution/v2/profile.parley"
  };

  @TempDir
  static Path classes;

  private static ClassLoader loader;
  private static List<String> drivers;

  /** The test schemas, generated with their generators and compiled: shared with the fuzz targets. */
  static ClassLoader compileSchemas(Path output, List<InProcessCompiler.Source> extra) {
    List<InProcessCompiler.Source> sources = new ArrayList<>(extra);
    for (JavaFile file : TestSchemas.generate(SCHEMAS)) {
      sources.add(InProcessCompiler.Source.of(file));
    }
    return InProcessCompiler.compile(sources, output);
  }

  @BeforeAll
  static void compileSchemasAndDrivers() throws IOException {
    List<InProcessCompiler.Source> sources = new ArrayList<>();
    drivers = new ArrayList<>();
    try (Stream<Path> files = Files.list(TestSchemas.resources().resolve("drivers"))) {
      for (Path driver : files.sorted().toList()) {
        String name = "drivers." + driver.getFileName().toString().replace(".java", "");
        sources.add(new InProcessCompiler.Source(name, TestSchemas.read(driver)));
        drivers.add(name);
      }
    }
    loader = compileSchemas(classes, sources);
  }

  @TestFactory
  Stream<DynamicContainer> everyDriverPasses() throws ClassNotFoundException {
    assertFalse(drivers.isEmpty());
    List<DynamicContainer> containers = new ArrayList<>();
    for (String name : drivers) {
      Class<?> driver = loader.loadClass(name);
      if (!Modifier.isPublic(driver.getModifiers())) {
        continue; // a helper shared by drivers
      }
      List<DynamicTest> tests = Arrays.stream(driver.getDeclaredMethods())
          .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
          .filter(m -> m.getParameterCount() == 0)
          .sorted(Comparator.comparing(Method::getName))
          .map(m -> DynamicTest.dynamicTest(m.getName(), () -> invoke(m)))
          .toList();
      assertFalse(tests.isEmpty(), "driver " + name + " has no public static test method");
      containers.add(DynamicContainer.dynamicContainer(driver.getSimpleName(), tests));
    }
    return containers.stream();
  }

  private static void invoke(Method method) throws Throwable {
    try {
      method.invoke(null);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void everyValidCorpusSchemaGeneratesCodeThatCompiles(@TempDir Path out) throws IOException {
    List<Path> schemas;
    try (Stream<Path> files = Files.walk(TestSchemas.validCorpus())) {
      schemas = files.filter(p -> p.toString().endsWith(".parley")).sorted().toList();
    }
    List<InProcessCompiler.Source> sources = new ArrayList<>();
    for (JavaFile file : JavaGenerator.of(TestSchemas.load(schemas.toArray(Path[]::new))).withGenerators(true)
        .generateAll()) {
      sources.add(InProcessCompiler.Source.of(file));
    }
    InProcessCompiler.compile(sources, out);
  }
}
