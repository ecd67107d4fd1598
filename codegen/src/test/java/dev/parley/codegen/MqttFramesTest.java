package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.codegen.FrameLayoutsTest.Subject;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodedFrame;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * MQTT 3.1.1 control packets, laid out as the OASIS specification's section 3 lays them out, through
 * the generated code of {@code valid/bodies/mqtt.parley}: the packet type in the first byte's high
 * four bits (a bit-field type id), PUBLISH's QoS bits choosing whether a packet id follows (a union
 * selected by a header field), the remaining length as a variable byte integer (a varint length).
 * Each frame decodes to the values its layout names, encodes back to its bytes, and the interpreter
 * reads it alike.
 */
class MqttFramesTest {

  private static final String PACKAGE = "bodies.mqtt.";

  private static Object mqtt(String name, Object... components) {
    return BodiesTest.record(PACKAGE + name, components);
  }

  private static Bytes ascii(String text) {
    return Bytes.of(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** A frame as the specification writes its bytes, and the message they are. */
  private record Packet(String name, String hex, Object message) {
    byte[] bytes() {
      return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
  }

  private static List<Packet> packets() {
    Object cleanSession = mqtt("ConnectFlags", false, false, false, 0, false, true, 0);
    return List.of(
        new Packet("CONNECT (3.1)", "10 12 0004 4d515454 04 02 003c 0006 7061726c6579",
            mqtt("Connect", 0, 0, 0, "MQTT", 4, cleanSession, 60, "parley", Bytes.empty())),
        new Packet("CONNACK (3.2)", "20 02 00 00",
            mqtt("Connack", 0, 0, 0, mqtt("ConnackFlags", 0, false), BodiesTest.constant(PACKAGE + "ConnectReturnCode",
                "ACCEPTED"))),
        new Packet("PUBLISH QoS 0 (3.3)", "30 07 0003 612f62 6869",
            mqtt("Publish", 0, 0, "a/b", mqtt("AtMostOnce", ascii("hi")))),
        new Packet("PUBLISH QoS 1, retained (3.3)", "33 09 0003 612f62 000a 6869",
            mqtt("Publish", 0, 1, "a/b", mqtt("AtLeastOnce", 10, ascii("hi")))),
        new Packet("PUBACK (3.4)", "40 02 000a", mqtt("Puback", 0, 0, 0, 10)),
        new Packet("SUBSCRIBE (3.8)", "82 08 0001 0003 612f62 01",
            mqtt("Subscribe", 0, 1, 0, 1, List.of(mqtt("Subscription", "a/b", 1)))),
        new Packet("SUBACK (3.9)", "90 03 0001 01", mqtt("Suback", 0, 0, 0, 1, List.of(1))),
        new Packet("PINGREQ (3.12)", "c0 00", mqtt("Pingreq", 0, 0, 0)),
        new Packet("PINGRESP (3.13)", "d0 00", mqtt("Pingresp", 0, 0, 0)),
        new Packet("DISCONNECT (3.14)", "e0 00", mqtt("Disconnect", 0, 0, 0)));
  }

  @TestFactory
  Stream<DynamicTest> everyPacketDecodesToItsLayoutAndBackToItsBytes() {
    Subject s = BodiesTest.subject("mqtt.parley");
    return packets().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
      ByteBuffer cut = FrameLayoutsTest.cutOne(s.protocol(), p.bytes());
      Object message = s.protocol().decode(cut);
      assertEquals(p.message(), message, p.name());
      assertArrayEquals(p.bytes(), FrameLayoutsTest.frameOf(s.protocol(), p.message()), "encoded back");
      DecodedFrame decoded = new CaptureReader(s.interpreter(), new ByteArrayInputStream(p.bytes())).next()
          .orElseThrow();
      FrameLayoutsTest.assertAgrees(s.file(), message, decoded, p.name());
    }));
  }

  @Test
  void aLongPublishTakesATwoByteRemainingLength() throws ProtocolException {
    Subject s = BodiesTest.subject("mqtt.parley");
    Object message = mqtt("Publish", 0, 0, "t", mqtt("AtMostOnce", Bytes.of(new byte[200])));
    byte[] frame = FrameLayoutsTest.frameOf(s.protocol(), message);
    // 3 bytes of topic and 200 of payload: 203 = 0xCB, written 0xCB 0x01.
    assertEquals("30cb01", HexFormat.of().formatHex(frame, 0, 3));
    assertEquals(1 + 2 + 203, frame.length);
    assertEquals(message, s.protocol().decode(ByteBuffer.wrap(frame)));
  }

  @Test
  void aQosWithoutACaseAndAFlagOutOfItsBitsAreRefused() {
    Subject s = BodiesTest.subject("mqtt.parley");
    // QoS 3 is reserved: Delivery has no case for it.
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> s.protocol().decode(ByteBuffer.wrap(HexFormat.of().parseHex("36050003612f62"))));
    assertTrue(e.getMessage().contains("Delivery has no case for 3"), e.getMessage());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> mqtt("Publish", 2, 0, "a/b", mqtt("AtMostOnce", Bytes.empty())));
    assertTrue(dup.getMessage().startsWith("dup is 2"), dup.getMessage());
  }
}
