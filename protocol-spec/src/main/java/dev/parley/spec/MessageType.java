package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code message Join = 1 { ... }}: the body of one frame, written as its type id and then its
 * fields. The id is unique within the file and fits the file's {@code type_id} width.
 */
public record MessageType(
    String name,
    String qualifiedName,
    int id,
    ImmutableList<Field> fields,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration, Composite {

  public MessageType {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(fields, "fields");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  /** The bytes of the message's fields when every one has a fixed size. */
  public OptionalInt fixedSize() {
    int sum = 0;
    for (Field field : fields) {
      OptionalInt size = field.fixedSize();
      if (size.isEmpty()) {
        return size;
      }
      sum += size.getAsInt();
    }
    return OptionalInt.of(sum);
  }

  /** The highest {@code @since} version among the fields: 1 for a message that never evolved. */
  public int version() {
    return fields.stream().mapToInt(Field::since).max().orElse(1);
  }
}
