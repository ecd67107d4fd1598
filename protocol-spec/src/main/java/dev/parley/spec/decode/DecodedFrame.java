package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.MessageType;

/**
 * One frame of a stream, decoded.
 *
 * @param offset the stream offset of the frame's first byte (its length prefix)
 * @param length the body length, as the length prefix says
 * @param message the message its type id names
 * @param fields the message's fields in declaration order
 * @param skippedBytes bytes after the last field the schema knows, skipped as a newer writer's
 */
public record DecodedFrame(
    long offset, int length, MessageType message, ImmutableList<DecodedField> fields, int skippedBytes) {

  public DecodedFrame {
    requireNonNull(message, "message");
    requireNonNull(fields, "fields");
  }
}
