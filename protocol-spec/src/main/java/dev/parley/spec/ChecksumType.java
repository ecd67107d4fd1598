package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code crc32<SPAN>}, {@code crc32c<SPAN>}: a message's last field, a u32 in the file's byte
 * order that the encoder computes over the bytes of its span written before it, and that the
 * decoder computes again and compares (SPEC.md 13.12). It is not a record component.
 */
public record ChecksumType(Algorithm algorithm, Span span) implements FieldType {

  /** The bytes a checksum takes on the wire. */
  public static final int SIZE = 4;

  public ChecksumType {
    requireNonNull(algorithm, "algorithm");
    requireNonNull(span, "span");
  }

  /** The function of the bytes: CRC-32 or CRC-32C, as {@code java.util.zip} computes them. */
  public enum Algorithm {
    /** CRC-32 (ISO-HDLC), as zip, PNG and Ethernet use: {@code java.util.zip.CRC32}. */
    CRC32("crc32"),
    /** CRC-32C (Castagnoli), as iSCSI, SCTP and Kafka use: {@code java.util.zip.CRC32C}. */
    CRC32C("crc32c");

    private final String keyword;

    Algorithm(String keyword) {
      this.keyword = keyword;
    }

    /** The algorithm's name in a schema, such as {@code crc32c}. */
    public String keyword() {
      return keyword;
    }

    /** The algorithm a schema spells {@code keyword}, if any. */
    public static java.util.Optional<Algorithm> forKeyword(String keyword) {
      for (Algorithm algorithm : values()) {
        if (algorithm.keyword.equals(keyword)) {
          return java.util.Optional.of(algorithm);
        }
      }
      return java.util.Optional.empty();
    }
  }

  /** Where the bytes a checksum covers start; they end just before the checksum. */
  public sealed interface Span {

    /** The span as the schema writes it between the angle brackets. */
    String keyword();

    /** {@code frame}: from the frame's first byte, header and length included. */
    record Frame() implements Span {
      @Override
      public String keyword() {
        return "frame";
      }
    }

    /**
     * {@code body}: from the first byte after the frame's header; in Parley's own frame, after the
     * length prefix, so from the type id.
     */
    record Body() implements Span {
      @Override
      public String keyword() {
        return "body";
      }
    }

    /** {@code <name>}: from the first byte of an earlier field of the same message. */
    record From(String field) implements Span {
      public From {
        requireNonNull(field, "field");
      }

      @Override
      public String keyword() {
        return field;
      }
    }
  }

  @Override
  public int minimumSize() {
    return SIZE;
  }

  @Override
  public String displayName() {
    return algorithm.keyword() + "<" + span.keyword() + ">";
  }
}
