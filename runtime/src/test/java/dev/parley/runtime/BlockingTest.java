package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Blocking connections and the thread-per-connection server, over real sockets on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingTest {

  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 16);
  static final Duration WAIT = Duration.ofSeconds(10);

  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "no handler thread is left running");
  }

  static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  static Bytes text(String s) {
    return Loopback.text(s);
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    Loopback.waitFor(condition);
  }

  /** An echo server: every frame comes back, upper-cased, until the client closes. */
  private BlockingServer<Bytes, Bytes> echoServer() throws IOException {
    BlockingServer<Bytes, Bytes> server = BlockingServer.builder(PROTOCOL, (BlockingConnection<Bytes, Bytes> connection) -> {
          for (Optional<Bytes> m = connection.receive(); m.isPresent(); m = connection.receive()) {
            connection.send(text(new String(m.get().toByteArray(), java.nio.charset.StandardCharsets.UTF_8)
                .toUpperCase(java.util.Locale.ROOT)));
          }
        }).executor(pool).errorHook((peer, e) -> serverErrors.add(e)).listen(loopback());
    toClose.add(server);
    return server;
  }

  private BlockingConnection<Bytes, Bytes> client(BlockingServer<?, ?> server) throws IOException {
    BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(server.address(), PROTOCOL, WAIT);
    client.setReadTimeout(WAIT);
    toClose.add(client);
    return client;
  }

  @Test
  void requestsAndRepliesArriveInOrder() throws Exception {
    BlockingServer<Bytes, Bytes> server = echoServer();
    BlockingConnection<Bytes, Bytes> client = client(server);
    for (int i = 0; i < 100; i++) {
      client.send(text("hello " + i));
      assertEquals(Optional.of(text("HELLO " + i)), client.receive());
    }
    client.sendAll(List.of(text("a"), text("b"), text("c")));
    assertEquals(Optional.of(text("A")), client.receive());
    assertEquals(Optional.of(text("B")), client.receive());
    assertEquals(Optional.of(text("C")), client.receive());
  }

  @Test
  void halfCloseLetsThePeerFinishAndStillReply() throws Exception {
    BlockingServer<Bytes, Bytes> server = BlockingServer.builder(PROTOCOL, (BlockingConnection<Bytes, Bytes> connection) -> {
          int count = 0;
          while (connection.receive().isPresent()) {
            count++;
          }
          connection.send(text("got " + count)); // the client's half is closed; ours is not
        }).executor(pool).errorHook((peer, e) -> serverErrors.add(e)).listen(loopback());
    toClose.add(server);
    BlockingConnection<Bytes, Bytes> client = client(server);
    client.sendAll(List.of(text("1"), text("2"), text("3")));
    client.shutdownOutput();
    assertEquals(Optional.of(text("got 3")), client.receive());
    assertEquals(Optional.empty(), client.receive(), "then a clean end");
    assertEquals(List.of(), serverErrors);
  }

  @Test
  void receiveAllHandsOverEveryMessageInOrderUntilACleanEnd() throws Exception {
    List<Bytes> received = new CopyOnWriteArrayList<>();
    BlockingServer<Bytes, Bytes> server = BlockingServer.builder(PROTOCOL, (BlockingConnection<Bytes, Bytes> connection) -> {
          long count = connection.receiveAll(received::add);
          connection.send(text("got " + count));
        }).executor(pool).errorHook((peer, e) -> serverErrors.add(e)).listen(loopback());
    toClose.add(server);
    BlockingConnection<Bytes, Bytes> client = client(server);
    List<Bytes> sent = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      sent.add(text("m" + i));
    }
    client.sendAll(sent);
    client.shutdownOutput();
    assertEquals(Optional.of(text("got 5000")), client.receive());
    assertEquals(sent, received);
    assertEquals(List.of(), serverErrors);
  }

  @Test
  void receiveAllStopsAtAProtocolErrorAndClosesTheConnection() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Future<?> peer = pool.submit(() -> {
        try (Socket s = raw.accept(); OutputStream out = s.getOutputStream()) {
          out.write(new byte[] {0, 0, 0, 1, 42, 0, 0, 0, 2, 43, 44, 0, 0, 0, 9, 1});
        }
        return null;
      });
      BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(
          (InetSocketAddress) raw.getLocalSocketAddress(), PROTOCOL, WAIT);
      toClose.add(client);
      client.setReadTimeout(WAIT);
      List<Bytes> received = new ArrayList<>();
      TruncatedFrameException e = assertThrows(TruncatedFrameException.class, () -> client.receiveAll(received::add));
      assertEquals(8, e.missing());
      assertEquals(List.of(Bytes.of((byte) 42), Bytes.of((byte) 43, (byte) 44)), received);
      assertFalse(client.isOpen(), "a protocol error closes the connection");
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void cleanEndIsDistinctFromEndInsideAFrame() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Future<?> peer = pool.submit(() -> {
        try (Socket s = raw.accept(); OutputStream out = s.getOutputStream()) {
          out.write(new byte[] {0, 0, 0, 1, 42, 0, 0, 0, 9, 1, 2});
        }
        return null;
      });
      BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(
          (InetSocketAddress) raw.getLocalSocketAddress(), PROTOCOL, WAIT);
      toClose.add(client);
      client.setReadTimeout(WAIT);
      assertEquals(Optional.of(Bytes.of((byte) 42)), client.receive());
      TruncatedFrameException e = assertThrows(TruncatedFrameException.class, client::receive);
      assertEquals(7, e.missing());
      assertFalse(client.isOpen(), "a protocol error closes the connection");
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aReadTimeoutLosesNothing() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(
          (InetSocketAddress) raw.getLocalSocketAddress(), PROTOCOL, WAIT);
      toClose.add(client);
      try (Socket s = raw.accept(); OutputStream out = s.getOutputStream()) {
        out.write(new byte[] {0, 0, 0, 3, 'a'});
        out.flush();
        client.setReadTimeout(Duration.ofMillis(100));
        assertThrows(SocketTimeoutException.class, client::receive, "half a frame, then silence");
        out.write(new byte[] {'b', 'c'});
        out.flush();
        client.setReadTimeout(WAIT);
        assertEquals(Optional.of(text("abc")), client.receive(), "the bytes before the timeout were kept");
      }
    }
  }

  @Test
  void anOversizedLengthIsRefusedAndClosesOnlyThatConnection() throws Exception {
    BlockingServer<Bytes, Bytes> server = echoServer();
    BlockingConnection<Bytes, Bytes> good = client(server);
    try (Socket bad = new Socket(server.address().getAddress(), server.address().getPort())) {
      bad.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      bad.getOutputStream().flush();
      bad.setSoTimeout(10_000);
      assertEquals(-1, bad.getInputStream().read(), "the server closed the bad connection");
    }
    good.send(text("still here"));
    assertEquals(Optional.of(text("STILL HERE")), good.receive());
    waitFor(() -> !serverErrors.isEmpty());
    assertTrue(serverErrors.get(0) instanceof FrameTooLongException, serverErrors.toString());
  }

  @Test
  void fiftyClientsOfAThousandRequestsEachAllGetTheirRepliesInOrder() throws Exception {
    Loopback.echoLoad(echoServer().address(), PROTOCOL, 50, 1000);
  }

  @Test
  void closingTheServerClosesEveryConnectionAndItsThreads() throws Exception {
    BlockingServer<Bytes, Bytes> server = echoServer();
    BlockingConnection<Bytes, Bytes> client = client(server);
    client.send(text("x"));
    assertEquals(Optional.of(text("X")), client.receive());
    waitFor(() -> server.connectionCount() == 1);
    server.close();
    assertEquals(Optional.empty(), client.receive(), "the server's close is a clean end between frames");
    waitFor(() -> server.connectionCount() == 0);
    assertThrows(IOException.class, () -> BlockingConnection.connect(server.address(), PROTOCOL, WAIT));
    waitFor(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals("parley-accept-" + server.address().getPort())));
  }

  @Test
  void streamsWorkWithoutASocket() throws Exception {
    java.io.PipedInputStream clientIn = new java.io.PipedInputStream(1 << 16);
    java.io.PipedOutputStream serverOut = new java.io.PipedOutputStream(clientIn);
    BlockingConnection<Bytes, Bytes> writer = BlockingConnection.over(new java.io.ByteArrayInputStream(new byte[0]),
        serverOut, PROTOCOL);
    BlockingConnection<Bytes, Bytes> reader = BlockingConnection.over(clientIn, OutputStream.nullOutputStream(), PROTOCOL);
    writer.send(text("piped"));
    writer.close();
    assertEquals(Optional.of(text("piped")), reader.receive());
    assertEquals(Optional.empty(), reader.receive());
    assertEquals(Optional.empty(), writer.remoteAddress());
    assertThrows(UnsupportedOperationException.class, () -> reader.setReadTimeout(WAIT));
    reader.close();
    reader.close(); // idempotent
  }

}
