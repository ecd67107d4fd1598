package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.startup.PgStartupProtocol;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.Protocol;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of PostgreSQL's decoders, one target a direction: what a
 * server reads (the startup messages, then the frontend's), and what a client reads (the
 * backend's). Each input is a stream, cut by the {@link FrameReader} as a connection cuts it, so
 * the frame header's checks are fuzzed with the bodies. In a normal build each target replays its
 * corpus ({@code PgFuzzTestInputs}, seeded with the captured frames); with {@code JAZZER_FUZZ=1}
 * (the {@code fuzz} profile) it fuzzes. Only protocol errors may escape; whatever decodes is
 * written back to bytes that decode to the same message.
 */
class PgFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void decodeBackend(byte[] stream) {
    decodeStream(PgBackendProtocol.INSTANCE, stream);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeFrontend(byte[] stream) {
    decodeStream(PgFrontendProtocol.INSTANCE, stream);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeStartup(byte[] stream) {
    decodeStream(PgStartupProtocol.INSTANCE, stream);
  }

  private static <M> void decodeStream(Protocol<M> protocol, byte[] stream) {
    FrameReader reader = new FrameReader(protocol.frameFormat(), 64);
    ByteBuffer in = ByteBuffer.wrap(stream);
    try {
      while (in.hasRemaining()) {
        reader.feed(in);
        for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
          M message = protocol.decode(frame);
          ByteBuffer again = ByteBuffer.allocate(protocol.encodedSize(message));
          protocol.encode(message, again);
          try {
            assertEquals(message, protocol.decode(again.flip()));
          } catch (ProtocolException e) {
            throw new AssertionError("a re-encoded message does not decode", e);
          }
        }
      }
      reader.endOfStream();
    } catch (ProtocolException expected) {
      // refused: what a hostile or broken peer gets
    }
  }
}
