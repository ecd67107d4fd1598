package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/** {@code string<w>}: an unsigned byte count of width {@code w}, then that many bytes of UTF-8. */
public record StringType(PrefixWidth lengthPrefix) implements FieldType {

  public StringType {
    requireNonNull(lengthPrefix, "lengthPrefix");
  }

  @Override
  public int minimumSize() {
    return lengthPrefix.size();
  }

  @Override
  public String displayName() {
    return lengthPrefix == PrefixWidth.U16 ? "string" : "string<" + lengthPrefix.keyword() + ">";
  }
}
