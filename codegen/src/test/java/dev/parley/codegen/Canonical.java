package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the fuzz targets check of whatever decodes: its re-encoding decodes to the same message,
 * and has the bytes it was decoded from, as far as they go. Here, apart from the targets, so that
 * a class of targets does not compile the schemas of another's to use it.
 */
final class Canonical {

  private Canonical() {}

  /**
   * Decodes a whole frame of a protocol that declares its frame; when it decodes, its re-encoding
   * decodes to the same message, and is the same bytes when the frame had none to skip.
   */
  static void decodeFrame(Protocol<Object> protocol, byte[] frame) {
    Object message;
    try {
      message = protocol.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException expected) {
      return;
    }
    ByteBuffer again = ByteBuffer.allocate(protocol.encodedSize(message));
    protocol.encode(message, again);
    try {
      assertEquals(message, protocol.decode(ByteBuffer.wrap(again.array())));
    } catch (ProtocolException e) {
      throw new AssertionError("a re-encoded message does not decode", e);
    }
    if (again.capacity() == frame.length) {
      assertEquals(ByteBuffer.wrap(frame), ByteBuffer.wrap(again.array()), "a frame with nothing skipped re-encodes to its bytes");
    }
  }

  /**
   * Decodes a body of Parley's own frame; when it decodes, the re-encoding agrees with it on their
   * common bytes (a newer writer's bytes were skipped, or an older writer's body lacked the
   * {@code @since} fields), and decodes to the same message.
   */
  static void decodeBody(Protocol<Object> protocol, byte[] body) {
    Object message;
    try {
      message = protocol.decode(ByteBuffer.wrap(body));
    } catch (ProtocolException expected) {
      return;
    }
    ByteBuffer again = ByteBuffer.allocate(protocol.encodedSize(message));
    protocol.encode(message, again);
    int common = Math.min(again.capacity(), body.length);
    assertArrayEquals(Arrays.copyOf(body, common), Arrays.copyOf(again.array(), common));
    try {
      assertEquals(message, protocol.decode(ByteBuffer.wrap(again.array())));
    } catch (ProtocolException e) {
      throw new AssertionError("a re-encoded message does not decode", e);
    }
  }
}
