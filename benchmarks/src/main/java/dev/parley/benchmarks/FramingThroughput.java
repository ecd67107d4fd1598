package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Tick;
import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.nio.ConnectionOptions;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.nio.Handler;
import dev.parley.runtime.nio.NioConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Framing throughput over 127.0.0.1: one connection, one way, 64-byte bodies (68-byte frames),
 * for Parley's blocking path, its event loop, and a raw {@code SocketChannel} baseline that writes
 * the same bytes in large batches and parses length prefixes from a reused buffer. Each mode runs
 * three times (each bounded to a minute); the median is reported, with its ratio to the baseline.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.FramingThroughput [frames]}
 */
public final class FramingThroughput {

  private static final int BODY = 64;
  private static final int FRAME = 4 + BODY;
  private static final Tick TICK = new Tick(Bytes.of(new byte[62]));
  private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private FramingThroughput() {}

  /** One mode: sends {@code frames} frames and returns the seconds until the last arrived. */
  interface Mode {
    double run(int frames) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    List<String> names = List.of("raw SocketChannel, batched", "Parley FrameWriter/FrameReader",
        "Parley blocking, sendAll(960)", "Parley event loop", "Parley blocking, send() (1/20)");
    // send() makes one system call a frame: a twentieth of the frames keeps its run under a minute.
    List<Mode> modes = List.of(FramingThroughput::raw, FramingThroughput::framingOnly,
        f -> blocking(f, true), FramingThroughput::eventLoop, f -> blocking(f / 20, false) * 20);
    double[] medians = new double[modes.size()];
    for (int m = 0; m < modes.size(); m++) {
      modes.get(m).run(Math.min(frames, 200_000)); // warm up
      double[] rates = new double[3];
      for (int r = 0; r < 3; r++) {
        rates[r] = frames / modes.get(m).run(frames);
      }
      Arrays.sort(rates);
      medians[m] = rates[1];
    }
    System.out.printf(Locale.ROOT, "%-32s %14s %10s %10s%n", "mode (" + frames + " frames of 68 bytes)",
        "frames/s", "MB/s", "vs raw");
    for (int m = 0; m < modes.size(); m++) {
      System.out.printf(Locale.ROOT, "%-32s %,14.0f %10.1f %9.0f%%%n", names.get(m), medians[m],
          medians[m] * FRAME / 1e6, 100 * medians[m] / medians[0]);
    }
  }

  /** The floor: the same bytes written in 64 KiB batches, prefixes parsed from a reused buffer. */
  static double raw(int frames) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(ANY)) {
      ExecutorService reader = Executors.newSingleThreadExecutor();
      try {
        Future<Long> received = reader.submit(() -> {
          try (SocketChannel in = server.accept()) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long count = 0;
            while (count < frames) {
              if (in.read(buffer) < 0) {
                break;
              }
              buffer.flip();
              while (buffer.remaining() >= 4 && buffer.remaining() >= 4 + buffer.getInt(buffer.position())) {
                buffer.position(buffer.position() + 4 + buffer.getInt(buffer.position()));
                count++;
              }
              buffer.compact();
            }
            return System.nanoTime();
          }
        });
        ByteBuffer batch = ByteBuffer.allocate(FRAME * 960);
        while (batch.remaining() >= FRAME) {
          batch.putInt(BODY).putShort((short) 4).put(new byte[62]);
        }
        try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
          long start = System.nanoTime();
          int sent = 0;
          while (sent < frames) {
            int n = Math.min(960, frames - sent);
            batch.clear().limit(n * FRAME);
            while (batch.hasRemaining()) {
              out.write(batch);
            }
            sent += n;
          }
          return (received.get(60, TimeUnit.SECONDS) - start) / 1e9;
        }
      } finally {
        reader.shutdownNow();
      }
    }
  }

  /**
   * Parley's framing without messages: the sender encodes Ticks with a FrameWriter, the receiver
   * cuts frames with a FrameReader and counts them without decoding, the cost the runtime adds
   * to the raw baseline before any object is made.
   */
  static double framingOnly(int frames) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(ANY)) {
      ExecutorService reader = Executors.newSingleThreadExecutor();
      try {
        Future<Long> received = reader.submit(() -> {
          try (SocketChannel in = server.accept()) {
            FrameReader frameReader = new FrameReader(BenchProtocol.INSTANCE.frameFormat());
            long count = 0;
            while (count < frames) {
              if (frameReader.readFrom(in) < 0) {
                break;
              }
              while (frameReader.nextFrame() != null) {
                count++;
              }
            }
            return System.nanoTime();
          }
        });
        FrameWriter<BenchMessage> writer = new FrameWriter<>(BenchProtocol.INSTANCE);
        try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
          long start = System.nanoTime();
          for (int sent = 0; sent < frames; ) {
            for (int n = 0; n < 960 && sent < frames; n++, sent++) {
              writer.enqueue(TICK);
            }
            while (!writer.flushTo(out)) {
              // a blocking channel takes everything; loop in case it does not
            }
          }
          return (received.get(60, TimeUnit.SECONDS) - start) / 1e9;
        }
      } finally {
        reader.shutdownNow();
      }
    }
  }

  static double blocking(int frames, boolean batched) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(ANY)) {
      ExecutorService reader = Executors.newSingleThreadExecutor();
      try {
        Future<Long> received = reader.submit(() -> {
          try (BlockingConnection<BenchMessage> in = BlockingConnection.over(server.accept(), BenchProtocol.INSTANCE)) {
            for (int i = 0; i < frames; i++) {
              in.receive().orElseThrow();
            }
            return System.nanoTime();
          }
        });
        List<Tick> batch = Collections.nCopies(960, TICK);
        try (BlockingConnection<BenchMessage> out = BlockingConnection.connect(
            (InetSocketAddress) server.getLocalAddress(), BenchProtocol.INSTANCE, Duration.ofSeconds(10))) {
          long start = System.nanoTime();
          if (batched) {
            for (int sent = 0; sent < frames; sent += 960) {
              out.sendAll(frames - sent >= 960 ? batch : batch.subList(0, frames - sent));
            }
          } else {
            for (int i = 0; i < frames; i++) {
              out.send(TICK);
            }
          }
          return (received.get(60, TimeUnit.SECONDS) - start) / 1e9;
        }
      } finally {
        reader.shutdownNow();
      }
    }
  }

  /** Both ends on event loops: the sender refills its queue whenever half of it has gone. */
  static double eventLoop(int frames) throws Exception {
    try (EventLoop serverLoop = EventLoop.start("bench-server"); EventLoop clientLoop = EventLoop.start("bench-client")) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      InetSocketAddress address = serverLoop.listen(ANY, BenchProtocol.INSTANCE, new Handler<>() {
        int count;

        @Override
        public void onMessage(NioConnection<BenchMessage> connection, BenchMessage message) {
          if (++count == frames) {
            done.complete(System.nanoTime());
          }
        }
      }, ConnectionOptions.defaults());
      long[] start = new long[1];
      NioConnection<BenchMessage> out = clientLoop.connect(address, BenchProtocol.INSTANCE, new Handler<>() {
        int sent;

        @Override
        public void onOpen(NioConnection<BenchMessage> connection) {
          start[0] = System.nanoTime();
          refill(connection);
        }

        private void refill(NioConnection<BenchMessage> connection) {
          // Queue 128 KiB at a time (well within the bound); more follows each time it has drained.
          while (sent < frames && connection.pendingBytes() < 128 * 1024) {
            connection.send(TICK);
            sent++;
          }
        }

        @Override
        public void onDrained(NioConnection<BenchMessage> connection) {
          refill(connection);
        }

        @Override
        public void onMessage(NioConnection<BenchMessage> connection, BenchMessage message) {}
      }, ConnectionOptions.defaults());
      long end = done.get(60, TimeUnit.SECONDS);
      out.close();
      return (end - start[0]) / 1e9;
    }
  }

}
