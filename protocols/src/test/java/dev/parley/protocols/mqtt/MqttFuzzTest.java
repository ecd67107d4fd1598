package dev.parley.protocols.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of MQTT decoding: whole frames through {@link MqttProtocol},
 * and CONNECT payloads through {@link ConnectPayload#read} under any flags. In a normal build each
 * target replays its corpus ({@code MqttFuzzTestInputs}, seeded with packets of the 3.1.1
 * specification); with {@code JAZZER_FUZZ=1} (the {@code fuzz} profile) it fuzzes. Only protocol
 * errors may escape; whatever decodes is written back to the same bytes.
 */
class MqttFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void decodeFrame(byte[] frame) {
    MqttMessage message;
    try {
      message = MqttProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException expected) {
      return;
    }
    assertEquals(ByteBuffer.wrap(frame), ByteBuffer.wrap(MqttPropertyTest.encode(message)),
        "a decoded frame encodes to its bytes");
  }

  @FuzzTest(maxDuration = "2m")
  void readConnectPayload(FuzzedDataProvider data) {
    ConnectFlags flags;
    try {
      flags = ConnectFlags.decode(ByteBuffer.wrap(new byte[] {data.consumeByte()}));
    } catch (MalformedFrameException e) {
      throw new AssertionError("every byte is a ConnectFlags", e);
    }
    Connect connect = new Connect(0, 0, 0, "MQTT", 4, flags, 0, "fuzz", Bytes.of(data.consumeRemainingAsBytes()));
    ConnectPayload payload;
    try {
      payload = ConnectPayload.read(connect);
    } catch (MalformedFrameException expected) {
      return;
    }
    assertEquals(connect.payload(), payload.toBytes(), "a payload read writes back to its bytes");
    assertEquals(flags.willRetain(), payload.flags(flags.cleanSession()).willRetain());
  }
}
