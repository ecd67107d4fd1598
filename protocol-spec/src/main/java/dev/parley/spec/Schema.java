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

  public Schema(ImmutableList<SchemaFile> files) {
    this.files = files;
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
