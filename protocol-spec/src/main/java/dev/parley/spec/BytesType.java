package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/** {@code bytes<w>}: an unsigned byte count of width {@code w}, then that many raw bytes. */
public record BytesType(PrefixWidth lengthPrefix) implements FieldType {

  public BytesType {
    requireNonNull(lengthPrefix, "lengthPrefix");
  }

  @Override
  public int minimumSize() {
    return lengthPrefix.size();
  }

  @Override
  public String displayName() {
    return lengthPrefix == PrefixWidth.U16 ? "bytes" : "bytes<" + lengthPrefix.keyword() + ">";
  }
}
