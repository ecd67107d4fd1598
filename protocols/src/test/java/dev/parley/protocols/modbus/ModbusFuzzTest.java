package dev.parley.protocols.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of Modbus decoding: whole frames through modbus-server's
 * request protocol (the generated one, and the frames of functions it does not declare) and
 * through the generated response protocol. In a normal build each target replays its corpus
 * ({@code ModbusFuzzTestInputs}, seeded with the frames of the specification's examples); with
 * {@code JAZZER_FUZZ=1} (the {@code fuzz} profile) it fuzzes. Only protocol errors may escape;
 * whatever decodes is written back to a frame that decodes to the same value, no longer than
 * the one it came from.
 */
class ModbusFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void decodeRequest(byte[] frame) {
    decodes(ServerFrames.SERVER.receives(), frame);
  }

  @FuzzTest(maxDuration = "2m")
  void decodeResponse(byte[] frame) {
    decodes(ModbusResponseProtocol.INSTANCE, frame);
  }

  private static <M> void decodes(Protocol<M> protocol, byte[] frame) {
    M message;
    try {
      message = protocol.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException expected) {
      return;
    }
    byte[] again = ModbusFramesTest.encode(protocol, message);
    assertTrue(again.length <= frame.length, "what decodes is at most the frame it came from");
    try {
      assertEquals(message, protocol.decode(ByteBuffer.wrap(again)));
    } catch (ProtocolException e) {
      throw new AssertionError("a re-encoded message does not decode", e);
    }
  }
}
