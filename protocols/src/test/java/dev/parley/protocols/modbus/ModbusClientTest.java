package dev.parley.protocols.modbus;

import static dev.parley.protocols.modbus.ModbusServerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.runtime.ProtocolException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ModbusClient against a server written by hand on a plain socket, for what no correct server
 * does: answers out of order, a response of the wrong function, no answer, a closed connection.
 */
class ModbusClientTest {

  private ServerSocket listener;
  private Socket peer;
  private ModbusClient client;

  @BeforeEach
  void connect() throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    listener.setSoTimeout(10_000);
    client = ModbusClient.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), 5, Duration.ofSeconds(2));
    peer = listener.accept();
    peer.setSoTimeout(10_000);
  }

  @AfterEach
  void close() throws IOException {
    client.close();
    peer.close();
    listener.close();
  }

  /** The transaction id of the next request the peer reads, checking its unit id and function. */
  private int request(int function) throws IOException {
    DataInputStream in = new DataInputStream(peer.getInputStream());
    int id = in.readUnsignedShort();
    assertEquals(0, in.readUnsignedShort());
    byte[] rest = new byte[in.readUnsignedShort()];
    in.readFully(rest);
    assertEquals(5, rest[0], "the client's unit id");
    assertEquals(function, rest[1]);
    return id;
  }

  private void answer(String hex) throws IOException {
    OutputStream out = peer.getOutputStream();
    out.write(ModbusServerTest.hex(hex));
    out.flush();
  }

  @Test
  void responsesOutOfOrderAreMatchedByTransactionId() throws Exception {
    CompletableFuture<List<Integer>> first = client.readHoldingRegisters(0, 1);
    CompletableFuture<List<Integer>> second = client.readHoldingRegisters(1, 1);
    int a = request(3);
    int b = request(3);
    answer(String.format("%04x 0000 0005 05 03 02 0002", b));
    answer(String.format("%04x 0000 0005 05 03 02 0001", a));
    assertEquals(List.of(1), await(first));
    assertEquals(List.of(2), await(second));
  }

  @Test
  void aResponseOfAnotherFunctionFailsItsRequest() throws Exception {
    CompletableFuture<Void> write = client.writeRegister(0, 1);
    int id = request(6);
    answer(String.format("%04x 0000 0005 05 03 02 0001", id));
    assertThrows(ProtocolException.class, () -> await(write));
  }

  @Test
  void aResponseWithFewerRegistersThanAskedFailsItsRequest() throws Exception {
    CompletableFuture<List<Integer>> read = client.readHoldingRegisters(0, 2);
    int id = request(3);
    answer(String.format("%04x 0000 0005 05 03 02 0001", id));
    assertThrows(ProtocolException.class, () -> await(read));
  }

  @Test
  void noAnswerWithinTheTimeoutFailsTheRequestAndALateAnswerIsDropped() throws Exception {
    CompletableFuture<List<Integer>> read = client.readHoldingRegisters(0, 1);
    int late = request(3);
    ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, java.util.concurrent.TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    CompletableFuture<List<Integer>> next = client.readHoldingRegisters(0, 1);
    int id = request(3);
    answer(String.format("%04x 0000 0005 05 03 02 0009", late));
    answer(String.format("%04x 0000 0005 05 03 02 0007", id));
    assertEquals(List.of(7), await(next));
  }

  @Test
  void requestsWaitingWhenTheServerClosesFail() throws Exception {
    CompletableFuture<List<Boolean>> read = client.readCoils(0, 1);
    request(1);
    peer.close();
    assertInstanceOf(IOException.class, assertThrows(IOException.class, () -> await(read)));
    assertThrows(IOException.class, () -> await(client.readCoils(0, 1)), "and so do requests after");
  }
}
