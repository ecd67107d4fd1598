package dev.parley.spec;

import com.google.common.collect.ImmutableList;

/** A declaration made of fields: a struct or a message. */
public sealed interface Composite permits StructType, MessageType {

  String name();

  String qualifiedName();

  /** The fields in declaration order, which is wire order. */
  ImmutableList<Field> fields();
}
