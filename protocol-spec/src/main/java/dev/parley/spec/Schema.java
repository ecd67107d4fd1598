package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A linked, valid set of schema files: every name resolved, every check passed. Generators read
 * it and never see syntax or report errors. Immutable.
 */
public final class Schema {

  private final ImmutableList<SchemaFile> files;
  private final ImmutableMap<String, Declaration> byQualifiedName;
  private final Map<Declaration, SchemaFile> fileOf = new IdentityHashMap<>();
  private final ImmutableMap<String, SourceText> sources;

  public Schema(ImmutableList<SchemaFile> files) {
    this(files, ImmutableMap.of());
  }

  /** A schema that can quote the text it was loaded from, keyed by the files' display names. */
  Schema(ImmutableList<SchemaFile> files, Map<String, SourceText> sources) {
    this.files = files;
    this.sources = ImmutableMap.copyOf(sources);
    Map<String, Declaration> index = new HashMap<>();
    for (SchemaFile file : files) {
      for (Declaration d : file.declarations()) {
        index.put(d.qualifiedName(), d);
        fileOf.put(d, file);
      }
    }
    this.byQualifiedName = ImmutableMap.copyOf(index);
  }

  /**
   * The files named to the loader and every file they import, each once, in the order they were
   * first named or imported.
   */
  public ImmutableList<SchemaFile> files() {
    return files;
  }

  /** The declaration with {@code qualifiedName}, such as {@code chat.v1.Point}, in any file. */
  public Optional<Declaration> declaration(String qualifiedName) {
    return Optional.ofNullable(byQualifiedName.get(qualifiedName));
  }

  /** The file that declares {@code declaration}. */
  public SchemaFile fileOf(Declaration declaration) {
    SchemaFile file = fileOf.get(declaration);
    if (file == null) {
      throw new IllegalArgumentException(
          "not declared in this schema: " + declaration.qualifiedName());
    }
    return file;
  }

  /**
   * The line of source that {@code location} points into, without its line break, as a
   * {@link Diagnostic} quotes it: tools that report on a loaded schema (such as {@code parley
   * compat}) point into it the way the loader does. Empty when the location names no position,
   * or a file this schema was not loaded from.
   */
  public String sourceLine(SourceLocation location) {
    return SourceText.quote(sources, location);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Schema that && files.equals(that.files);
  }

  @Override
  public int hashCode() {
    return files.hashCode();
  }

  @Override
  public String toString() {
    return "Schema" + files;
  }
}
