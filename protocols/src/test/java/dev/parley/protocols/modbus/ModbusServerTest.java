package dev.parley.protocols.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ModbusClient against modbus-server, and modbus-server against frames written by hand: the
 * values written are read back, every refusal carries its exception code, pipelined requests are
 * answered in order with their transaction ids, and a peer that does not speak Modbus TCP is
 * closed.
 */
class ModbusServerTest {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int COILS = 10_000;
  private static final int REGISTERS = 10_000;

  private ModbusServer server;
  private ModbusClient client;

  @BeforeEach
  void start() throws IOException {
    server = ModbusServer.start(new InetSocketAddress("127.0.0.1", 0), COILS, REGISTERS);
    client = ModbusClient.connect(server.address(), 1, TIMEOUT);
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    server.close();
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** The exception code {@code future} fails with. */
  static int exceptionCode(CompletableFuture<?> future) {
    ModbusException refused = assertThrows(ModbusException.class, () -> await(future));
    return refused.exceptionCode();
  }

  @Test
  void registersWrittenAreReadBackAsHoldingAndInputRegisters() throws Exception {
    await(client.writeRegisters(100, List.of(1, 0xFFFF, 0x1234)));
    await(client.writeRegister(103, 42));
    assertEquals(List.of(1, 0xFFFF, 0x1234, 42, 0), await(client.readHoldingRegisters(100, 5)));
    assertEquals(List.of(0xFFFF, 0x1234), await(client.readInputRegisters(101, 2)));
    await(client.writeRegister(REGISTERS - 1, 7));
    assertEquals(List.of(7), await(client.readHoldingRegisters(REGISTERS - 1, 1)));
  }

  @Test
  void coilsWrittenAreReadBackAsCoilsAndDiscreteInputs() throws Exception {
    List<Boolean> pattern = List.of(true, false, true, true, false, false, true, false, true, true, false);
    await(client.writeCoils(3, pattern));
    await(client.writeCoil(14, true));
    List<Boolean> expected = new ArrayList<>(List.of(false, false, false));
    expected.addAll(pattern);
    expected.addAll(List.of(true, false));
    assertEquals(expected, await(client.readCoils(0, 16)));
    assertEquals(pattern, await(client.readDiscreteInputs(3, pattern.size())));
    await(client.writeCoil(3, false));
    assertEquals(List.of(false, false, true), await(client.readCoils(3, 3)));
  }

  @Test
  void longestReadsAndWritesOfTheSpecificationAreServed() throws Exception {
    SplittableRandom rnd = seeded("longestReadsAndWrites");
    List<Integer> registers = new ArrayList<>();
    for (int i = 0; i < ModbusDevice.MAX_WRITE_REGISTERS; i++) {
      registers.add(rnd.nextInt(65536));
    }
    List<Boolean> coils = new ArrayList<>();
    for (int i = 0; i < ModbusDevice.MAX_WRITE_BITS; i++) {
      coils.add(rnd.nextBoolean());
    }
    await(client.writeRegisters(0, registers));
    await(client.writeCoils(1, coils));
    assertEquals(registers, await(client.readHoldingRegisters(0, 123)));
    assertEquals(125, await(client.readHoldingRegisters(0, ModbusDevice.MAX_READ_REGISTERS)).size());
    assertEquals(coils, await(client.readCoils(1, 1968)));
    assertEquals(ModbusDevice.MAX_READ_BITS, await(client.readCoils(0, 2000)).size());
  }

  static SplittableRandom seeded(String test) {
    long seed = Long.getLong("parley.seed", System.nanoTime());
    System.out.println(test + ": seed " + seed + " (-Dparley.seed=" + seed + " replays it)");
    return new SplittableRandom(seed);
  }

  @Test
  void addressesPastATableAreIllegalDataAddress() {
    assertEquals(2, exceptionCode(client.readHoldingRegisters(REGISTERS - 1, 2)));
    assertEquals(2, exceptionCode(client.readInputRegisters(REGISTERS, 1)));
    assertEquals(2, exceptionCode(client.readCoils(COILS - 10, 11)));
    assertEquals(2, exceptionCode(client.readDiscreteInputs(65535, 1)));
    assertEquals(2, exceptionCode(client.writeRegister(REGISTERS, 1)));
    assertEquals(2, exceptionCode(client.writeCoil(COILS, true)));
    assertEquals(2, exceptionCode(client.writeRegisters(REGISTERS - 1, List.of(1, 2))));
    assertEquals(2, exceptionCode(client.writeCoils(COILS - 1, List.of(true, true))));
  }

  @Test
  void quantitiesOutOfRangeCoilValuesAndByteCountsAreIllegalDataValue() throws Exception {
    assertEquals(3, exceptionCode(client.readHoldingRegisters(0, 0)));
    assertEquals(3, exceptionCode(client.readHoldingRegisters(0, 126)));
    assertEquals(3, exceptionCode(client.readInputRegisters(0, 126)));
    assertEquals(3, exceptionCode(client.readCoils(0, 2001)));
    assertEquals(3, exceptionCode(client.readDiscreteInputs(0, 0)));
    assertEquals(3, exceptionCode(client.writeRegisters(0, nCopies(124, 1))));
    assertEquals(3, exceptionCode(client.writeCoils(0, nCopies(1969, true))));
    // A quantity checked before the address: both wrong is ILLEGAL DATA VALUE.
    assertEquals(3, exceptionCode(client.readHoldingRegisters(65535, 200)));

    ModbusResponseMessage badCoil = await(client.exchange((id, unit) -> new WriteSingleCoil(id, unit, 0, 0x1234)));
    assertEquals(3, assertInstanceOf(WriteSingleCoilExceptionResponse.class, badCoil).exceptionCode());
    ModbusResponseMessage shortCount = await(client.exchange(
        (id, unit) -> new WriteMultipleCoils(id, unit, 0, 10, Bytes.of((byte) 0xFF))));
    assertEquals(3, assertInstanceOf(WriteMultipleCoilsExceptionResponse.class, shortCount).exceptionCode());
    ModbusResponseMessage fewerRegisters = await(client.exchange(
        (id, unit) -> new WriteMultipleRegisters(id, unit, 0, 3, new Registers(List.of(1, 2)))));
    assertEquals(3, assertInstanceOf(WriteMultipleRegistersExceptionResponse.class, fewerRegisters).exceptionCode());
    assertEquals(List.of(0, 0, 0), await(client.readHoldingRegisters(0, 3)), "nothing refused was written");
    assertEquals(nCopies(10, false), await(client.readCoils(0, 10)));
  }

  private static <T> List<T> nCopies(int n, T value) {
    return java.util.Collections.nCopies(n, value);
  }

  @Test
  void exceptionResponsesCarryTheFunctionAndTheCode() {
    ModbusException refused = assertThrows(ModbusException.class, () -> await(client.readHoldingRegisters(0, 0)));
    assertEquals(3, refused.functionCode());
    assertEquals(3, refused.exceptionCode());
    assertTrue(refused.getMessage().contains("ILLEGAL DATA VALUE"), refused.getMessage());
  }

  @Test
  void unknownFunctionCodesAreIllegalFunctionAndTheConnectionGoesOn() throws Exception {
    try (Socket socket = socket()) {
      // Function 7 (Read Exception Status, serial line only), 8 with data, 0x41 (user-defined), 0x2B.
      socket.getOutputStream().write(hex("00090000000201 07" + "000a0000000611 08 0000 a537"
          + "000b0000000301 41 ff" + "000c0000000501 2b 0e0100" + "000d0000000601 03 0000 0002"));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      expectFrame(in, "0009000000030187 01");
      expectFrame(in, "000a000000031188 01");
      expectFrame(in, "000b0000000301c1 01");
      expectFrame(in, "000c0000000301ab 01");
      expectFrame(in, "000d000000070103 04 0000 0000");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderWithTheirTransactionIds() throws Exception {
    SplittableRandom rnd = seeded("pipelined");
    int n = 200;
    StringBuilder requests = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = rnd.nextInt(65536);
      // Alternately write a register with i, and read it back.
      int register = (i - i % 2) % 50;
      if (i % 2 == 0) {
        requests.append(String.format("%04x000000060106%04x%04x", id, register, i));
        expected.add(String.format("%04x000000060106%04x%04x", id, register, i));
      } else {
        requests.append(String.format("%04x000000060103%04x0001", id, register));
        expected.add(String.format("%04x00000005010302%04x", id, i - 1));
      }
    }
    try (Socket socket = socket()) {
      socket.getOutputStream().write(hex(requests.toString()));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (int i = 0; i < n; i++) {
        expectFrame(in, expected.get(i));
      }
    }
  }

  @Test
  void aClientPipeliningFromManyThreadsGetsEachAnswerToItsRequest() throws Exception {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      writes.add(client.writeRegister(i, 1000 + i));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    List<CompletableFuture<List<Integer>>> reads = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      reads.add(client.readHoldingRegisters(i, 1));
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(List.of(1000 + i), await(reads.get(i)));
    }
  }

  @Test
  void connectionsShareOneMemory() throws Exception {
    try (ModbusClient other = ModbusClient.connect(server.address(), 17, TIMEOUT)) {
      await(other.writeRegister(9, 99));
      await(other.writeCoil(9, true));
    }
    assertEquals(List.of(99), await(client.readHoldingRegisters(9, 1)));
    assertEquals(List.of(true), await(client.readCoils(9, 1)));
  }

  @Test
  void aFrameThatIsNotModbusTcpClosesTheConnectionAfterTheAnswersBeforeIt() throws Exception {
    // A good request, then a protocol id of 1.
    assertClosedAfterOneAnswer("0001000000060103 0000 0001" + "0002000100060103 0000 0001");
    // A length of 1, which cannot hold a function code.
    assertClosedAfterOneAnswer("0001000000060103 0000 0001" + "000200000001 01");
    // A read whose quantity is missing, and garbage.
    assertClosedAfterOneAnswer("0001000000060103 0000 0001" + "0002000000040103 0000");
    assertClosedAfterOneAnswer("0001000000060103 0000 0001" + "ffffffff0002ffff");
    // Registers of an odd number of bytes.
    assertClosedAfterOneAnswer("0001000000060103 0000 0001" + "000200000008011000000001 01 ff");
  }

  @Test
  void aFrameCutShortByTheEndOfTheStreamClosesTheConnection() throws Exception {
    try (Socket socket = socket()) {
      socket.getOutputStream().write(hex("0001000000060103 0000 0001" + "0002000000060103 00"));
      socket.shutdownOutput();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      expectFrame(in, "0001000000050103 02 0000");
      assertClosed(in);
    }
  }

  private void assertClosedAfterOneAnswer(String frames) throws Exception {
    try (Socket socket = socket()) {
      socket.getOutputStream().write(hex(frames));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      expectFrame(in, "0001000000050103 02 0000");
      assertClosed(in);
    }
  }

  /** The server closes: the next read ends the stream (or meets a reset), within the socket's timeout. */
  private static void assertClosed(InputStream in) throws IOException {
    try {
      assertEquals(-1, in.read(), "nothing after the answers, then the end");
    } catch (SocketException reset) {
      // closed with bytes unread: also closed
    }
  }

  private Socket socket() throws IOException {
    Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    return socket;
  }

  static byte[] hex(String hex) {
    return Bytes.fromHex(hex.replace(" ", "")).toByteArray();
  }

  /** Reads as many bytes as {@code expected} spells in hex (spaces only for the reader) and compares them with it. */
  static void expectFrame(DataInputStream in, String expected) throws IOException {
    String hex = expected.replace(" ", "");
    byte[] bytes = new byte[hex.length() / 2];
    in.readFully(bytes);
    assertEquals(hex, Bytes.of(bytes).hex());
  }
}
