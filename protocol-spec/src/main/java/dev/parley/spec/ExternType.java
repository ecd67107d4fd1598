package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * {@code extern DnsName { java_type = "..."; codec = "..."; }}: a field type that the language
 * cannot say, whose values are of a Java type the user names and whose bytes a Java class the
 * user writes reads and writes, against the runtime's {@code ExternCodec} (SPEC.md 13.13).
 *
 * @param javaType the binary name of the values' class, such as {@code com.example.dns.DnsName}
 * @param codec the binary name of the codec's class, which has a public no-argument constructor
 */
public record ExternType(
    String name,
    String qualifiedName,
    String javaType,
    String codec,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration, FieldType {

  public ExternType {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(javaType, "javaType");
    requireNonNull(codec, "codec");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  /** A value takes a byte at least, which bounds a count of them by the bytes left. */
  @Override
  public int minimumSize() {
    return 1;
  }

  @Override
  public String displayName() {
    return name;
  }
}
