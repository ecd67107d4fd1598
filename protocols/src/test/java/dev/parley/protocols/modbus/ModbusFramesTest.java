package dev.parley.protocols.modbus;

import static dev.parley.protocols.modbus.ModbusServerTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.modbus.ServerFrames.IllegalFunction;
import dev.parley.protocols.modbus.ServerFrames.Incoming;
import dev.parley.protocols.modbus.ServerFrames.UnsupportedFunction;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frames of the Modbus schemas in exact hex: SPEC.md's worked example (9.9) and the examples of
 * the Modbus Application Protocol specification (V1.1b3, section 6), with the MBAP header of the
 * Messaging on TCP/IP guide before them; coils packed as that specification packs them; and the
 * frames of functions the schema does not declare, which modbus-server reads and answers.
 */
class ModbusFramesTest {

  static <M> byte[] encode(Protocol<M> protocol, M message) {
    ByteBuffer out = ByteBuffer.allocate(protocol.encodedSize(message));
    protocol.encode(message, out);
    assertEquals(out.capacity(), out.position(), "encodedSize is exact");
    return out.array();
  }

  private static <M> void assertFrame(Protocol<M> protocol, M message, String hex) throws ProtocolException {
    assertEquals(hex.replace(" ", ""), Bytes.of(encode(protocol, message)).hex());
    assertEquals(message, protocol.decode(ByteBuffer.wrap(hex(hex))));
  }

  @Test
  void requestsAreTheMbapHeaderThenTheFunctionCodeAndItsData() throws ProtocolException {
    ModbusRequestProtocol p = ModbusRequestProtocol.INSTANCE;
    assertFrame(p, new ReadHoldingRegisters(1, 1, 0, 2), "0001 0000 0006 01 03 0000 0002");
    assertFrame(p, new ReadCoils(0x1234, 0xFF, 19, 19), "1234 0000 0006 ff 01 0013 0013");
    assertFrame(p, new WriteSingleCoil(2, 1, 0xAC, 0xFF00), "0002 0000 0006 01 05 00ac ff00");
    assertFrame(p, new WriteMultipleCoils(3, 1, 19, 10, Coils.pack(
        List.of(true, false, true, true, false, false, true, true, true, false))), "0003 0000 0009 01 0f 0013 000a 02 cd01");
    assertFrame(p, new WriteMultipleRegisters(4, 1, 1, 2, new Registers(List.of(0x000A, 0x0102))),
        "0004 0000 000b 01 10 0001 0002 04 000a 0102");
  }

  @Test
  void responsesAndExceptionResponses() throws ProtocolException {
    ModbusResponseProtocol p = ModbusResponseProtocol.INSTANCE;
    assertFrame(p, new ReadCoilsResponse(7, 1, Bytes.fromHex("cd6b05")), "0007 0000 0006 01 01 03 cd6b05");
    assertFrame(p, new ReadHoldingRegistersResponse(8, 1, new Registers(List.of(0x022B, 0x0000, 0x0064))),
        "0008 0000 0009 01 03 06 022b00000064");
    assertFrame(p, new WriteMultipleRegistersResponse(9, 1, 1, 2), "0009 0000 0006 01 10 0001 0002");
    assertFrame(p, new ReadHoldingRegistersExceptionResponse(10, 1, ModbusResponseConstants.ILLEGAL_DATA_ADDRESS),
        "000a 0000 0003 01 83 02");
    assertFrame(p, new WriteMultipleRegistersExceptionResponse(11, 1, ModbusResponseConstants.ILLEGAL_DATA_VALUE),
        "000b 0000 0003 01 90 03");
  }

  @Test
  void coilsArePackedLeastSignificantBitFirst() {
    // The specification's example: coils 20 to 38, CD 6B 05; coil 20 is the low bit of CD.
    List<Boolean> coils = Coils.unpack(Bytes.fromHex("cd6b05"), 19);
    assertEquals(List.of(true, false, true, true, false, false, true, true), coils.subList(0, 8));
    assertEquals(List.of(true, true, false, true, false, true, true, false), coils.subList(8, 16));
    assertEquals(List.of(true, false, true), coils.subList(16, 19));
    assertEquals(Bytes.fromHex("cd6b05"), Coils.pack(coils));
    assertEquals(Bytes.empty(), Coils.pack(List.of()));
    assertThrows(IllegalArgumentException.class, () -> Coils.unpack(Bytes.fromHex("ff"), 9));
  }

  @Test
  void aProtocolIdOtherThanZeroAndALengthThatDoesNotMatchAreMalformed() {
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> ModbusRequestProtocol.INSTANCE.decode(ByteBuffer.wrap(hex("0001 0001 0006 01 03 0000 0002"))));
    assertEquals("protocol_id", e.path());
    assertThrows(MalformedFrameException.class,
        () -> ModbusResponseProtocol.INSTANCE.decode(ByteBuffer.wrap(hex("0001 0000 0004 01 83 02"))));
  }

  @Test
  void theServerReadsFunctionsTheSchemaDoesNotDeclareAndAnswersIllegalFunction() throws ProtocolException {
    Protocol<Incoming> requests = ServerFrames.SERVER.receives();
    Incoming read = requests.decode(ByteBuffer.wrap(hex("0042 0000 0006 07 2b 0e01 0000")));
    assertEquals(new UnsupportedFunction(0x42, 7, 0x2B), read);
    assertEquals("0042 0000 0003 07 ab 01".replace(" ", ""),
        Bytes.of(encode(ServerFrames.SERVER.sends(), new IllegalFunction((UnsupportedFunction) read))).hex());
    assertEquals(new ServerFrames.Request(new ReadCoils(1, 1, 0, 1)),
        requests.decode(ByteBuffer.wrap(hex("0001 0000 0006 01 01 0000 0001"))));
    // The header of an undeclared function is checked as the generated decoder checks a declared one.
    assertEquals("protocol_id", assertThrows(MalformedFrameException.class,
        () -> requests.decode(ByteBuffer.wrap(hex("0042 0005 0002 07 2b")))).path());
    assertEquals("length", assertThrows(MalformedFrameException.class,
        () -> requests.decode(ByteBuffer.wrap(hex("0042 0000 0003 07 2b")))).path());
    assertTrue(requests.frameFormat().equals(ModbusRequestProtocol.INSTANCE.frameFormat()));
  }
}
