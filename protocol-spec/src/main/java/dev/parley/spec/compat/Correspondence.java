package dev.parley.spec.compat;

import dev.parley.spec.Declaration;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SourceLocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * What in NEW stands for what in OLD. Files are paired first (SPEC.md 11.1): by package and file
 * name, then by package alone, then by file name alone, then the one file left on each side, each
 * rule pairing only files it matches one to one. A file whose package changed moves its
 * declarations with it, so declarations are then matched by package-qualified name with the old
 * package of every paired file read as its new one.
 */
final class Correspondence {

  private final Schema oldSchema;
  private final Schema newSchema;
  private final Map<SchemaFile, SchemaFile> newFileOf = new IdentityHashMap<>();
  private final Map<SchemaFile, SchemaFile> oldFileOf = new IdentityHashMap<>();
  private final Map<String, String> packages = new HashMap<>();
  private final Map<String, Declaration> oldByNewName = new HashMap<>();
  private final Map<String, Declaration> newByName = new HashMap<>();

  private Correspondence(Schema oldSchema, Schema newSchema) {
    this.oldSchema = oldSchema;
    this.newSchema = newSchema;
  }

  static Correspondence of(Schema oldSchema, Schema newSchema) {
    Correspondence c = new Correspondence(oldSchema, newSchema);
    c.pairFiles();
    c.mapPackages();
    for (SchemaFile file : newSchema.files()) {
      file.declarations().forEach(d -> c.newByName.put(d.qualifiedName(), d));
    }
    for (SchemaFile file : oldSchema.files()) {
      file.declarations().forEach(d -> c.oldByNewName.put(c.newName(d.qualifiedName()), d));
    }
    return c;
  }

  /** The file of NEW paired with {@code oldFile}, if any. */
  Optional<SchemaFile> newFile(SchemaFile oldFile) {
    return Optional.ofNullable(newFileOf.get(oldFile));
  }

  /** The file of OLD paired with {@code newFile}, if any. */
  Optional<SchemaFile> oldFile(SchemaFile newFile) {
    return Optional.ofNullable(oldFileOf.get(newFile));
  }

  /** The qualified name an OLD declaration would have in NEW, its package mapped. */
  String newName(String oldQualifiedName) {
    int dot = oldQualifiedName.lastIndexOf('.');
    String oldPackage = oldQualifiedName.substring(0, Math.max(dot, 0));
    return packages.getOrDefault(oldPackage, oldPackage) + oldQualifiedName.substring(Math.max(dot, 0));
  }

  /** The declaration of NEW that carries the name of {@code oldDeclaration}, of any kind. */
  Optional<Declaration> inNew(Declaration oldDeclaration) {
    return Optional.ofNullable(newByName.get(newName(oldDeclaration.qualifiedName())));
  }

  /** The declaration of OLD whose name {@code newDeclaration} carries, of any kind. */
  Optional<Declaration> inOld(Declaration newDeclaration) {
    return Optional.ofNullable(oldByNewName.get(newDeclaration.qualifiedName()));
  }

  /** Whether two named types are one declaration in two versions. */
  boolean same(Declaration oldDeclaration, Declaration newDeclaration) {
    return newName(oldDeclaration.qualifiedName()).equals(newDeclaration.qualifiedName());
  }

  SchemaFile oldFileOf(Declaration oldDeclaration) {
    return oldSchema.fileOf(oldDeclaration);
  }

  SchemaFile newFileOf(Declaration newDeclaration) {
    return newSchema.fileOf(newDeclaration);
  }

  /**
   * Where to point for something of {@code oldFile} that NEW no longer has: the package line of
   * the paired file, else of NEW's first file.
   */
  SourceLocation enclosing(SchemaFile oldFile) {
    return newFile(oldFile).orElse(newSchema.files().get(0)).location();
  }

  Schema oldSchema() {
    return oldSchema;
  }

  Schema newSchema() {
    return newSchema;
  }

  private void pairFiles() {
    List<SchemaFile> oldLeft = new ArrayList<>(oldSchema.files());
    List<SchemaFile> newLeft = new ArrayList<>(newSchema.files());
    List<BiPredicate<SchemaFile, SchemaFile>> rules = List.of(
        (a, b) -> samePackage(a, b) && sameFileName(a, b),
        Correspondence::samePackage,
        Correspondence::sameFileName,
        (a, b) -> true);
    for (BiPredicate<SchemaFile, SchemaFile> rule : rules) {
      for (SchemaFile a : List.copyOf(oldLeft)) {
        List<SchemaFile> candidates = newLeft.stream().filter(b -> rule.test(a, b)).toList();
        if (candidates.size() == 1
            && oldLeft.stream().filter(x -> rule.test(x, candidates.get(0))).count() == 1) {
          newFileOf.put(a, candidates.get(0));
          oldFileOf.put(candidates.get(0), a);
          oldLeft.remove(a);
          newLeft.remove(candidates.get(0));
        }
      }
    }
  }

  /** A renamed package maps to its new name when every pair of its files agrees on that name. */
  private void mapPackages() {
    Map<String, Set<String>> targets = new HashMap<>();
    newFileOf.forEach((o, n) ->
        targets.computeIfAbsent(o.packageName(), k -> new HashSet<>()).add(n.packageName()));
    targets.forEach((from, to) -> {
      if (to.size() == 1) {
        packages.put(from, to.iterator().next());
      }
    });
  }

  private static boolean samePackage(SchemaFile a, SchemaFile b) {
    return a.packageName().equals(b.packageName());
  }

  private static boolean sameFileName(SchemaFile a, SchemaFile b) {
    return a.path().getFileName().toString().equals(b.path().getFileName().toString());
  }
}
