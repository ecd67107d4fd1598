package dev.parley.runtime.nio;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Connection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FaultyProtocol;
import dev.parley.runtime.FrameTimeoutException;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.Loopback;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.RawProtocol;
import dev.parley.runtime.WriteTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loop against peers that are slow, silent, flooding, resetting or pipelining, over real
 * sockets on 127.0.0.1: each costs at most its own connection, and no reply or frame is lost.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostilePeersTest {

  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 20);
  static final Duration WAIT = Duration.ofSeconds(10);

  private EventLoop loop;
  private final List<Throwable> reports = new CopyOnWriteArrayList<>();
  private final BlockingQueue<CloseReason> closes = new ArrayBlockingQueue<>(10_000);
  private final BlockingQueue<Throwable> causes = new ArrayBlockingQueue<>(10_000);

  @BeforeEach
  void startLoop() throws IOException {
    loop = EventLoop.start("parley-hostile-loop", (SocketAddress where, Throwable error) -> reports.add(error));
  }

  @AfterEach
  void stopLoop() {
    loop.close(Duration.ofSeconds(1));
  }

  static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  static Bytes text(String s) {
    return Loopback.text(s);
  }

  /** Echoes upper-cased; a body "big N" is answered with N KiB; records each close. */
  private class Echo implements Handler<Bytes, Bytes> {
    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) throws Exception {
      String s = new String(message.toByteArray(), StandardCharsets.UTF_8);
      if (s.startsWith("big ")) {
        connection.send(Bytes.of(new byte[Integer.parseInt(s.substring(4)) * 1024]));
      } else {
        connection.send(text(s.toUpperCase(Locale.ROOT)));
      }
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      closes.add(reason);
      if (cause != null) {
        causes.add(cause);
      }
    }
  }

  private InetSocketAddress serve(ConnectionOptions options) throws IOException {
    return loop.listen(loopback(), PROTOCOL, new Echo(), options);
  }

  private static BlockingConnection<Bytes, Bytes> client(InetSocketAddress address) throws IOException {
    return Loopback.client(address, PROTOCOL);
  }

  @Test
  void aPeerDribblingAFrameIsClosedAtTheFrameDeadlineThoughEveryByteResetsTheIdleTimer() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults()
        .withIdleTimeout(Duration.ofSeconds(2)).withFrameTimeout(Duration.ofMillis(400)));
    try (Socket dribbler = new Socket(address.getAddress(), address.getPort())) {
      dribbler.getOutputStream().write(new byte[] {0, 0, 0, 100});
      long start = System.nanoTime();
      for (int i = 0; i < 60 && closes.isEmpty(); i++) {
        try {
          dribbler.getOutputStream().write('x');
        } catch (IOException closed) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      assertEquals(CloseReason.FRAME_TIMEOUT, closes.poll(10, TimeUnit.SECONDS));
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(elapsed < 2000, "closed by the frame deadline, not the idle timeout: " + elapsed + " ms");
      Throwable cause = causes.poll(1, TimeUnit.SECONDS);
      assertInstanceOf(FrameTimeoutException.class, cause);
      assertTrue(cause.getMessage().startsWith("a frame did not arrive whole within 400 ms of its first byte"),
          cause.getMessage());
      assertTrue(Loopback.closedByServer(dribbler));
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheFrameDeadlineOfItsAccept() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults().withFrameTimeout(Duration.ofMillis(300)));
    try (Socket silent = new Socket(address.getAddress(), address.getPort())) {
      assertEquals(CloseReason.FRAME_TIMEOUT, closes.poll(10, TimeUnit.SECONDS));
      assertEquals("no frame arrived within 300 ms of the accept", causes.poll(1, TimeUnit.SECONDS).getMessage());
      assertTrue(Loopback.closedByServer(silent));
    }
  }

  @Test
  void aPipeliningClientThatReadsGetsEveryReplyWhileAPeerThatNeverReadsIsClosedByTheWriteTimeout() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults()
        .withMaxPendingBytes(1 << 20).withWriteTimeout(Duration.ofMillis(500)));
    try (Socket lazy = new Socket()) {
      lazy.setReceiveBufferSize(4096);
      lazy.connect(address);
      byte[] requests = pipelined(64, "big 64"); // 4 MiB of replies, four times the hard bound
      lazy.getOutputStream().write(requests);
      try (BlockingConnection<Bytes, Bytes> reader = client(address)) {
        List<Bytes> batch = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          batch.add(text("big 64"));
        }
        reader.sendAll(batch); // 2 MiB of replies, twice the bound, asked for at once
        for (int i = 0; i < 32; i++) {
          int reply = i;
          assertEquals(64 * 1024, reader.receive().orElseThrow(() -> new AssertionError("no reply " + reply
              + "; closes " + closes + ", causes " + causes)).size(), "reply " + i);
        }
        reader.send(text("still here"));
        assertEquals(Optional.of(text("STILL HERE")), reader.receive());
      }
      java.util.Set<CloseReason> reasons = java.util.EnumSet.noneOf(CloseReason.class);
      reasons.add(closes.poll(10, TimeUnit.SECONDS));
      reasons.add(closes.poll(10, TimeUnit.SECONDS));
      assertEquals(java.util.EnumSet.of(CloseReason.PEER_CLOSED, CloseReason.WRITE_TIMEOUT), reasons,
          "the reader closed cleanly, the lazy peer by the write timeout");
      Throwable cause = causes.poll(1, TimeUnit.SECONDS);
      assertInstanceOf(WriteTimeoutException.class, cause);
      assertTrue(cause.getMessage().contains("queued bytes for 500 ms"), cause.getMessage());
    }
  }

  private static byte[] pipelined(int count, String request) {
    byte[] body = request.getBytes(StandardCharsets.UTF_8);
    ByteBuffer frames = ByteBuffer.allocate(count * (4 + body.length));
    for (int i = 0; i < count; i++) {
      frames.putInt(body.length).put(body);
    }
    return frames.array();
  }

  @Test
  void repliesToRequestsBeforeABadFrameInTheSameReadArriveBeforeTheClose() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults());
    for (int round = 0; round < 200; round++) {
      try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
        ByteBuffer bytes = ByteBuffer.allocate(64);
        bytes.putInt(5).put("hello".getBytes(StandardCharsets.US_ASCII)).putInt(2).put((byte) 0xEE).put((byte) 1);
        socket.getOutputStream().write(bytes.array(), 0, bytes.position());
        BlockingConnection<Bytes, Bytes> reply = BlockingConnection.over(socket, PROTOCOL);
        reply.setReadTimeout(WAIT);
        assertEquals(Optional.of(text("HELLO")), reply.receive(), "round " + round);
        assertEquals(Optional.empty(), reply.receive(), "then a FIN, not a reset: the server lingers");
        socket.shutdownOutput(); // the peer's end: the lingering server closes now
        assertEquals(CloseReason.PROTOCOL_ERROR, closes.poll(10, TimeUnit.SECONDS));
        assertInstanceOf(ProtocolException.class, causes.poll(1, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void everyCompleteFrameBeforeAResetReachesTheHandler() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    InetSocketAddress address = loop.listen(loopback(), PROTOCOL, new Echo() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) throws Exception {
        handled.incrementAndGet();
        super.onMessage(connection, message);
      }
    }, ConnectionOptions.defaults());
    int rounds = 300;
    for (int round = 0; round < rounds; round++) {
      try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
        byte[] frames = pipelined(3, "abc");
        byte[] withHalf = java.util.Arrays.copyOf(frames, frames.length + 5);
        withHalf[frames.length + 3] = 9; // a fourth frame's prefix and one byte of its nine
        socket.getOutputStream().write(withHalf);
        socket.setSoLinger(true, 0);
      }
    }
    Loopback.waitFor(() -> closes.size() == rounds);
    assertEquals(3 * rounds, handled.get(), "every frame that arrived complete was handled");
  }

  @Test
  void aListenerAtItsConnectionLimitClosesNewConnectionsAtOnceAndReportsTheEpisodeOnce() throws Exception {
    InetSocketAddress address = loop.listen(loopback(), PROTOCOL, new Echo(), ConnectionOptions.defaults(),
        ListenOptions.defaults().withMaxConnections(3));
    List<BlockingConnection<Bytes, Bytes>> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        BlockingConnection<Bytes, Bytes> c = client(address);
        c.send(text("in " + i));
        assertEquals(Optional.of(text("IN " + i)), c.receive());
        held.add(c);
      }
      for (int i = 0; i < 5; i++) {
        try (Socket refused = new Socket(address.getAddress(), address.getPort())) {
          assertTrue(Loopback.closedByServer(refused), "refused " + i);
        }
      }
      assertEquals(5, loop.refusedConnections());
      assertEquals(1, reports.stream().filter(e -> e.getMessage().startsWith("connection limit of 3 reached")).count(),
          "one report for the episode: " + reports);
      held.remove(0).close();
      Loopback.waitFor(() -> loop.connectionCount() == 2);
      try (BlockingConnection<Bytes, Bytes> again = client(address)) {
        again.send(text("room again"));
        assertEquals(Optional.of(text("ROOM AGAIN")), again.receive());
      }
    } finally {
      for (BlockingConnection<Bytes, Bytes> c : held) {
        c.close();
      }
    }
  }

  @Test
  void aBurstOfConnectsWhileTheLoopIsBusyIsHeldByTheBacklog() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults());
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(() -> {
      try {
        release.await(20, TimeUnit.SECONDS); // the loop is busy: nothing is accepted meanwhile
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    int burst = 300;
    List<SocketChannel> channels = new ArrayList<>();
    try {
      int connected = Loopback.connectBurst(address, burst, channels);
      assertEquals(burst, connected, "every connect of the burst completed at once");
      release.countDown();
      Loopback.waitFor(() -> loop.connectionCount() == burst);
    } finally {
      release.countDown();
      for (SocketChannel channel : channels) {
        channel.close();
      }
    }
  }

  @Test
  void aHandlerThatThrowsFromEveryCallbackCostsOnlyItsConnection() throws Exception {
    InetSocketAddress good = serve(ConnectionOptions.defaults());
    for (String where : List.of("onOpen", "onMessage", "onDrained", "onClose", "onOpenError")) {
      InetSocketAddress bad = loop.listen(loopback(), PROTOCOL, new Handler<Bytes, Bytes>() {
        @Override
        public void onOpen(Connection<Bytes, Bytes> connection) {
          if (where.equals("onOpen")) {
            throw new IllegalStateException("boom in onOpen");
          }
          if (where.equals("onOpenError")) {
            throw new StackOverflowError("an Error in onOpen");
          }
        }

        @Override
        public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
          connection.send(message);
          if (where.equals("onMessage")) {
            throw new IllegalStateException("boom in onMessage");
          }
        }

        @Override
        public void onDrained(Connection<Bytes, Bytes> connection) {
          if (where.equals("onDrained")) {
            throw new IllegalStateException("boom in onDrained");
          }
        }

        @Override
        public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
          closes.add(reason);
          if (where.equals("onClose")) {
            throw new IllegalStateException("boom in onClose");
          }
        }
      }, ConnectionOptions.defaults());
      BlockingConnection<Bytes, Bytes> victim = client(bad);
      try {
        victim.send(text("x"));
        while (victim.receive().isPresent()) {
          if (where.equals("onClose")) {
            break; // the echo came back; closing now makes the server's onClose run
          }
        }
      } catch (IOException closedByServer) {
        // expected for most: the server closed this connection
      } finally {
        victim.close();
      }
      CloseReason reason = closes.poll(10, TimeUnit.SECONDS);
      assertEquals(where.equals("onClose") ? CloseReason.PEER_CLOSED : CloseReason.HANDLER_ERROR, reason, where);
      try (BlockingConnection<Bytes, Bytes> other = client(good)) {
        other.send(text("after " + where));
        assertEquals(Optional.of(text("AFTER " + where.toUpperCase(Locale.ROOT))), other.receive(),
            "the loop goes on after a throw in " + where);
      }
      closes.poll(10, TimeUnit.SECONDS); // the good connection's close
    }
    Loopback.waitFor(() -> reports.stream().anyMatch(e -> "boom in onClose".equals(e.getMessage())));
    assertTrue(reports.stream().anyMatch(e -> e instanceof StackOverflowError), "an Error is reported: " + reports);
  }

  @Test
  void aTaskThatThrowsIsReportedAndTheLoopGoesOn() throws Exception {
    loop.execute(() -> {
      throw new IllegalStateException("a broken task");
    });
    InetSocketAddress address = serve(ConnectionOptions.defaults());
    try (BlockingConnection<Bytes, Bytes> c = client(address)) {
      c.send(text("ok"));
      assertEquals(Optional.of(text("OK")), c.receive());
    }
    Loopback.waitFor(() -> reports.stream().anyMatch(e -> e.getCause() != null
        && "a broken task".equals(e.getCause().getMessage())));
  }

  @Test
  void anEncoderThatFailsOrWritesShortQueuesNothingAndTheNextFramesArriveIntact() throws Exception {
    List<String> failures = new CopyOnWriteArrayList<>();
    InetSocketAddress address = loop.listen(loopback(), new FaultyProtocol(PROTOCOL), new Handler<>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        for (String s : List.of("before", "throw", "short", "after")) {
          try {
            connection.send(text(s));
          } catch (RuntimeException e) {
            failures.add(e.getMessage());
          }
        }
      }
    }, ConnectionOptions.defaults());
    try (BlockingConnection<Bytes, Bytes> c = client(address)) {
      c.send(text("go"));
      assertEquals(Optional.of(text("before")), c.receive());
      assertEquals(Optional.of(text("after")), c.receive(), "the frame after the failures is intact");
    }
    assertEquals(2, failures.size(), failures.toString());
    assertTrue(failures.get(0).startsWith("cannot encode Bytes, nothing was queued"), failures.get(0));
    assertEquals("the protocol wrote 4 bytes of Bytes after promising 5; nothing was queued", failures.get(1));
  }

  @Test
  void idleConnectionsHoldNoBuffersAndARefusedPrefixAllocatesLittle() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults());
    int count = 500;
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        idle.add(new Socket(address.getAddress(), address.getPort()));
      }
      Loopback.waitFor(() -> loop.connectionCount() == count);
      assertEquals(0, bufferBytes(), "an accepted connection allocates its buffers only when bytes need them");
      // One request and reply on each, then quiet: the buffers are given back.
      for (Socket socket : idle) {
        socket.getOutputStream().write(new byte[] {0, 0, 0, 1, 'a'});
      }
      for (Socket socket : idle) {
        socket.setSoTimeout(10_000);
        assertEquals(5, socket.getInputStream().readNBytes(5).length);
      }
      Loopback.waitFor(() -> bufferBytes() == 0);
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
    Loopback.waitFor(() -> loop.connectionCount() == 0);
    closes.clear();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long loopThread = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("parley-hostile-loop")).findFirst().orElseThrow().getId();
    // Warm up the path once, then measure it.
    for (int round = 0; round < 2; round++) {
      long before = threads.getThreadAllocatedBytes(loopThread);
      try (Socket absurd = new Socket(address.getAddress(), address.getPort())) {
        absurd.getOutputStream().write(new byte[] {(byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertTrue(Loopback.closedByServer(absurd));
      }
      assertEquals(CloseReason.PROTOCOL_ERROR, closes.poll(10, TimeUnit.SECONDS));
      long allocated = threads.getThreadAllocatedBytes(loopThread) - before;
      System.out.println("refused prefix: the loop allocated " + allocated + " bytes");
      if (round == 1) {
        assertTrue(allocated < 16 * 1024, "a refused prefix allocated " + allocated + " bytes");
      }
    }
  }

  private long bufferBytes() {
    try {
      java.util.concurrent.CompletableFuture<Long> bytes = new java.util.concurrent.CompletableFuture<>();
      loop.execute(() -> bytes.complete(loop.bufferBytes()));
      return bytes.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aClientThatStopsSendingMidFrameAfterAHalfCloseIsStillAProtocolError() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults());
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.getOutputStream().write(new byte[] {0, 0, 0, 5, 'a'});
      socket.shutdownOutput();
      assertTrue(Loopback.closedByServer(socket));
    }
    assertEquals(CloseReason.PROTOCOL_ERROR, closes.poll(10, TimeUnit.SECONDS));
    assertInstanceOf(dev.parley.runtime.TruncatedFrameException.class, causes.poll(10, TimeUnit.SECONDS));
  }
}
