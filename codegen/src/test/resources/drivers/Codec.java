package drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;

/** Encode and decode helpers shared by the drivers; not a test itself (no public static void). */
final class Codec {

  private Codec() {}

  /** The body of {@code message}, checking that encodedSize is exactly what encode writes. */
  static <M> byte[] encode(Protocol<M> protocol, M message) {
    int size = protocol.encodedSize(message);
    ByteBuffer buffer = ByteBuffer.allocate(size + 16).position(7);
    protocol.encode(message, buffer);
    assertEquals(7 + size, buffer.position(), () -> "encodedSize of " + message);
    byte[] body = new byte[size];
    buffer.position(7).get(body);
    return body;
  }

  static <M> M decode(Protocol<M> protocol, byte[] body) throws ProtocolException {
    return protocol.decode(ByteBuffer.wrap(body));
  }

  /** decode(encode(x)) equals x, through heap and direct buffers. */
  static <M> void assertRoundTrip(Protocol<M> protocol, M message) throws ProtocolException {
    byte[] body = encode(protocol, message);
    assertEquals(message, decode(protocol, body), () -> "round trip of " + message + ": " + Bytes.of(body).hex());
    ByteBuffer direct = ByteBuffer.allocateDirect(body.length).put(body).flip();
    assertEquals(message, protocol.decode(direct));
    ByteBuffer out = ByteBuffer.allocateDirect(body.length);
    protocol.encode(message, out);
    assertEquals(Bytes.of(body), Bytes.of(body.length == 0 ? new byte[0] : toArray(out.flip())));
  }

  static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
