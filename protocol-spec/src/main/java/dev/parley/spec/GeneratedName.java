package dev.parley.spec;

/**
 * The classes generated once per schema file, beside the types it declares: each is named by the
 * file's Java prefix ({@link SchemaFile#javaPrefix()}) followed by its suffix, as in {@code
 * ChatMessage} or {@code ChatProtocol}. The linker refuses a file whose classes would clash with
 * these; generators name the classes from here, so the two cannot drift apart.
 */
public enum GeneratedName {
  /** The sealed interface every message record of the file implements. */
  MESSAGE("Message", "the message interface"),
  /** The {@code Protocol} implementation that frames, encodes and decodes the file's messages. */
  PROTOCOL("Protocol", "the protocol class"),
  /** The class holding the file's constants. */
  CONSTANTS("Constants", "the constants class"),
  /** Random valid values and frames of the file's types, with their shrinking candidates. */
  GENERATORS("Generators", "the value generators");

  private final String suffix;
  private final String description;

  GeneratedName(String suffix, String description) {
    this.suffix = suffix;
    this.description = description;
  }

  /** What follows the file's prefix in the class name: {@code "Message"}, {@code "Protocol"}... */
  public String suffix() {
    return suffix;
  }

  /** What the class is, for diagnostics: {@code "the message interface"}. */
  public String description() {
    return description;
  }

  /** The simple class name for a file whose Java prefix is {@code prefix}. */
  public String simpleName(String prefix) {
    return prefix + suffix;
  }

  /** The simple class name of this class for {@code file}. */
  public String simpleName(SchemaFile file) {
    return simpleName(file.javaPrefix());
  }
}
