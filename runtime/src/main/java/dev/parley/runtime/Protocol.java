package dev.parley.runtime;

import java.nio.ByteBuffer;

/**
 * A protocol: how its messages are framed, sized, written and read. Generated code implements
 * it (one {@code <File>Protocol.INSTANCE} per schema file); every transport uses only this.
 *
 * <p>A frame on the wire is the length prefix of {@link #frameFormat()} followed by the body;
 * the methods here deal with bodies only. A body starts with the message's type id.
 *
 * @param <M> the messages of the protocol, usually a sealed interface
 */
public interface Protocol<M> {

  /** How frames of this protocol are delimited: length width, byte order, maximum length. */
  FrameFormat frameFormat();

  /** The exact size in bytes of {@code message}'s body: type id and fields. Encodes nothing. */
  int encodedSize(M message);

  /**
   * Writes {@code message}'s body at {@code out.position()} and advances the position past it.
   * The byte order of {@code out} is ignored: the protocol's own order is used, and {@code out}'s
   * order setting is left as it was.
   *
   * @throws java.nio.BufferOverflowException if fewer than {@link #encodedSize} bytes remain; the
   *     content of {@code out} after its position is then unspecified
   */
  void encode(M message, ByteBuffer out);

  /**
   * Reads one whole frame body, from {@code body.position()} to {@code body.limit()}. Bytes left
   * after the last field the reader knows come from a newer writer and are skipped. The returned
   * message owns no part of {@code body}, which the caller may reuse at once.
   *
   * @throws ProtocolException if the body is not a valid message of this protocol; it names the
   *     field and the byte offset within the body
   */
  M decode(ByteBuffer body) throws ProtocolException;
}
