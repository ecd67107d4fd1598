package dev.parley.spec;

/**
 * The members every generated record declares beside its components: their names are reserved, so
 * that no field of a schema maps to one of them ({@link JavaNames#isReservedMemberName}), and the
 * generators name the members from here, so that the two cannot drift apart.
 */
public enum GeneratedMember {
  /** A message's type id, from the message interface. */
  TYPE_ID("typeId"),
  /** The exact size of a record's encoding. */
  ENCODED_SIZE("encodedSize"),
  /** Writes a record at a buffer's position. */
  ENCODE("encode"),
  /** Reads a record from a buffer's position. */
  DECODE("decode");

  private final String javaName;

  GeneratedMember(String javaName) {
    this.javaName = javaName;
  }

  /** The member's Java name, such as {@code encodedSize}. */
  public String javaName() {
    return javaName;
  }
}
