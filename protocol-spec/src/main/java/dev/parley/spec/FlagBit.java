package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** One named bit of a flags type; {@code position} 0 is the least significant bit. */
public record FlagBit(String name, int position, Optional<String> doc, SourceLocation location) {

  public FlagBit {
    requireNonNull(name, "name");
    requireNonNull(doc, "doc");
    requireNonNull(location, "location");
  }

  /** The bits as one mask, as a flags value travels. */
  public static long mask(Iterable<FlagBit> bits) {
    long mask = 0;
    for (FlagBit bit : bits) {
      mask |= 1L << bit.position();
    }
    return mask;
  }
}
