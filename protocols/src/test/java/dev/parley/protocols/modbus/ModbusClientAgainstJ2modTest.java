package dev.parley.protocols.modbus;

import static dev.parley.protocols.modbus.ModbusServerTest.await;
import static dev.parley.protocols.modbus.ModbusServerTest.exceptionCode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalIn;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ModbusClient against j2mod's Modbus TCP server (a slave with a {@link SimpleProcessImage} for
 * unit 1): coils and holding registers written and read back, discrete inputs and input registers
 * set in the image read, pipelined requests, and j2mod's exception response for an address past
 * its image.
 */
class ModbusClientAgainstJ2modTest {

  private static final int UNIT = 1;
  private static final int SIZE = 200;

  private ModbusSlave slave;
  private SimpleProcessImage image;
  private ModbusClient client;

  @BeforeEach
  void start() throws Exception {
    image = new SimpleProcessImage(UNIT);
    for (int i = 0; i < SIZE; i++) {
      image.addDigitalOut(new SimpleDigitalOut(false));
      image.addRegister(new SimpleRegister(0));
      image.addDigitalIn(new SimpleDigitalIn(i % 3 == 0));
      image.addInputRegister(new SimpleInputRegister(1000 + i));
    }
    slave = startSlave(image);
    client = ModbusClient.connect(new InetSocketAddress("127.0.0.1", slave.getPort()), UNIT, ModbusServerTest.TIMEOUT);
  }

  /**
   * A j2mod slave on a free loopback port. j2mod does not say which port it bound for port 0, so
   * a free one is found first; another process may take it in between, and then the next is tried.
   */
  static ModbusSlave startSlave(SimpleProcessImage image) throws Exception {
    ModbusException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      try {
        ModbusSlave slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 4, false);
        slave.addProcessImage(image.getUnitID(), image);
        slave.open(); // returns once it listens, or throws
        return slave;
      } catch (ModbusException e) {
        last = e;
      }
    }
    throw last;
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    ModbusSlaveFactory.close(slave);
  }

  @Test
  void holdingRegistersWrittenAreReadBack() throws Exception {
    await(client.writeRegisters(10, List.of(1, 0xFFFF, 0x8000, 0)));
    await(client.writeRegister(14, 0x1234));
    assertEquals(List.of(1, 0xFFFF, 0x8000, 0, 0x1234, 0), await(client.readHoldingRegisters(10, 6)));
    assertEquals(0x1234, image.getRegister(14).getValue(), "j2mod holds what was written");
  }

  @Test
  void coilsWrittenAreReadBack() throws Exception {
    List<Boolean> pattern = List.of(true, true, false, true, false, false, false, true, true);
    await(client.writeCoils(5, pattern));
    await(client.writeCoil(20, true));
    assertEquals(pattern, await(client.readCoils(5, pattern.size())));
    assertEquals(List.of(false, true, false), await(client.readCoils(19, 3)));
    await(client.writeCoil(20, false));
    assertEquals(List.of(false), await(client.readCoils(20, 1)));
    assertEquals(true, image.getDigitalOut(5).isSet());
  }

  @Test
  void discreteInputsAndInputRegistersAreRead() throws Exception {
    assertEquals(List.of(true, false, false, true, false, false, true), await(client.readDiscreteInputs(0, 7)));
    assertEquals(List.of(1003, 1004), await(client.readInputRegisters(3, 2)));
  }

  @Test
  void pipelinedRequestsAreMatchedByTransactionId() throws Exception {
    SplittableRandom rnd = ModbusServerTest.seeded("pipelined against j2mod");
    List<Integer> values = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      values.add(rnd.nextInt(65536));
      writes.add(client.writeRegister(i, values.get(i)));
    }
    for (CompletableFuture<Void> write : writes) {
      await(write);
    }
    List<CompletableFuture<List<Integer>>> reads = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      reads.add(client.readHoldingRegisters(i, 1));
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(List.of(values.get(i)), await(reads.get(i)));
    }
  }

  @Test
  void anAddressPastTheImageIsIllegalDataAddress() throws Exception {
    assertEquals(2, exceptionCode(client.readHoldingRegisters(SIZE - 1, 2)));
    assertEquals(2, exceptionCode(client.writeRegister(SIZE, 1)));
    assertEquals(2, exceptionCode(client.readCoils(SIZE, 1)));
    assertEquals(List.of(0), await(client.readHoldingRegisters(SIZE - 1, 1)), "the connection goes on");
  }
}
