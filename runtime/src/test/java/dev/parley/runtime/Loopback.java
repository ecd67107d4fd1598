package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the transport tests share: bounded waits, and a load of echo clients over loopback. */
public final class Loopback {

  private Loopback() {}

  /** Polls {@code condition} every few milliseconds for at most ten seconds. */
  public static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  public static Bytes text(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs {@code clients} clients of {@code requests} request/replies each against an upper-casing
   * echo server at {@code server}, while one more client sends half a frame and resets; asserts
   * every reply arrived, in order.
   */
  public static void echoLoad(InetSocketAddress server, Protocol<Bytes> protocol, int clients, int requests)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        results.add(pool.submit(() -> {
          try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(server, protocol, Duration.ofSeconds(10))) {
            client.setReadTimeout(Duration.ofSeconds(10));
            for (int i = 0; i < requests; i++) {
              client.send(text("c" + id + " m" + i));
              assertEquals(Optional.of(text(("c" + id + " m" + i).toUpperCase(Locale.ROOT))), client.receive());
            }
          }
          return requests;
        }));
      }
      resetMidFrame(server);
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get(50, TimeUnit.SECONDS);
      }
      assertEquals(clients * requests, total);
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  /** A client killed mid-frame: half a frame, then a reset instead of a clean close. */
  public static void resetMidFrame(InetSocketAddress server) throws IOException {
    try (Socket killed = new Socket(server.getAddress(), server.getPort())) {
      killed.getOutputStream().write(new byte[] {0, 0, 0, 50, 1, 2, 3});
      killed.setSoLinger(true, 0);
    }
  }

  /**
   * Starts {@code burst} non-blocking connects to {@code server} (added to {@code channels}, which
   * the caller closes) and counts how many complete within half a second. A handshake the listen
   * backlog has no room for is dropped and retried after a second, so only the backlog's worth can
   * complete in that time while nothing is accepted.
   */
  public static int connectBurst(InetSocketAddress server, int burst, List<java.nio.channels.SocketChannel> channels)
      throws IOException {
    for (int i = 0; i < burst; i++) {
      java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open();
      channels.add(channel);
      channel.configureBlocking(false);
      channel.connect(server);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    int connected = 0;
    while (System.nanoTime() < deadline && connected < burst) {
      connected = 0;
      for (java.nio.channels.SocketChannel channel : channels) {
        if (channel.isConnected() || channel.finishConnect()) {
          connected++;
        }
      }
    }
    return connected;
  }

  /** Reads until the server closes {@code socket}: the end of the stream or a reset, within ten seconds. */
  public static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    java.io.InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // replies, if any, then the end
      }
      return true;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  /** A client connected to {@code server}, whose connect and every read wait at most ten seconds. */
  public static <M> BlockingConnection<M, M> client(InetSocketAddress server, Protocol<M> protocol) throws IOException {
    BlockingConnection<M, M> client = BlockingConnection.connect(server, protocol, Duration.ofSeconds(10));
    client.setReadTimeout(Duration.ofSeconds(10));
    return client;
  }
}
