package dev.parley.codegen;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes generated sources under a folder, touching only files whose content changed, so that
 * an unchanged schema leaves timestamps alone and the compiler has nothing to redo.
 */
public final class SourceWriter {

  /** What a write did: the files written because new or changed, and those left as they were. */
  public record Result(List<Path> written, List<Path> unchanged) {}

  private SourceWriter() {}

  /** The path of {@code file} under {@code root}: its package as folders, then its class. */
  public static Path pathOf(JavaFile file, Path root) {
    Path path = root;
    if (!file.packageName().isEmpty()) {
      for (String part : file.packageName().split("\\.")) {
        path = path.resolve(part);
      }
    }
    return path.resolve(file.typeSpec().name() + ".java");
  }

  /**
   * An enum constant without a doc comment, alone on its line, as in {@code   CALM(1),}: JavaPoet
   * puts a blank line after every constant, which reads well only when the next one has a doc.
   */
  private static final Pattern BLANK_AFTER_CONSTANT =
      Pattern.compile("(?m)^(  [A-Z][A-Z0-9_]*\\([^()\\n]*\\),)\\n\\n(?=  [A-Z][A-Z0-9_]*\\()");

  /** The source text of {@code file}, as written: undocumented enum constants on consecutive lines. */
  public static String contentOf(JavaFile file) {
    return BLANK_AFTER_CONSTANT.matcher(file.toString()).replaceAll("$1\n");
  }

  /** Writes each file under {@code root} unless the same content is already there. */
  public static Result write(List<JavaFile> files, Path root) throws IOException {
    List<Path> written = new ArrayList<>();
    List<Path> unchanged = new ArrayList<>();
    for (JavaFile file : files) {
      Path path = pathOf(file, root);
      byte[] content = contentOf(file).getBytes(StandardCharsets.UTF_8);
      if (Files.isRegularFile(path) && Arrays.equals(Files.readAllBytes(path), content)) {
        unchanged.add(path);
        continue;
      }
      Files.createDirectories(path.getParent());
      Path temporary = Files.createTempFile(path.getParent(), ".parley-", ".tmp");
      try {
        Files.write(temporary, content);
        Files.move(temporary, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
      written.add(path);
    }
    return new Result(List.copyOf(written), List.copyOf(unchanged));
  }
}
