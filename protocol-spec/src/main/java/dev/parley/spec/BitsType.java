package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * {@code bits DnsFlags : u16 { bool qr; u4 opcode; ... Rcode rcode : 4; }}: named bit fields
 * packed into one unsigned integer, the first field in the most significant bits unless the
 * declaration says {@code lsb_first} (SPEC.md 13.7). Every bit belongs to a field.
 *
 * @param underlying the integer the fields are packed into: {@code u8}, {@code u16}, {@code u24}
 *     or {@code u32}, in the file's byte order
 */
public record BitsType(
    String name,
    String qualifiedName,
    PrimitiveType underlying,
    boolean lsbFirst,
    ImmutableList<BitField> fields,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration, FieldType {

  public BitsType {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(underlying, "underlying");
    requireNonNull(fields, "fields");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  @Override
  public int minimumSize() {
    return underlying.size();
  }

  @Override
  public String displayName() {
    return name;
  }

}
