package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.MessageType;

/**
 * One frame of a stream, decoded.
 *
 * @param offset the stream offset of the frame's first byte (its length prefix or header)
 * @param length the body length, as the length prefix says; for a file that declares its frame,
 *     the whole frame's, header included
 * @param message the message its type id names
 * @param fields the message's fields in declaration order
 * @param skippedBytes bytes after the last field the schema knows, skipped as a newer writer's
 * @param header the fields of a declared frame header, in wire order, every role included (the
 *     length, the type id, constants); empty for Parley's own frame
 */
public record DecodedFrame(
    long offset, int length, MessageType message, ImmutableList<DecodedField> fields, int skippedBytes,
    ImmutableList<DecodedField> header) {

  public DecodedFrame {
    requireNonNull(message, "message");
    requireNonNull(fields, "fields");
    requireNonNull(header, "header");
  }

  /** A frame of Parley's own format, which has no header fields. */
  public DecodedFrame(long offset, int length, MessageType message, ImmutableList<DecodedField> fields,
      int skippedBytes) {
    this(offset, length, message, fields, skippedBytes, ImmutableList.of());
  }
}
