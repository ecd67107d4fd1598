package dev.parley.protocols.pg;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.Protocol;
import java.nio.ByteBuffer;

/**
 * A frame as {@link PgServer} reads it: a message, or a whole frame its schema refuses (an unknown
 * tag, a body cut short inside its length). PostgreSQL answers such a frame with an ErrorResponse,
 * 08P01 protocol_violation, before it closes; a connection whose decoder threw would close
 * without a word, so the server reads through {@link #reading}, which hands refusals over as
 * values. What the frame reader refuses before a frame is whole (a negative length, one above the
 * maximum, the stream ending inside a frame) still closes the connection silently, as PostgreSQL
 * does with "invalid message length": its framing is lost, and a reply could not be placed.
 *
 * @param <M> the messages of the schema
 */
sealed interface Inbound<M> {

  /** A frame that decoded. */
  record Message<M>(M message) implements Inbound<M> {}

  /** A whole frame that did not decode, and why. */
  record Refused<M>(ProtocolException error) implements Inbound<M> {}

  /** {@code protocol}, read leniently: what it refuses is a {@link Refused}. It writes nothing. */
  static <M> Protocol<Inbound<M>> reading(Protocol<M> protocol) {
    return new Protocol<>() {
      @Override
      public FrameFormat frameFormat() {
        return protocol.frameFormat();
      }

      @Override
      public int encodedSize(Inbound<M> message) {
        throw new UnsupportedOperationException("the server only reads " + protocol);
      }

      @Override
      public void encode(Inbound<M> message, ByteBuffer out) {
        throw new UnsupportedOperationException("the server only reads " + protocol);
      }

      @Override
      public Inbound<M> decode(ByteBuffer frame) {
        try {
          return new Message<>(protocol.decode(frame));
        } catch (ProtocolException e) {
          return new Refused<>(e);
        } catch (RuntimeException e) {
          return new Refused<>(MalformedFrameException.decoderFailed(e));
        }
      }
    };
  }
}
