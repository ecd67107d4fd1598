package pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.runtime.FrameReader;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import pg.backend.AuthenticationOk;
import pg.backend.PgBackendProtocol;
import pg.backend.ReadyForQuery;

class BackendTest {
  /** Bytes a PostgreSQL 15 server sent: AuthenticationOk, then ReadyForQuery 'I'. */
  private static final byte[] CAPTURED = HexFormat.of().parseHex("520000000800000000" + "5a0000000549");

  @Test
  void framesOfARealServerAreCutAndDecodedAndWrittenBackByteForByte() throws Exception {
    FrameReader reader = new FrameReader(PgBackendProtocol.INSTANCE.frameFormat());
    ByteBuffer stream = ByteBuffer.wrap(CAPTURED);
    while (stream.hasRemaining()) {
      reader.feed(stream);
    }
    assertEquals(new AuthenticationOk(0), PgBackendProtocol.INSTANCE.decode(reader.nextFrame()));
    ReadyForQuery ready = (ReadyForQuery) PgBackendProtocol.INSTANCE.decode(reader.nextFrame());
    assertEquals('I', ready.status());
    ByteBuffer out = ByteBuffer.allocate(PgBackendProtocol.INSTANCE.encodedSize(ready));
    PgBackendProtocol.INSTANCE.encode(ready, out);
    assertArrayEquals(HexFormat.of().parseHex("5a0000000549"), out.array());
  }
}
