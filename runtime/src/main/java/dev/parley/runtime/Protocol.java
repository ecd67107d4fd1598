package dev.parley.runtime;

import java.nio.ByteBuffer;

/**
 * A protocol: how its messages are framed, sized, written and read. Generated code implements
 * it (one {@code <File>Protocol.INSTANCE} per schema file); every transport uses only this.
 *
 * <p>What the methods here see of a frame depends on {@link #frameFormat()}: they deal with the
 * bytes from {@link FrameFormat#bodyOffset()} of the frame to its end.
 *
 * <ul>
 *   <li>For the prefix format (Parley's own), a frame on the wire is the length prefix followed
 *       by the body, and the methods deal with bodies only: the frame writer writes the prefix,
 *       the frame reader takes it off. A Parley body starts with the message's type id.
 *   <li>For a header format ({@link FrameFormat#hasHeader()}), the methods deal with whole frames:
 *       {@link #encodedSize} is the size of the whole frame, header included; {@link #encode}
 *       writes the whole frame, its length field with the value
 *       {@link FrameFormat#lengthValue(int)} gives for that size (the writer checks it, and, in a
 *       header without a length, that the size is the fixed size of the type id written); and
 *       {@link #decode} receives the whole frame, from its first header byte. The header's
 *       fields can be written and read with {@link FrameFormat#writeField} and
 *       {@link FrameFormat#readField}.
 * </ul>
 *
 * @param <M> the messages of the protocol, usually a sealed interface
 */
public interface Protocol<M> {

  /** How frames of this protocol are delimited: length prefix or header, byte order, maximum length. */
  FrameFormat frameFormat();

  /**
   * The exact size in bytes of what {@link #encode} writes for {@code message}: for the prefix
   * format its body (type id and fields), for a header format its whole frame. Encodes nothing.
   */
  int encodedSize(M message);

  /**
   * Writes {@code message} at {@code out.position()} and advances the position past it: its body,
   * or, for a header format, its whole frame. The byte order of {@code out} is ignored: the
   * protocol's own order is used, and {@code out}'s order setting is left as it was.
   *
   * @throws java.nio.BufferOverflowException if fewer than {@link #encodedSize} bytes remain; the
   *     content of {@code out} after its position is then unspecified
   */
  void encode(M message, ByteBuffer out);

  /**
   * Reads one whole frame body (for a header format, one whole frame, header included), from
   * {@code body.position()} to {@code body.limit()}. Bytes left after the last field the reader
   * knows come from a newer writer and are skipped. The returned message owns no part of
   * {@code body}, which the caller may reuse at once.
   *
   * @throws ProtocolException if the body is not a valid message of this protocol; it names the
   *     field and the byte offset within the body
   */
  M decode(ByteBuffer body) throws ProtocolException;
}
