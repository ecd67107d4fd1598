package dev.parley.protocols.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.protocols.memcached.ServerConversation.Incoming;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of memcached decoding, one target per direction: requests
 * through the generated protocol and through the server's reading of them, responses through the
 * generated protocol the client reads with. In a normal build each target replays its corpus
 * ({@code MemcachedFuzzTestInputs}, seeded with the frames of the conversation captured in
 * protocol-spec/src/test/resources/captures/memcached-binary.tsv); with
 * {@code JAZZER_FUZZ=1} (the {@code fuzz} profile) it fuzzes. Only protocol errors may escape;
 * whatever decodes is written back to bytes that decode to the same value (bytes a newer writer
 * might have added after the last field are skipped, so not always to the same bytes).
 */
class MemcachedFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void decodeRequest(byte[] frame) throws ProtocolException {
    Incoming incoming;
    try {
      incoming = ServerConversation.REQUESTS.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException expected) {
      return; // another magic, or a frame whose header says another size
    }
    MemcachedRequestMessage request;
    try {
      request = MemcachedRequestProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException refused) {
      assertEquals(Incoming.Refused.class, incoming.getClass(), "what the generated protocol refuses, the server refuses");
      return;
    }
    assertEquals(new Incoming.Command(request), incoming);
    assertEquals(request, MemcachedRequestProtocol.INSTANCE.decode(ByteBuffer.wrap(MemcachedRequestGenerators.frame(request))),
        "decoded, written again and decoded, the same request");
  }

  @FuzzTest(maxDuration = "2m")
  void decodeResponse(byte[] frame) throws ProtocolException {
    MemcachedResponseMessage response;
    try {
      response = MemcachedResponseProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException expected) {
      return;
    }
    assertEquals(response, MemcachedResponseProtocol.INSTANCE.decode(ByteBuffer.wrap(MemcachedResponseGenerators.frame(response))),
        "decoded, written again and decoded, the same response");
  }
}
