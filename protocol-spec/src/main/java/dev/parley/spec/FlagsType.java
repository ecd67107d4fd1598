package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * {@code flags Perms : u8 { READ = 0; WRITE = 1; }}: a set of named bits that travels as its
 * underlying unsigned integer; a set bit that is not declared is a decode error.
 */
public record FlagsType(
    String name,
    String qualifiedName,
    PrimitiveType underlying,
    ImmutableList<FlagBit> bits,
    Optional<String> doc,
    SourceLocation location)
    implements Declaration, FieldType {

  public FlagsType {
    requireNonNull(name, "name");
    requireNonNull(qualifiedName, "qualifiedName");
    requireNonNull(underlying, "underlying");
    requireNonNull(bits, "bits");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  /** The bit with {@code name}, if declared. */
  public Optional<FlagBit> bit(String name) {
    return bits.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** The declared bits as one mask: the bits a decoder accepts. */
  public long mask() {
    return FlagBit.mask(bits);
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
