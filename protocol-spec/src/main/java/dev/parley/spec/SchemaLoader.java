package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.ImportElement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Loads {@code .parley} files and everything they import, and links them into a {@link Schema}.
 * Never throws for anything a file contains: every problem becomes a {@link Diagnostic}.
 *
 * <p>An import is looked up relative to the importing file's folder, then in each include path in
 * order. Include paths may live in any file system, such as a jar opened with
 * {@link java.nio.file.FileSystems#newFileSystem(Path)}.
 */
public final class SchemaLoader {

  /** Files larger than this are refused unread: no schema needs 8 MiB. */
  public static final long MAX_FILE_SIZE = 8L << 20;

  private final ImmutableList<Path> includePaths;

  private SchemaLoader(List<Path> includePaths) {
    this.includePaths = ImmutableList.copyOf(includePaths);
  }

  /** A loader that resolves imports relative to the importing file only. */
  public static SchemaLoader create() {
    return new SchemaLoader(List.of());
  }

  /** A loader that also looks for imports in {@code includePaths}, in order. */
  public static SchemaLoader withIncludePaths(List<Path> includePaths) {
    return new SchemaLoader(includePaths);
  }

  /** Loads and links {@code files} and their imports. */
  public LoadResult load(Collection<Path> files) {
    Reporter reporter = new Reporter();
    Map<Path, Linker.Unit> units = new LinkedHashMap<>();
    Map<Path, Parsed> parsed = new LinkedHashMap<>();
    Deque<Path> queue = new ArrayDeque<>();
    for (Path file : files) {
      Path key = key(file);
      if (!parsed.containsKey(key)) {
        parsed.put(key, read(file, reporter));
        queue.add(key);
      }
    }
    Map<Path, List<Path>> importKeys = new LinkedHashMap<>();
    Map<Path, List<ImportElement>> importElements = new LinkedHashMap<>();
    while (!queue.isEmpty()) {
      Path key = queue.poll();
      Parsed file = parsed.get(key);
      List<Path> targets = new ArrayList<>();
      List<ImportElement> elements = new ArrayList<>();
      if (file.tree.isPresent()) {
        for (ImportElement anImport : ElementBuilder.imports(file.display, file.tree.get().tree(), reporter)) {
          Optional<Path> found = resolveImport(file.path, anImport.path());
          if (found.isEmpty()) {
            reporter.error(anImport.location(), "cannot find import \"" + anImport.path()
                + "\" (looked in " + searched(file.path) + ")");
            continue;
          }
          Path target = key(found.get());
          if (targets.contains(target)) {
            reporter.warning(anImport.location(), "\"" + anImport.path() + "\" is imported twice");
            continue;
          }
          targets.add(target);
          elements.add(anImport);
          if (!parsed.containsKey(target)) {
            parsed.put(target, read(found.get(), reporter));
            queue.add(target);
          }
        }
      }
      importKeys.put(key, targets);
      importElements.put(key, elements);
    }
    reportImportCycles(new ArrayList<>(parsed.keySet()), importKeys, importElements, parsed, reporter);
    if (reporter.hasErrors()) {
      // Syntax and import errors first: linking a file that did not parse would only add noise.
      return new LoadResult(Optional.empty(), reporter.diagnostics());
    }
    for (Map.Entry<Path, Parsed> entry : parsed.entrySet()) {
      Parsed file = entry.getValue();
      units.put(entry.getKey(), new Linker.Unit(
          ElementBuilder.build(file.path, file.display, file.tree.get(), reporter),
          ImmutableList.copyOf(importKeys.get(entry.getKey()))));
    }
    Optional<Schema> schema = new Linker(reporter, units).link();
    return new LoadResult(reporter.hasErrors() ? Optional.empty() : schema, reporter.diagnostics());
  }

  /** A file read and parsed, or not (its errors reported). */
  private record Parsed(Path path, String display, Optional<SourceParser.Parsed> tree) {}

  private static Parsed read(Path path, Reporter reporter) {
    String display = path.toString();
    Optional<String> text = readText(path, display, reporter);
    if (text.isEmpty()) {
      return new Parsed(path, display, Optional.empty());
    }
    SourceText source = new SourceText(display, text.get());
    reporter.addSource(source);
    return new Parsed(path, display, SourceParser.parse(source, reporter));
  }

  private static Optional<String> readText(Path path, String display, Reporter reporter) {
    byte[] bytes;
    try {
      if (Files.isDirectory(path)) {
        reporter.error(SourceLocation.ofFile(display), "is a directory, not a schema file");
        return Optional.empty();
      }
      long size = Files.size(path);
      if (size > MAX_FILE_SIZE) {
        reporter.error(SourceLocation.ofFile(display), String.format(Locale.ROOT,
            "file is too large (%.1f MiB); schema files are limited to %d MiB",
            size / 1048576.0, MAX_FILE_SIZE >> 20));
        return Optional.empty();
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      reporter.error(SourceLocation.ofFile(display), "file not found");
      return Optional.empty();
    } catch (AccessDeniedException e) {
      reporter.error(SourceLocation.ofFile(display), "cannot read file: permission denied");
      return Optional.empty();
    } catch (IOException | OutOfMemoryError e) {
      reporter.error(SourceLocation.ofFile(display), "cannot read file: " + e.getMessage());
      return Optional.empty();
    }
    return decode(bytes, display, reporter);
  }

  /** Strict UTF-8: a malformed byte is an error at its line and column, never a replacement. */
  private static Optional<String> decode(byte[] bytes, String display, Reporter reporter) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      String before = new String(bytes, 0, offset, StandardCharsets.UTF_8);
      if (before.startsWith("\uFEFF")) {
        before = before.substring(1);
      }
      SourceText source = new SourceText(display, before);
      reporter.addSource(source);
      int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
      String lastLine = before.substring(before.lastIndexOf('\n') + 1);
      reporter.error(new SourceLocation(display, line, lastLine.codePointCount(0, lastLine.length()) + 1),
          String.format(Locale.ROOT, "file is not valid UTF-8: byte 0x%02X at offset %d", bytes[offset] & 0xFF, offset));
      return Optional.empty();
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    // A byte order mark is not part of the text.
    return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
  }

  private Optional<Path> resolveImport(Path from, String path) {
    if (path.isEmpty()) {
      return Optional.empty();
    }
    List<Path> bases = new ArrayList<>();
    Path parent = from.toAbsolutePath().getParent();
    if (parent != null) {
      bases.add(parent);
    }
    bases.addAll(includePaths);
    for (Path base : bases) {
      try {
        Path candidate = base.resolve(base.getFileSystem().getPath(path)).normalize();
        if (Files.isRegularFile(candidate)) {
          return Optional.of(relativeIfDefault(from, candidate));
        }
      } catch (RuntimeException e) {
        // An import that is not a valid path in that file system is simply not found there.
      }
    }
    return Optional.empty();
  }

  /** Keeps paths short in messages: relative to the working folder when that is where they lie. */
  private static Path relativeIfDefault(Path from, Path candidate) {
    if (!from.isAbsolute() && candidate.getFileSystem().equals(from.getFileSystem())) {
      Path cwd = Path.of("").toAbsolutePath();
      if (candidate.startsWith(cwd)) {
        return cwd.relativize(candidate);
      }
    }
    return candidate;
  }

  private String searched(Path from) {
    List<String> places = new ArrayList<>();
    Path parent = from.getParent();
    places.add(parent == null ? "." : parent.toString());
    includePaths.forEach(p -> places.add(p.toString()));
    return String.join(", ", places);
  }

  /** The identity of a file, the same however it was named. */
  private static Path key(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException | RuntimeException e) {
      return path.toAbsolutePath().normalize();
    }
  }

  private static void reportImportCycles(List<Path> keys, Map<Path, List<Path>> imports,
      Map<Path, List<ImportElement>> elements, Map<Path, Parsed> parsed, Reporter reporter) {
    List<int[]> edges = new ArrayList<>();
    for (Path key : keys) {
      edges.add(imports.getOrDefault(key, List.of()).stream().mapToInt(keys::indexOf).toArray());
    }
    for (int[] component : Cycles.find(keys.size(), edges)) {
      for (int v : component) {
        List<Integer> loop = Cycles.loopThrough(v, component, edges);
        Path next = keys.get(loop.get(1));
        int importIndex = imports.get(keys.get(v)).indexOf(next);
        ImportElement anImport = elements.get(keys.get(v)).get(importIndex);
        String path = loop.stream().map(i -> parsed.get(keys.get(i)).display)
            .collect(Collectors.joining(" -> "));
        reporter.error(anImport.location(), "import cycle: " + path);
      }
    }
  }
}
