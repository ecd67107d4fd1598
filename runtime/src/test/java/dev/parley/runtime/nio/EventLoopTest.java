package dev.parley.runtime.nio;

import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Connection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameTooLongException;
import dev.parley.runtime.Loopback;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.RawProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The selector event loop over real sockets on 127.0.0.1: serving, misbehaving peers, stopping. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopTest {

  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 16);
  static final Duration WAIT = Duration.ofSeconds(10);

  private EventLoop loop;
  /** How each server-side connection ended, by the peer's port. */
  private final Map<Integer, CloseReason> closes = new ConcurrentHashMap<>();
  private final Map<Integer, Throwable> causes = new ConcurrentHashMap<>();

  @BeforeEach
  void startLoop() throws IOException {
    loop = EventLoop.start("parley-test-loop");
  }

  @AfterEach
  void stopLoop() throws InterruptedException {
    loop.close(Duration.ofSeconds(1));
    waitFor(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("parley-test-loop")));
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

  static String string(Bytes b) {
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }

  /** Echoes every frame upper-cased, and records how each connection closed. */
  private final class Echo implements Handler<Bytes, Bytes> {
    /** The peer's port: this handler's connection's state. */
    private int port = -1;

    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      connection.send(text(string(message).toUpperCase(Locale.ROOT)));
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      closes.put(port, reason);
      if (cause != null) {
        causes.put(port, cause);
      }
    }

    @Override
    public void onOpen(Connection<Bytes, Bytes> connection) {
      port = ((InetSocketAddress) connection.remoteAddress().orElseThrow()).getPort();
    }
  }

  private InetSocketAddress echoServer(ConnectionOptions options) throws IOException {
    return loop.listen(loopback(), Conversation.of(PROTOCOL), Echo::new, options, ListenOptions.defaults());
  }

  private static BlockingConnection<Bytes, Bytes> client(InetSocketAddress address) throws IOException {
    return Loopback.client(address, PROTOCOL);
  }

  @Test
  void servesRequestsAndReplies() throws Exception {
    InetSocketAddress address = echoServer(ConnectionOptions.defaults());
    try (BlockingConnection<Bytes, Bytes> client = client(address)) {
      for (int i = 0; i < 100; i++) {
        client.send(text("ping " + i));
        assertEquals(Optional.of(text("PING " + i)), client.receive());
      }
      client.sendAll(List.of(text("a"), text("b")));
      assertEquals(Optional.of(text("A")), client.receive());
      assertEquals(Optional.of(text("B")), client.receive());
    }
  }

  @Test
  void fiftyClientsOfAThousandRequestsEachAllGetTheirRepliesInOrder() throws Exception {
    Loopback.echoLoad(echoServer(ConnectionOptions.defaults()), PROTOCOL, 50, 1000);
  }

  @Test
  void misbehavingPeersAreClosedAloneWithTheirReason() throws Exception {
    InetSocketAddress address = echoServer(ConnectionOptions.defaults());
    try (BlockingConnection<Bytes, Bytes> good = client(address);
        Socket oversized = new Socket(address.getAddress(), address.getPort());
        Socket malformed = new Socket(address.getAddress(), address.getPort());
        Socket truncated = new Socket(address.getAddress(), address.getPort())) {
      oversized.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      malformed.getOutputStream().write(new byte[] {0, 0, 0, 1, (byte) 0xEE});
      truncated.getOutputStream().write(new byte[] {0, 0, 0, 9, 1});
      truncated.shutdownOutput();
      waitFor(() -> closes.size() == 3);
      assertEquals(CloseReason.PROTOCOL_ERROR, closes.get(oversized.getLocalPort()));
      assertTrue(causes.get(oversized.getLocalPort()) instanceof FrameTooLongException);
      assertEquals(CloseReason.PROTOCOL_ERROR, closes.get(malformed.getLocalPort()));
      assertTrue(causes.get(malformed.getLocalPort()) instanceof MalformedFrameException);
      assertEquals(CloseReason.PROTOCOL_ERROR, closes.get(truncated.getLocalPort()));
      good.send(text("fine"));
      assertEquals(Optional.of(text("FINE")), good.receive(), "the others carry on");
    }
  }

  @Test
  void anIdlePeerIsClosedAfterItsTimeout() throws Exception {
    InetSocketAddress address = echoServer(ConnectionOptions.defaults().withIdleTimeout(Duration.ofMillis(200)));
    try (BlockingConnection<Bytes, Bytes> idle = client(address)) {
      idle.send(text("once"));
      assertEquals(Optional.of(text("ONCE")), idle.receive());
      assertEquals(Optional.empty(), idle.receive(), "then silence, then the server closes");
      waitFor(() -> closes.containsValue(CloseReason.IDLE_TIMEOUT));
    }
  }

  @Test
  void aPeerThatNeverReadsIsCutOffAtTheBound() throws Exception {
    int bound = 64 * 1024 + 4;
    AtomicInteger maxPending = new AtomicInteger();
    BlockingQueue<CloseReason> closed = new ArrayBlockingQueue<>(1);
    Handler<Bytes, Bytes> flood = new Handler<>() {
      @Override
      public void onOpen(Connection<Bytes, Bytes> connection) {
        push(connection);
      }

      private void push(Connection<Bytes, Bytes> connection) {
        for (int i = 0; i < 16 && connection.isOpen(); i++) {
          connection.send(Bytes.of(new byte[4096]));
          maxPending.accumulateAndGet(connection.pendingBytes(), Math::max);
        }
        if (connection.isOpen()) {
          loop.execute(() -> push(connection)); // keep sending, a little at a time
        }
      }

      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {}

      @Override
      public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
        closed.add(reason);
      }
    };
    InetSocketAddress address = loop.listen(loopback(), PROTOCOL, flood,
        ConnectionOptions.defaults().withMaxPendingBytes(bound));
    try (Socket lazy = new Socket()) {
      lazy.setReceiveBufferSize(4096);
      lazy.connect(address);
      assertEquals(CloseReason.SLOW_PEER, closed.poll(20, TimeUnit.SECONDS));
      assertTrue(maxPending.get() <= bound, "queued bytes stayed within the bound: " + maxPending.get());
      assertTrue(maxPending.get() > bound - 8192, "and reached it: " + maxPending.get());
    }
  }

  @Test
  void halfCloseGetsItsRepliesBeforeTheServerCloses() throws Exception {
    InetSocketAddress address = echoServer(ConnectionOptions.defaults());
    try (BlockingConnection<Bytes, Bytes> client = client(address)) {
      client.sendAll(List.of(text("x"), text("y")));
      client.shutdownOutput();
      assertEquals(Optional.of(text("X")), client.receive());
      assertEquals(Optional.of(text("Y")), client.receive());
      assertEquals(Optional.empty(), client.receive());
      waitFor(() -> closes.containsValue(CloseReason.PEER_CLOSED));
    }
  }

  @Test
  void theClientSideTalksToTheServerSide() throws Exception {
    InetSocketAddress address = echoServer(ConnectionOptions.defaults());
    BlockingQueue<Bytes> replies = new ArrayBlockingQueue<>(10);
    CountDownLatch opened = new CountDownLatch(1);
    NioConnection<Bytes, Bytes> client = loop.connect(address, PROTOCOL, new Handler<>() {
      @Override
      public void onOpen(Connection<Bytes, Bytes> connection) {
        opened.countDown();
      }

      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        replies.add(message);
      }
    }, ConnectionOptions.defaults());
    assertTrue(client.send(text("early")), "a send before the connection is up waits in the queue");
    assertTrue(opened.await(10, TimeUnit.SECONDS));
    client.send(text("late"));
    assertEquals(text("EARLY"), replies.poll(10, TimeUnit.SECONDS));
    assertEquals(text("LATE"), replies.poll(10, TimeUnit.SECONDS));
    client.close();
    waitFor(() -> !client.isOpen());
    assertFalse(client.send(text("after")));
  }

  @Test
  void aRefusedConnectIsReportedAsAnIoError() throws Exception {
    InetSocketAddress unused;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unused = (InetSocketAddress) probe.getLocalSocketAddress();
    }
    BlockingQueue<CloseReason> reasons = new ArrayBlockingQueue<>(1);
    loop.connect(unused, PROTOCOL, new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {}

      @Override
      public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
        reasons.add(reason);
      }
    }, ConnectionOptions.defaults());
    assertEquals(CloseReason.IO_ERROR, reasons.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void aGracefulStopDrainsQueuedFramesThenClosesEverything() throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    BlockingQueue<CloseReason> reasons = new ArrayBlockingQueue<>(1);
    InetSocketAddress address = loop.listen(loopback(), PROTOCOL, new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        for (int i = 0; i < 200; i++) {
          connection.send(Bytes.of(new byte[1000])); // 200 KB queued for a client not reading yet
        }
        connected.countDown();
      }

      @Override
      public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
        reasons.add(reason);
      }
    }, ConnectionOptions.defaults());
    try (BlockingConnection<Bytes, Bytes> client = client(address)) {
      client.send(text("go"));
      assertTrue(connected.await(10, TimeUnit.SECONDS));
      Thread stopper = new Thread(() -> loop.close(Duration.ofSeconds(10)));
      stopper.start();
      int received = 0;
      while (client.receive().isPresent()) {
        received++;
      }
      assertEquals(200, received, "everything queued was delivered before the close");
      stopper.join(20_000);
      assertFalse(stopper.isAlive());
      assertEquals(CloseReason.STOPPED, reasons.poll(10, TimeUnit.SECONDS));
      assertNull(connectRefused(address), "no longer accepting");
    }
  }

  private static IOException connectRefused(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 10_000);
      return new IOException("connected to a stopped server");
    } catch (IOException expected) {
      return null;
    }
  }
}
