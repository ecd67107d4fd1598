package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources (and test drivers written against them) with javax.tools, the way a
 * user's build would: {@code --release 17 -Xlint:all -Werror}, against the test classpath, which
 * holds the runtime. Any diagnostic fails the test.
 */
final class InProcessCompiler {

  private InProcessCompiler() {}

  /** A source file to compile: its class name and its text. */
  record Source(String className, String text) {
    static Source of(JavaFile file) {
      String name = file.packageName().isEmpty()
          ? file.typeSpec().name() : file.packageName() + "." + file.typeSpec().name();
      return new Source(name, SourceWriter.contentOf(file));
    }
  }

  /** Compiles {@code sources} into {@code output} and returns a class loader over the result. */
  static ClassLoader compile(List<Source> sources, Path output) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<JavaFileObject> units = new ArrayList<>();
    for (Source source : sources) {
      units.add(new SimpleJavaFileObject(
          URI.create("string:///" + source.className().replace('.', '/') + ".java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return source.text();
        }
      });
    }
    List<String> options = List.of("--release", "17", "-Xlint:all", "-Werror",
        "-classpath", System.getProperty("java.class.path"), "-d", output.toString());
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      boolean ok = compiler.getTask(null, files, diagnostics, options, null, units).call();
      if (!ok || !diagnostics.getDiagnostics().isEmpty()) {
        fail("generated code does not compile cleanly:\n" + diagnostics.getDiagnostics().stream()
            .map(InProcessCompiler::describe)
            .collect(Collectors.joining("\n")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return new URLClassLoader(new URL[] {output.toUri().toURL()}, InProcessCompiler.class.getClassLoader());
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(Diagnostic<? extends JavaFileObject> d) {
    String where = d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ";
    return where + d.getKind() + ": " + d.getMessage(Locale.ROOT);
  }
}
