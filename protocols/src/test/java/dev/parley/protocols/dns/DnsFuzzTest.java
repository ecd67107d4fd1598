package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of DNS decoding: whole frames through {@link DnsProtocol}, and
 * names straight through {@link DnsNameCodec} at any position and origin. In a normal build each
 * target replays its corpus ({@code DnsFuzzTestInputs}, seeded with the captured frames); with
 * {@code JAZZER_FUZZ=1} (the {@code fuzz} profile) it fuzzes. Only protocol errors may escape;
 * whatever decodes is written back, without compression, to bytes that decode to the same value.
 * A third target, {@link #answerQuery}, gives any message to dns-server's query handling, which
 * must answer it by its id with a message that encodes, or refuse only what has no header.
 */
class DnsFuzzTest {

  private static final DnsNameCodec CODEC = new DnsNameCodec();

  private static final DnsResponder RESPONDER = new DnsResponder(TestZone.load());

  @FuzzTest(maxDuration = "2m")
  void decodeMessage(byte[] frame) {
    DnsMessage message;
    try {
      message = DnsProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException expected) {
      return;
    }
    // Written without compression, a frame of many pointers may outgrow the u16 length: a
    // FrameWriter refuses such a message, and there is nothing to compare.
    if (DnsProtocol.INSTANCE.encodedSize(message) <= DnsProtocol.INSTANCE.frameFormat().maxFrameLength()) {
      byte[] again = DnsCapturesTest.encode(message);
      try {
        assertEquals(message, DnsProtocol.INSTANCE.decode(ByteBuffer.wrap(again)));
      } catch (ProtocolException e) {
        throw new AssertionError("a re-encoded message does not decode", e);
      }
    }
  }

  @FuzzTest(maxDuration = "2m")
  void decodeName(FuzzedDataProvider data) {
    int origin = data.consumeInt(0, 16);
    int position = origin + data.consumeInt(0, 64);
    byte[] bytes = data.consumeRemainingAsBytes();
    if (position >= bytes.length) {
      return;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).position(position);
    DnsName name;
    try {
      name = CODEC.read(in, origin);
    } catch (MalformedFrameException expected) {
      assertEquals(position, in.position(), "a refused name consumes nothing");
      return;
    }
    assertTrue(in.position() > position && in.position() <= bytes.length, "consumes its own bytes only");
    assertEquals(bytes.length, in.limit());
    ByteBuffer out = ByteBuffer.allocate(CODEC.size(name));
    CODEC.write(name, out);
    assertTrue(out.capacity() <= DnsName.MAX_WIRE_LENGTH);
    try {
      assertEquals(name, CODEC.read(out.flip(), 0));
    } catch (MalformedFrameException e) {
      throw new AssertionError("a name written back does not read", e);
    }
    assertEquals(name, DnsName.parse(name.toString()));
  }

  @FuzzTest(maxDuration = "2m")
  void answerQuery(byte[] message) {
    checkAnswer(RESPONDER, message);
  }

  /**
   * What dns-server does with {@code message} (the bytes after a frame's length): a message
   * shorter than a header is refused as a protocol error; any other is answered, unless it is a
   * response, with the query's id and opcode, QR set, in a message that encodes within a frame and
   * decodes to itself; one whose sections do not decode gets FORMERR, or NOTIMP for its opcode.
   */
  static void checkAnswer(DnsResponder responder, byte[] message) {
    if (message.length > 0xFFFF) {
      return;
    }
    byte[] frame = ByteBuffer.allocate(2 + message.length).putShort((short) message.length).put(message).array();
    DnsRequest request;
    try {
      request = DnsRequestProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException refused) {
      assertTrue(message.length < DnsRequestProtocol.HEADER_SIZE, "a message with a header is answered: " + refused);
      return;
    }
    java.util.Optional<Message> answer = responder.respond(request);
    assertEquals(request.flags().qr(), answer.isEmpty(), "a response, and only a response, gets no answer");
    if (answer.isEmpty()) {
      return;
    }
    Message a = answer.get();
    assertEquals(request.id(), a.id());
    assertTrue(a.flags().qr());
    assertEquals(request.flags().opcode(), a.flags().opcode());
    if (request instanceof DnsRequest.Unparsed) {
      assertEquals(request.flags().opcode() == 0 ? Rcode.FORMERR : Rcode.NOTIMP, a.flags().rcode());
    }
    byte[] written = DnsCapturesTest.encode(a);
    assertTrue(written.length <= DnsProtocol.INSTANCE.frameFormat().maxFrameLength());
    try {
      assertEquals(a, DnsProtocol.INSTANCE.decode(ByteBuffer.wrap(written)));
    } catch (ProtocolException e) {
      throw new AssertionError("an answer does not decode", e);
    }
  }
}
