package dev.parley.benchmarks;

import dev.parley.benchmarks.FramingThroughput.Payload;
import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.Tls;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.nio.NioConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS 1.3 throughput over 127.0.0.1, the frames of {@link FramingThroughput} (one connection, one
 * way, 64-byte or 4 KiB bodies) in records of {@value #CIPHER_SUITE} from the JDK's
 * {@code SSLEngine}: Parley's event loop, Netty's {@code SslHandler} on the JDK provider, and
 * Parley's blocking connection, each beside its plaintext row from {@link FramingThroughput}. Each
 * transport runs in a JVM of its own, warmed up for five seconds and then three times, each run bounded to a
 * minute; the transports take turns in rounds of one JVM each (three by default), so that a
 * neighbour's load that comes and goes falls on all of them, and the median of every measured run
 * is reported. The clock starts once the handshake is done; every run checks the session's
 * protocol and cipher suite.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.TlsThroughput
 * [SMALL_FRAMES [LARGE_FRAMES [ROUNDS [TRANSPORT...]]]]}, transports named as in {@link Transport};
 * one JVM's runs of one transport, for a profiler: {@code ... TlsThroughput --fork TRANSPORT 4096 250000}.
 */
public final class TlsThroughput {

  /** The one cipher suite both systems are held to (the JDK would choose AES-256 first). */
  static final String CIPHER_SUITE = "TLS_AES_128_GCM_SHA256";
  static final String PROTOCOL = "TLSv1.3";
  private static final long TIMEOUT_SECONDS = 60;

  private TlsThroughput() {}

  /** The transports measured: each TLS row and the plaintext row it is divided by. */
  enum Transport {
    EVENT_LOOP("Parley event loop", null),
    EVENT_LOOP_TLS("Parley event loop, TLS", EVENT_LOOP),
    NETTY("Netty 4.2 NIO, LengthField codecs", null),
    NETTY_TLS("Netty 4.2 NIO, SslHandler (JDK)", NETTY),
    BLOCKING("Parley blocking", null),
    BLOCKING_TLS("Parley blocking, TLS", BLOCKING);

    final String label;
    /** The same transport without TLS, or null for a plaintext one. */
    final Transport plaintext;

    Transport(String label, Transport plaintext) {
      this.label = label;
      this.plaintext = plaintext;
    }

    boolean isTls() {
      return plaintext != null;
    }

    /** The Netty row this one is compared with: Netty's own with or without TLS. */
    Transport netty() {
      return isTls() ? NETTY_TLS : NETTY;
    }
  }

  /** The median of the measured runs of one transport. */
  record Result(Transport transport, Payload payload, int frames, double[] seconds) {
    double framesPerSecond() {
      return frames / Fork.median(seconds);
    }

    double megabytesPerSecond() {
      return framesPerSecond() * payload.frameSize() / 1e6;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("--fork")) {
      fork(Transport.valueOf(args[1]), Integer.parseInt(args[2]) == 64 ? Payload.SMALL : Payload.LARGE,
          Integer.parseInt(args[3]));
      return;
    }
    int smallFrames = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int largeFrames = args.length > 1 ? Integer.parseInt(args[1]) : 250_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<Transport> transports = args.length > 3
        ? Arrays.stream(args, 3, args.length).map(Transport::valueOf).toList()
        : List.of(Transport.values());
    if (largeFrames > 0) {
      print(measure(Payload.LARGE, largeFrames, rounds, transports));
    }
    if (smallFrames > 0) {
      print(measure(Payload.SMALL, smallFrames, rounds, transports));
    }
  }

  /**
   * Measures each transport in {@code rounds} JVMs of its own, five seconds of warm-up runs and three measured
   * runs in each, the transports taking turns.
   */
  static List<Result> measure(Payload payload, int frames, int rounds, List<Transport> transports) throws Exception {
    double[][] seconds = new double[transports.size()][0];
    for (int round = 0; round < rounds; round++) {
      for (int t = 0; t < transports.size(); t++) {
        Transport transport = transports.get(t);
        double[] forked = Fork.seconds(TlsThroughput.class, "--fork", transport.name(),
            String.valueOf(payload.bodySize()), String.valueOf(frames));
        int before = seconds[t].length;
        seconds[t] = Arrays.copyOf(seconds[t], before + forked.length);
        System.arraycopy(forked, 0, seconds[t], before, forked.length);
        System.err.printf(Locale.ROOT, "  %-44s %,14.0f frames/s%n", transport.label + " (" + payload.bodySize()
            + " B)", new Result(transport, payload, frames, forked).framesPerSecond());
      }
    }
    List<Result> results = new ArrayList<>();
    for (int t = 0; t < transports.size(); t++) {
      results.add(new Result(transports.get(t), payload, frames, seconds[t]));
    }
    return results;
  }

  /**
   * In the forked JVM: five seconds of warm-up runs, then three measured runs, printed as seconds. The cipher
   * suite is pinned for every engine this JVM makes before the first is made (Parley's
   * {@link Tls} takes the context's suites); Netty's context names it too.
   */
  private static void fork(Transport transport, Payload payload, int frames) throws Exception {
    System.setProperty("jdk.tls.client.cipherSuites", CIPHER_SUITE);
    System.setProperty("jdk.tls.server.cipherSuites", CIPHER_SUITE);
    SelfSigned keys = transport.isTls() ? SelfSigned.make() : null;
    Fork.warmThenMeasure(() -> run(transport, payload, frames, keys));
  }

  static void print(List<Result> results) {
    Result first = results.get(0);
    System.out.printf(Locale.ROOT, "%-40s %14s %10s %12s %8s%n", first.frames + " frames of " + first.payload.bodySize()
        + "-byte bodies", "frames/s", "MB/s", "÷ plaintext", "÷ Netty");
    for (Result result : results) {
      Transport transport = result.transport;
      System.out.printf(Locale.ROOT, "%-40s %,14.0f %10.1f %12s %8s%n", transport.label, result.framesPerSecond(),
          result.megabytesPerSecond(), ratio(result, results, transport.plaintext),
          ratio(result, results, transport.netty()));
    }
  }

  /** {@code result}'s frames per second over {@code other}'s, or a dash when {@code other} was not run. */
  private static String ratio(Result result, List<Result> results, Transport other) {
    for (Result candidate : results) {
      if (candidate.transport == other) {
        return String.format(Locale.ROOT, "%.2f", result.framesPerSecond() / candidate.framesPerSecond());
      }
    }
    return "—";
  }

  /** Sends {@code frames} frames one way and returns the seconds until the last has arrived. */
  static double run(Transport transport, Payload payload, int frames, SelfSigned keys) throws Exception {
    Protocol<BenchMessage> protocol = new FramesOnly(payload.message());
    return switch (transport) {
      case EVENT_LOOP -> FramingThroughput.run(FramingThroughput.Transport.EVENT_LOOP, payload, frames);
      case EVENT_LOOP_TLS -> eventLoop(payload, frames, protocol, keys);
      case NETTY -> FramingThroughput.run(FramingThroughput.Transport.NETTY, payload, frames);
      case NETTY_TLS -> NettyTls.run(payload, frames, keys);
      case BLOCKING -> FramingThroughput.run(FramingThroughput.Transport.BLOCKING, payload, frames);
      case BLOCKING_TLS -> blocking(payload, frames, protocol, keys);
    };
  }

  /** The server's TLS, 1.3 only. */
  static Tls serverTls(SelfSigned keys) throws Exception {
    return Tls.server(keys.serverContext()).withProtocols(List.of(PROTOCOL));
  }

  /** The client's TLS, 1.3 only; the certificate names 127.0.0.1, so the host name is verified. */
  static Tls clientTls(SelfSigned keys) throws Exception {
    return Tls.client(keys.clientContext()).withProtocols(List.of(PROTOCOL));
  }

  /** Throws unless {@code session} is TLS 1.3 with {@link #CIPHER_SUITE}. */
  static void requirePinned(SSLSession session) throws SSLException {
    if (!session.getProtocol().equals(PROTOCOL) || !session.getCipherSuite().equals(CIPHER_SUITE)) {
      throw new SSLException(session.getProtocol() + " " + session.getCipherSuite() + " negotiated, not " + PROTOCOL
          + " " + CIPHER_SUITE);
    }
  }

  /**
   * Both ends on event loops over TLS, as {@link FramingThroughput#eventLoop} over plaintext: the
   * sender refills its queue to 256 KiB on each {@code onDrained}, on its loop's thread, from the
   * end of the handshake ({@code onOpen}).
   */
  static double eventLoop(Payload payload, int frames, Protocol<BenchMessage> protocol, SelfSigned keys)
      throws Exception {
    try (EventLoop serverLoop = EventLoop.start("bench-server"); EventLoop clientLoop = EventLoop.start("bench-client")) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      InetSocketAddress address = serverLoop.listen(FramingThroughput.ANY, protocol, new Handler<>() {
        int count;

        @Override
        public void onMessage(Connection<BenchMessage, BenchMessage> connection, BenchMessage message) {
          if (++count == frames) {
            done.complete(System.nanoTime());
          }
        }
      }, ConnectionOptions.defaults().withTls(serverTls(keys)));
      long[] start = new long[1];
      NioConnection<BenchMessage, BenchMessage> out = clientLoop.connect(address, protocol, new Handler<>() {
        int sent;

        @Override
        public void onOpen(Connection<BenchMessage, BenchMessage> connection) throws SSLException {
          requirePinned(((NioConnection<?, ?>) connection).tlsSession().orElseThrow());
          start[0] = System.nanoTime();
          refill(connection);
        }

        private void refill(Connection<BenchMessage, BenchMessage> connection) {
          while (sent < frames && connection.pendingBytes() < 4 * FramingThroughput.BATCH_BYTES) {
            connection.send(payload.message());
            sent++;
          }
        }

        @Override
        public void onDrained(Connection<BenchMessage, BenchMessage> connection) {
          refill(connection);
        }

        @Override
        public void onMessage(Connection<BenchMessage, BenchMessage> connection, BenchMessage message) {}

        @Override
        public void onClose(Connection<BenchMessage, BenchMessage> connection, CloseReason reason, Throwable cause) {
          done.completeExceptionally(new IllegalStateException("the sender closed: " + reason, cause));
        }
      }, ConnectionOptions.defaults().withTls(clientTls(keys)));
      long end = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      out.close();
      return (end - start[0]) / 1e9;
    }
  }

  /**
   * Parley's blocking connection at both ends over TLS, as {@link FramingThroughput#blocking} over
   * plaintext: {@code sendAll} of 64 KiB batches, {@code receiveAll} to a handler; the receiver
   * starts TLS on the accepted socket, the sender's {@code connect} returns after the handshake.
   *
   * <p>The sender closes only once the last frame has arrived. It never reads, so the session
   * ticket that a TLS 1.3 server sends after the handshake is still unread in its socket when it
   * closes, and its kernel answers with a reset instead of a FIN; a reset that overtakes the last
   * records makes the receiver lose them. The reset that comes after the last frame is expected.
   */
  static double blocking(Payload payload, int frames, Protocol<BenchMessage> protocol, SelfSigned keys)
      throws Exception {
    Tls server = serverTls(keys);
    try (ServerSocketChannel listening = ServerSocketChannel.open().bind(FramingThroughput.ANY)) {
      ExecutorService reading = Executors.newSingleThreadExecutor();
      try {
        CompletableFuture<Long> last = new CompletableFuture<>();
        Future<?> receiving = reading.submit(() -> {
          try (BlockingConnection<BenchMessage, BenchMessage> in = BlockingConnection.over(listening.accept(),
              protocol)) {
            in.startTls(server);
            int[] count = {0};
            in.receiveAll(message -> {
              if (++count[0] == frames) {
                last.complete(System.nanoTime());
              }
            });
            if (count[0] != frames) {
              throw new IllegalStateException(count[0] + " frames arrived, not " + frames);
            }
          } catch (IOException e) {
            if (!last.isDone()) {
              throw e;
            }
          }
          return null;
        });
        int perBatch = payload.framesPerBatch();
        List<BenchMessage> batch = Collections.nCopies(perBatch, payload.message());
        long start;
        long end;
        try (BlockingConnection<BenchMessage, BenchMessage> out = BlockingConnection.connect(
            (InetSocketAddress) listening.getLocalAddress(), protocol, ConnectionOptions.defaults().withTls(
                clientTls(keys)))) {
          requirePinned(out.tlsSession().orElseThrow());
          start = System.nanoTime();
          for (int sent = 0; sent < frames; sent += perBatch) {
            out.sendAll(frames - sent >= perBatch ? batch : batch.subList(0, frames - sent));
          }
          end = last.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        receiving.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return (end - start) / 1e9;
      } finally {
        reading.shutdownNow();
      }
    }
  }
}
