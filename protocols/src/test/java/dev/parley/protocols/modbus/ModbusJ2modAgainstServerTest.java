package dev.parley.protocols.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * j2mod's Modbus TCP client (ModbusTCPMaster, which checks that each response carries its
 * request's transaction id) against modbus-server: the values written are read back by every
 * read function, and j2mod hears the exception codes 1, 2 and 3.
 */
class ModbusJ2modAgainstServerTest {

  private static final int UNIT = 1;
  private static final int SIZE = 1000;

  private ModbusServer server;
  private ModbusTCPMaster master;

  @BeforeEach
  void start() throws Exception {
    server = ModbusServer.start(new InetSocketAddress("127.0.0.1", 0), SIZE, SIZE);
    master = new ModbusTCPMaster("127.0.0.1", server.address().getPort(), (int) ModbusServerTest.TIMEOUT.toMillis(),
        false);
    master.connect();
  }

  @AfterEach
  void stop() {
    master.disconnect();
    server.close();
  }

  @Test
  void holdingRegistersWrittenAreReadBack() throws Exception {
    master.writeMultipleRegisters(UNIT, 100, registers(7, 0xFFFF, 0x8001));
    assertEquals(0x4242, master.writeSingleRegister(UNIT, 103, new SimpleRegister(0x4242)));
    assertArrayEquals(new int[] {7, 0xFFFF, 0x8001, 0x4242, 0}, values(master.readMultipleRegisters(UNIT, 100, 5)));
    assertArrayEquals(new int[] {0xFFFF, 0x8001}, values(master.readInputRegisters(UNIT, 101, 2)));
  }

  @Test
  void coilsWrittenAreReadBack() throws Exception {
    BitVector bits = new BitVector(10);
    for (int i : new int[] {0, 2, 3, 9}) {
      bits.setBit(i, true);
    }
    master.writeMultipleCoils(UNIT, 50, bits);
    assertTrue(master.writeCoil(UNIT, 61, true));
    BitVector read = master.readCoils(UNIT, 50, 12);
    boolean[] expected = {true, false, true, true, false, false, false, false, false, true, false, true};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], read.getBit(i), "coil " + (50 + i));
    }
    BitVector inputs = master.readInputDiscretes(UNIT, 59, 3);
    assertEquals(true, inputs.getBit(0));
    assertEquals(false, inputs.getBit(1));
    assertEquals(true, inputs.getBit(2));
    master.writeCoil(UNIT, 50, false);
    assertEquals(false, master.readCoils(UNIT, 50, 1).getBit(0));
  }

  @Test
  void exceptionCodesReachJ2mod() {
    assertEquals(2, refusal(() -> master.readMultipleRegisters(UNIT, SIZE - 1, 2)));
    assertEquals(2, refusal(() -> master.writeCoil(UNIT, SIZE, true)));
    assertEquals(2, refusal(() -> master.writeMultipleRegisters(UNIT, SIZE, registers(1))));
    assertEquals(3, refusal(() -> master.readMultipleRegisters(UNIT, 0, 126))); // (2001 coils j2mod refuses itself)
    // Function 22, Mask Write Register, which modbus-server does not implement.
    assertEquals(1, refusal(() -> master.maskWriteRegister(UNIT, 0, 0xFF00, 0x0012)));
  }

  private static int refusal(Executable request) {
    return assertThrows(ModbusSlaveException.class, request).getType();
  }

  private static Register[] registers(int... values) {
    return Arrays.stream(values).mapToObj(SimpleRegister::new).toArray(Register[]::new);
  }

  private static int[] values(InputRegister[] registers) {
    return Arrays.stream(registers).mapToInt(InputRegister::getValue).toArray();
  }
}
