package dev.parley.runtime;

/**
 * What a frame's length field counts. With the whole frame's size, the value a length carries is
 * that size less the bytes before what it counts: the header up to the end of the length for
 * {@link #FOLLOWING}, the header before the length for {@link #ITSELF_AND_FOLLOWING}, nothing for
 * {@link #FRAME}, the whole header for {@link #BODY}.
 */
public enum LengthCounts {
  /** The bytes after the length field (Parley's own prefix, DNS over TCP, Kafka, Modbus TCP). */
  FOLLOWING("following"),
  /** The length field itself and the bytes after it (PostgreSQL). */
  ITSELF_AND_FOLLOWING("itself and following"),
  /** The whole frame, header included (Diameter). */
  FRAME("the frame"),
  /** The bytes after the header (memcached, MySQL, Cassandra). */
  BODY("the body");

  private final String description;

  LengthCounts(String description) {
    this.description = description;
  }

  /** What it counts, in words: {@code itself and following}. */
  String description() {
    return description;
  }
}
