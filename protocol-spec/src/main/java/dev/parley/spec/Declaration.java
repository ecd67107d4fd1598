package dev.parley.spec;

import java.util.Optional;

/** A named top-level declaration of a schema file. */
public sealed interface Declaration permits Constant, EnumType, FlagsType, StructType, MessageType, BitsType, UnionType, ExternType {

  /** The name as written, such as {@code Point}. */
  String name();

  /** The name qualified by the file's package, such as {@code chat.v1.Point}. */
  String qualifiedName();

  /** The text of the doc comment before the declaration, without its comment markers. */
  Optional<String> doc();

  /** Where the declaration's name is written. */
  SourceLocation location();
}
