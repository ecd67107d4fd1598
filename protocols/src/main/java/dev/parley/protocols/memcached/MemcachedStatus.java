package dev.parley.protocols.memcached;

import java.util.Optional;

/**
 * The status of a memcached response (the header's {@code status}), with the text memcached sends
 * as the value of a response that is not a success.
 */
public enum MemcachedStatus {
  NO_ERROR(0x0000, ""),
  KEY_NOT_FOUND(0x0001, "Not found"),
  KEY_EXISTS(0x0002, "Data exists for key."),
  VALUE_TOO_LARGE(0x0003, "Too large."),
  INVALID_ARGUMENTS(0x0004, "Invalid arguments"),
  ITEM_NOT_STORED(0x0005, "Not stored."),
  NON_NUMERIC_VALUE(0x0006, "Non-numeric server-side value for incr or decr"),
  UNKNOWN_COMMAND(0x0081, "Unknown command"),
  OUT_OF_MEMORY(0x0082, "Out of memory");

  private final int code;
  private final String text;

  MemcachedStatus(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The code in the header. */
  public int code() {
    return code;
  }

  /** What memcached says in the value of a response with this status. */
  public String text() {
    return text;
  }

  /** The status of {@code code}, if it is one of these. */
  public static Optional<MemcachedStatus> of(int code) {
    for (MemcachedStatus status : values()) {
      if (status.code == code) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
