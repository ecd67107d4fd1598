package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The thread-per-connection server against slow, silent, never-reading, resetting and flooding
 * peers, over real sockets on 127.0.0.1: each costs at most its own connection and thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingHostilePeersTest {

  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 20);
  static final Duration WAIT = Duration.ofSeconds(10);

  private final List<Throwable> reports = new CopyOnWriteArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<BlockingServer<Bytes, Bytes>> servers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (BlockingServer<Bytes, Bytes> server : servers) {
      server.close();
    }
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "every handler thread ended");
  }

  static Bytes text(String s) {
    return Loopback.text(s);
  }

  /** An echo server (upper-case; "big N" answered with N KiB) with the given settings. */
  private BlockingServer.Builder<Bytes, Bytes> echo(AtomicInteger handled) {
    return BlockingServer.builder(PROTOCOL, (BlockingConnection<Bytes, Bytes> connection) -> {
      for (Optional<Bytes> m = connection.receive(); m.isPresent(); m = connection.receive()) {
        handled.incrementAndGet();
        String s = new String(m.get().toByteArray(), StandardCharsets.UTF_8);
        connection.send(s.startsWith("big ") ? Bytes.of(new byte[Integer.parseInt(s.substring(4)) * 1024])
            : text(s.toUpperCase(Locale.ROOT)));
      }
    }).executor(pool).errorHook((SocketAddress where, Throwable error) -> reports.add(error));
  }

  private InetSocketAddress start(BlockingServer.Builder<Bytes, Bytes> builder) throws IOException {
    BlockingServer<Bytes, Bytes> server = builder.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    servers.add(server);
    return server.address();
  }

  private static BlockingConnection<Bytes, Bytes> client(InetSocketAddress address) throws IOException {
    return Loopback.client(address, PROTOCOL);
  }

  private void awaitReport(Class<? extends Throwable> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reports.stream().noneMatch(type::isInstance)) {
      assertTrue(System.nanoTime() < deadline, "no " + type.getSimpleName() + " reported within 10 s: " + reports);
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  @Test
  void aPeerDribblingAFrameIsClosedAtTheFrameDeadlineThoughEachByteBeatsTheReadTimeout() throws Exception {
    InetSocketAddress address = start(echo(new AtomicInteger())
        .options(ConnectionOptions.defaults().withIdleTimeout(Duration.ofSeconds(2)).withFrameTimeout(Duration.ofMillis(400))));
    try (Socket dribbler = new Socket(address.getAddress(), address.getPort())) {
      dribbler.getOutputStream().write(new byte[] {0, 0, 0, 100});
      long start = System.nanoTime();
      for (int i = 0; i < 60 && reports.isEmpty(); i++) {
        try {
          dribbler.getOutputStream().write('x');
        } catch (IOException closed) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      awaitReport(FrameTimeoutException.class);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(elapsed < 2000, "closed by the frame deadline: " + elapsed + " ms");
      assertTrue(Loopback.closedByServer(dribbler));
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheFrameDeadlineOfItsAcceptAndFreesItsThread() throws Exception {
    InetSocketAddress address = start(echo(new AtomicInteger()).options(ConnectionOptions.defaults().withFrameTimeout(Duration.ofMillis(300))));
    try (Socket silent = new Socket(address.getAddress(), address.getPort())) {
      assertTrue(Loopback.closedByServer(silent));
      awaitReport(FrameTimeoutException.class);
      assertEquals("no frame arrived within 300 ms of the accept", reports.get(0).getMessage());
      Loopback.waitFor(() -> servers.get(0).connectionCount() == 0);
    }
  }

  @Test
  void aClientWaitingForABusyExecutorIsServedThoughItsFrameDeadlinePassedMeanwhile() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      InetSocketAddress address = start(BlockingServer.builder(PROTOCOL, (BlockingConnection<Bytes, Bytes> connection) -> {
        for (Optional<Bytes> m = connection.receive(); m.isPresent(); m = connection.receive()) {
          if (m.get().equals(text("hold"))) {
            try {
              hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          connection.send(m.get());
        }
      }).executor(one).options(ConnectionOptions.defaults().withFrameTimeout(Duration.ofMillis(300))).errorHook((where, error) -> reports.add(error)));
      BlockingConnection<Bytes, Bytes> busy = client(address);
      try (BlockingConnection<Bytes, Bytes> waiting = client(address)) {
        busy.send(text("hold")); // takes the only thread
        waiting.send(text("hi")); // arrives at once, then waits for a thread
        TimeUnit.MILLISECONDS.sleep(800); // past the waiting connection's deadline from its accept
        hold.countDown();
        assertEquals(Optional.of(text("hold")), busy.receive());
        busy.close(); // frees the thread
        assertEquals(Optional.of(text("hi")), waiting.receive(), "its frame was there in time: " + reports);
      } finally {
        busy.close();
      }
    } finally {
      hold.countDown();
      one.shutdownNow();
    }
  }

  @Test
  void aPeerThatNeverReadsIsClosedByTheWriteTimeout() throws Exception {
    InetSocketAddress address = start(echo(new AtomicInteger()).options(ConnectionOptions.defaults().withWriteTimeout(Duration.ofMillis(500))));
    try (Socket lazy = new Socket()) {
      lazy.setReceiveBufferSize(4096);
      lazy.connect(address);
      ByteBuffer requests = ByteBuffer.allocate(64 * 10);
      for (int i = 0; i < 64; i++) {
        requests.putInt(6).put("big 64".getBytes(StandardCharsets.US_ASCII));
      }
      lazy.getOutputStream().write(requests.array(), 0, requests.position()); // 4 MiB of replies, never read
      awaitReport(WriteTimeoutException.class);
      Loopback.waitFor(() -> servers.get(0).connectionCount() == 0);
      try (BlockingConnection<Bytes, Bytes> other = client(address)) {
        other.send(text("after"));
        assertEquals(Optional.of(text("AFTER")), other.receive());
      }
    }
  }

  @Test
  void everyCompleteFrameBeforeAResetReachesTheHandlerThoughItsRepliesCannotBeWritten() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    InetSocketAddress address = start(echo(handled));
    int rounds = 200;
    ByteBuffer frames = ByteBuffer.allocate(64);
    for (int i = 0; i < 3; i++) {
      frames.putInt(3).put("abc".getBytes(StandardCharsets.US_ASCII));
    }
    frames.putInt(9).put((byte) 1); // a fourth frame's prefix and one byte of its nine
    for (int round = 0; round < rounds; round++) {
      try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
        socket.getOutputStream().write(frames.array(), 0, frames.position());
        socket.setSoLinger(true, 0);
      }
    }
    Loopback.waitFor(() -> handled.get() == 3 * rounds && servers.get(0).connectionCount() == 0);
    assertEquals(3 * rounds, handled.get(), "every frame that arrived complete was handled");
  }

  @Test
  void aServerAtItsConnectionLimitClosesNewConnectionsAtOnceAndReportsTheEpisodeOnce() throws Exception {
    InetSocketAddress address = start(echo(new AtomicInteger())
        .limits(ListenOptions.defaults().withMaxConnections(2)));
    try (BlockingConnection<Bytes, Bytes> a = client(address); BlockingConnection<Bytes, Bytes> b = client(address)) {
      a.send(text("a"));
      b.send(text("b"));
      assertEquals(Optional.of(text("A")), a.receive());
      assertEquals(Optional.of(text("B")), b.receive());
      for (int i = 0; i < 4; i++) {
        try (Socket refused = new Socket(address.getAddress(), address.getPort())) {
          assertTrue(Loopback.closedByServer(refused));
        }
      }
      assertEquals(4, servers.get(0).refusedConnections());
      assertEquals(1, reports.stream().filter(e -> String.valueOf(e.getMessage())
          .startsWith("connection limit of 2 reached")).count(), reports.toString());
    }
  }

  @Test
  void aBurstOfConnectsWhileTheHandlersAreBusyIsHeldByTheBacklog() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Executor stuck = task -> {
      try {
        release.await(20, TimeUnit.SECONDS); // every thread busy: the accepting thread waits here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      pool.execute(task);
    };
    InetSocketAddress address = start(echo(new AtomicInteger()).executor(stuck));
    int burst = 300;
    List<SocketChannel> channels = new ArrayList<>();
    try {
      int connected = Loopback.connectBurst(address, burst, channels);
      assertEquals(burst, connected, "every connect of the burst completed at once, held by the backlog");
    } finally {
      release.countDown();
      for (SocketChannel channel : channels) {
        channel.close();
      }
    }
  }

  @Test
  void aFailedSendLeavesNoPartOfAFrameToBeSentAgain() throws Exception {
    ByteArrayOutputStream taken = new ByteArrayOutputStream();
    OutputStream failing = new OutputStream() {
      @Override
      public void write(int b) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        taken.write(b, off, Math.min(len, 3));
        throw new IOException("broken pipe after 3 bytes");
      }
    };
    BlockingConnection<Bytes, Bytes> connection = BlockingConnection.over(InputStream.nullInputStream(), failing, PROTOCOL);
    IOException first = assertThrows(IOException.class, () -> connection.send(text("hello")));
    assertEquals("broken pipe after 3 bytes", first.getMessage());
    IOException again = assertThrows(IOException.class, () -> connection.send(text("world")));
    assertEquals("an earlier write failed: broken pipe after 3 bytes", again.getMessage());
    assertEquals(3, taken.size(), "nothing was written again");
    assertThrows(IOException.class, connection::receive, "the failure, not a clean end");
  }

  @Test
  void anEncoderThatFailsQueuesNothingAndTheNextFrameIsIntact() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BlockingConnection<Bytes, Bytes> connection = BlockingConnection.over(InputStream.nullInputStream(), out,
        new FaultyProtocol(PROTOCOL));
    assertThrows(IllegalArgumentException.class, () -> connection.send(text("throw")));
    assertThrows(IllegalStateException.class, () -> connection.send(text("short")));
    connection.send(text("after"));
    assertEquals("00000005" + text("after").hex(), Bytes.of(out.toByteArray()).hex());
  }
}
