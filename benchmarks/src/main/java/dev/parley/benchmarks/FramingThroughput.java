package dev.parley.benchmarks;

import dev.parley.runtime.Connection;
import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Page;
import dev.parley.benchmarks.generated.Tick;
import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.Handler;
import dev.parley.runtime.nio.NioConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
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
import java.util.concurrent.locks.LockSupport;

/**
 * Framing throughput over 127.0.0.1: one connection, one way, frames of a 64-byte or a 4 KiB body,
 * for a raw {@code SocketChannel} baseline, Parley's framing, its blocking connection, its event
 * loop, and Netty. The event loop and Netty are measured on both ends, and on one end with the
 * raw baseline's side on the other: receiving, sending from the loop's thread, and sending from
 * an application thread; a sink that reads into direct memory and only counts bytes shows the most
 * any receiver can take from the raw sender. Each transport runs in a JVM of its own, warmed up for five seconds and then three
 * times, each run bounded to a minute; the median is reported.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.FramingThroughput
 * [SMALL_FRAMES [LARGE_FRAMES [TRANSPORT...]]]}, transports named as in {@link Transport}; the
 * ratios printed are to the first transport run.
 *
 * <p>With {@code --rounds N} first, the transports run one after another N times over, and each
 * ratio is taken within a round: to the first transport of that round, and, for the event loop,
 * to the Netty transport of the same direction when it is in the list. The median of the rounds'
 * ratios is printed with their range.
 */
public final class FramingThroughput {

  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final long TIMEOUT_SECONDS = 60;
  /** Senders write about this many bytes at a time. */
  static final int BATCH_BYTES = 64 * 1024;
  /**
   * The water marks of a sender that waits for writability (Parley's off the loop, Netty's): the
   * runtime's defaults, so that the queue left when the sender is told to go on (the low mark)
   * outlasts the time its thread takes to wake.
   */
  static final int SENDER_LOW_MARK = ConnectionOptions.DEFAULT_LOW_WATER_MARK;
  static final int SENDER_HIGH_MARK = ConnectionOptions.DEFAULT_HIGH_WATER_MARK;

  private FramingThroughput() {}

  /**
   * The transports measured. Those named for one direction have the event loop (or Netty) on one
   * side only, the other side being the raw baseline's: {@code _RECEIVE} reads what a raw sender
   * writes, {@code _SEND} writes from the loop's thread (refilling on {@code onDrained}) to a raw
   * receiver, {@code _SEND_OFF_LOOP} from an application thread.
   */
  enum Transport {
    RAW("raw SocketChannel, batched"),
    FRAMING("Parley FrameWriter/FrameReader"),
    BLOCKING("Parley blocking, frames to handler"),
    BLOCKING_DECODE("Parley blocking, decoded records"),
    EVENT_LOOP("Parley event loop both ends, frames to handler"),
    EVENT_LOOP_DECODE("Parley event loop both ends, decoded records"),
    EVENT_LOOP_RECEIVE("Parley event loop receiving from raw"),
    EVENT_LOOP_SEND("Parley event loop sending on the loop, to raw"),
    EVENT_LOOP_SEND_OFF_LOOP("Parley event loop sending off the loop, to raw"),
    NETTY("Netty 4.2 NIO both ends, LengthField codecs"),
    NETTY_RECEIVE("Netty receiving from raw"),
    NETTY_SEND("Netty sending on the loop, to raw"),
    NETTY_SEND_OFF_LOOP("Netty sending off the loop, to raw"),
    NETTY_SEND_ENCODING("Netty sending records on the loop, to raw"),
    NETTY_SEND_OFF_LOOP_ENCODING("Netty sending records off the loop, to raw"),
    /** The most any receiver can take from the raw sender: a receiver that only counts bytes. */
    RAW_TO_SINK("ceiling: raw sender to a byte-counting sink");

    final String label;

    Transport(String label) {
      this.label = label;
    }

    /** The Netty transport that does what this one does, the anchor of its ratio to Netty. */
    Transport netty() {
      return switch (this) {
        case EVENT_LOOP_RECEIVE, NETTY_RECEIVE, RAW_TO_SINK -> NETTY_RECEIVE;
        case EVENT_LOOP_SEND, NETTY_SEND, NETTY_SEND_ENCODING -> NETTY_SEND;
        case EVENT_LOOP_SEND_OFF_LOOP, NETTY_SEND_OFF_LOOP, NETTY_SEND_OFF_LOOP_ENCODING -> NETTY_SEND_OFF_LOOP;
        default -> NETTY;
      };
    }

    /**
     * The Netty transport that sends the records as this one does, encoding each (Netty's other
     * senders write a prebuilt body), or null if this one does not send records.
     */
    Transport nettyEncoding() {
      return switch (this) {
        case EVENT_LOOP_SEND -> NETTY_SEND_ENCODING;
        case EVENT_LOOP_SEND_OFF_LOOP -> NETTY_SEND_OFF_LOOP_ENCODING;
        default -> null;
      };
    }
  }

  /** A frame body: the message that carries it and its size. */
  record Payload(BenchMessage message, int bodySize) {
    static final Payload SMALL = new Payload(new Tick(Bytes.of(new byte[62])), 64);
    static final Payload LARGE = new Payload(new Page(Bytes.of(new byte[4094])), 4096);

    Payload {
      if (BenchProtocol.INSTANCE.encodedSize(message) != bodySize) {
        throw new IllegalArgumentException("body of " + bodySize + " bytes expected");
      }
    }

    int frameSize() {
      return 4 + bodySize;
    }

    int framesPerBatch() {
      return Math.max(1, BATCH_BYTES / frameSize());
    }

    /** The whole frame, length prefix included, as Parley writes it. */
    byte[] frame() {
      ByteBuffer frame = ByteBuffer.allocate(frameSize()).putInt(bodySize);
      BenchProtocol.INSTANCE.encode(message, frame);
      return frame.array();
    }
  }

  /** The median of three runs of one transport. */
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
    if (args.length > 1 && args[0].equals("--rounds")) {
      rounds(Integer.parseInt(args[1]), Arrays.copyOfRange(args, 2, args.length));
      return;
    }
    int smallFrames = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int largeFrames = args.length > 1 ? Integer.parseInt(args[1]) : 250_000;
    List<Transport> transports = args.length > 2
        ? Arrays.stream(args, 2, args.length).map(Transport::valueOf).toList()
        : List.of(Transport.values());
    if (smallFrames > 0) {
      print(measure(Payload.SMALL, smallFrames, transports));
    }
    if (largeFrames > 0) {
      print(measure(Payload.LARGE, largeFrames, transports));
    }
  }

  /** {@code --rounds}: see the class comment. */
  private static void rounds(int rounds, String[] args) throws Exception {
    List<Transport> transports = Arrays.stream(args, 2, args.length).map(Transport::valueOf).toList();
    for (Payload payload : List.of(Payload.SMALL, Payload.LARGE)) {
      int frames = Integer.parseInt(args[payload == Payload.SMALL ? 0 : 1]);
      if (frames == 0) {
        continue;
      }
      List<String[]> forks = transports.stream()
          .map(t -> new String[] {"--fork", t.name(), String.valueOf(payload.bodySize), String.valueOf(frames)})
          .toList();
      double[][] seconds = Fork.rounds(FramingThroughput.class, rounds, forks);
      System.out.printf(Locale.ROOT, "%d frames of %d-byte bodies, %d rounds: median (least-greatest) of the"
          + " rounds' ratios%n", frames, payload.bodySize, rounds);
      System.out.printf(Locale.ROOT, "%-48s %14s %20s %20s %24s%n", "", "frames/s", "vs " + transports.get(0),
          "vs Netty", "vs Netty sending records");
      for (int t = 0; t < transports.size(); t++) {
        double perSecond = frames / Fork.median(seconds, t);
        Transport transport = transports.get(t);
        int netty = transport == transport.netty() ? -1 : transports.indexOf(transport.netty());
        int encoding = transport.nettyEncoding() == null ? -1 : transports.indexOf(transport.nettyEncoding());
        System.out.printf(Locale.ROOT, "%-48s %,14.0f %20s %20s %24s%n", transport.label, perSecond,
            range(Fork.ratios(seconds, t, 0)), netty < 0 ? "" : range(Fork.ratios(seconds, t, netty)),
            encoding < 0 ? "" : range(Fork.ratios(seconds, t, encoding)));
      }
    }
  }

  private static String range(double[] ratio) {
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", ratio[0], ratio[1], ratio[2]);
  }

  /**
   * Measures each transport in a JVM of its own, as JMH forks: five seconds of warm-up runs and three measured
   * runs, so that no transport's profile or garbage shapes another's code.
   */
  static List<Result> measure(Payload payload, int frames, List<Transport> transports) throws Exception {
    List<Result> results = new ArrayList<>();
    for (Transport transport : transports) {
      double[] seconds = Fork.seconds(FramingThroughput.class, "--fork", transport.name(),
          String.valueOf(payload.bodySize), String.valueOf(frames));
      Result result = new Result(transport, payload, frames, seconds);
      results.add(result);
      System.err.printf(Locale.ROOT, "  %-44s %,14.0f frames/s%n", transport.label + " (" + payload.bodySize + " B)",
          result.framesPerSecond());
    }
    return results;
  }

  /** In the forked JVM: {@link Fork#warmThenMeasure}'s warm-up, then three measured runs, printed as seconds. */
  private static void fork(Transport transport, Payload payload, int frames) throws Exception {
    Fork.warmThenMeasure(() -> run(transport, payload, frames));
  }

  static void print(List<Result> results) {
    Result raw = results.get(0);
    System.out.printf(Locale.ROOT, "%-40s %14s %10s %8s%n",
        results.get(0).frames + " frames of " + raw.payload.bodySize + "-byte bodies", "frames/s", "MB/s", "vs raw");
    for (Result result : results) {
      System.out.printf(Locale.ROOT, "%-40s %,14.0f %10.1f %8.2f%n", result.transport.label,
          result.framesPerSecond(), result.megabytesPerSecond(), result.framesPerSecond() / raw.framesPerSecond());
    }
  }

  /** Sends {@code frames} frames one way and returns the seconds until the last has arrived. */
  static double run(Transport transport, Payload payload, int frames) throws Exception {
    return switch (transport) {
      case RAW -> raw(payload, frames);
      case FRAMING -> framing(payload, frames);
      case BLOCKING -> blocking(payload, frames, new FramesOnly(payload.message));
      case BLOCKING_DECODE -> blocking(payload, frames, BenchProtocol.INSTANCE);
      case EVENT_LOOP -> eventLoop(payload, frames, new FramesOnly(payload.message));
      case EVENT_LOOP_DECODE -> eventLoop(payload, frames, BenchProtocol.INSTANCE);
      case EVENT_LOOP_RECEIVE -> eventLoopReceiving(payload, frames);
      case EVENT_LOOP_SEND -> eventLoopSending(payload, frames, true);
      case EVENT_LOOP_SEND_OFF_LOOP -> eventLoopSending(payload, frames, false);
      case NETTY -> NettyFraming.run(payload, frames);
      case NETTY_RECEIVE -> NettyFraming.receiving(payload, frames);
      case NETTY_SEND -> NettyFraming.sending(payload, frames, true, false);
      case NETTY_SEND_OFF_LOOP -> NettyFraming.sending(payload, frames, false, false);
      case NETTY_SEND_ENCODING -> NettyFraming.sending(payload, frames, true, true);
      case NETTY_SEND_OFF_LOOP_ENCODING -> NettyFraming.sending(payload, frames, false, true);
      case RAW_TO_SINK -> overChannels(sink(payload, frames), rawSender(payload, frames));
    };
  }

  /** The floor: the same bytes written in 64 KiB batches, prefixes parsed from a reused buffer. */
  static double raw(Payload payload, int frames) throws Exception {
    return overChannels(rawReceiver(payload, frames), rawSender(payload, frames));
  }

  /** The raw baseline's receiving side: reads into a reused buffer and counts frames by their prefixes. */
  static ChannelSide rawReceiver(Payload payload, int frames) {
    return in -> {
      ByteBuffer buffer = ByteBuffer.allocate(Math.max(64 * 1024, 2 * payload.frameSize()));
      long count = 0;
      while (count < frames && in.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.remaining() >= 4 && buffer.remaining() >= 4 + buffer.getInt(buffer.position())) {
          buffer.position(buffer.position() + 4 + buffer.getInt(buffer.position()));
          count++;
        }
        buffer.compact();
      }
      if (count != frames) {
        throw new IllegalStateException(count + " frames arrived, not " + frames);
      }
    };
  }

  /** The raw baseline's sending side: prebuilt frames, written 64 KiB at a time. */
  static ChannelSide rawSender(Payload payload, int frames) {
    return out -> {
      int perBatch = payload.framesPerBatch();
      ByteBuffer batch = ByteBuffer.allocate(payload.frameSize() * perBatch);
      byte[] frame = payload.frame();
      while (batch.hasRemaining()) {
        batch.put(frame);
      }
      for (int sent = 0; sent < frames; ) {
        int n = Math.min(perBatch, frames - sent);
        batch.clear().limit(n * payload.frameSize());
        while (batch.hasRemaining()) {
          out.write(batch);
        }
        sent += n;
      }
    };
  }

  /** A receiver that cuts no frames: reads into 1 MiB of direct memory and counts the bytes. */
  static ChannelSide sink(Payload payload, int frames) {
    return in -> {
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      long expected = (long) frames * payload.frameSize();
      long received = 0;
      for (int n; received < expected && (n = in.read(buffer.clear())) >= 0; ) {
        received += n;
      }
      if (received != expected) {
        throw new IllegalStateException(received + " bytes arrived, not " + expected);
      }
    };
  }

  /**
   * Parley's framing without a transport: the sender queues frames in a FrameWriter, the receiver
   * cuts them with a FrameReader and counts them, the cost the runtime adds before any handler.
   */
  static double framing(Payload payload, int frames) throws Exception {
    return overChannels(in -> {
      FrameReader reader = new FrameReader(BenchProtocol.INSTANCE.frameFormat());
      long count = 0;
      while (count < frames && reader.readFrom(in) >= 0) {
        while (reader.nextFrame() != null) {
          count++;
        }
      }
    }, out -> {
      FrameWriter<BenchMessage> writer = new FrameWriter<>(BenchProtocol.INSTANCE);
      int perBatch = payload.framesPerBatch();
      for (int sent = 0; sent < frames; ) {
        for (int n = 0; n < perBatch && sent < frames; n++, sent++) {
          writer.enqueue(payload.message);
        }
        while (!writer.flushTo(out)) {
          // a blocking channel takes everything; loop in case it does not
        }
      }
    });
  }

  /** A receiving side and a sending side over a blocking channel pair. */
  interface ChannelSide {
    void run(SocketChannel channel) throws Exception;
  }

  private static double overChannels(ChannelSide receiver, ChannelSide sender) throws Exception {
    return toRawReceiver(receiver, address -> {
      try (SocketChannel out = SocketChannel.open(address)) {
        long start = System.nanoTime();
        sender.run(out);
        return start;
      }
    });
  }

  /** A sending side that connects to the receiver at an address, sends, and says when it started. */
  interface Sender {
    long send(InetSocketAddress address) throws Exception;
  }

  /**
   * Runs {@code receiver} on a blocking channel accepted on a thread of its own, and
   * {@code sender} against it; returns the seconds from the sender's start until the receiver
   * is done.
   */
  static double toRawReceiver(ChannelSide receiver, Sender sender) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(ANY)) {
      ExecutorService reading = Executors.newSingleThreadExecutor();
      try {
        Future<Long> received = reading.submit(() -> {
          try (SocketChannel in = server.accept()) {
            receiver.run(in);
            return System.nanoTime();
          }
        });
        long start = sender.send((InetSocketAddress) server.getLocalAddress());
        return (received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - start) / 1e9;
      } finally {
        reading.shutdownNow();
      }
    }
  }

  /**
   * {@code sendAll} of 64 KiB batches on one side; on the other, {@code receiveAll} handing each
   * frame to a handler, the loop of a thread that serves a connection.
   */
  static double blocking(Payload payload, int frames, Protocol<BenchMessage> protocol) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(ANY)) {
      ExecutorService reading = Executors.newSingleThreadExecutor();
      try {
        Future<Long> received = reading.submit(() -> {
          try (BlockingConnection<BenchMessage, BenchMessage> in = BlockingConnection.over(server.accept(), protocol)) {
            long[] count = {0};
            long[] end = {0};
            in.receiveAll(message -> {
              if (++count[0] == frames) {
                end[0] = System.nanoTime();
              }
            });
            if (count[0] != frames) {
              throw new IllegalStateException(count[0] + " frames arrived, not " + frames);
            }
            return end[0];
          }
        });
        int perBatch = payload.framesPerBatch();
        List<BenchMessage> batch = Collections.nCopies(perBatch, payload.message);
        long start;
        try (BlockingConnection<BenchMessage, BenchMessage> out = BlockingConnection.connect(
            (InetSocketAddress) server.getLocalAddress(), protocol, Duration.ofSeconds(10))) {
          start = System.nanoTime();
          for (int sent = 0; sent < frames; sent += perBatch) {
            out.sendAll(frames - sent >= perBatch ? batch : batch.subList(0, frames - sent));
          }
        }
        return (received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - start) / 1e9;
      } finally {
        reading.shutdownNow();
      }
    }
  }

  /** Both ends on event loops: the sender refills its queue to 256 KiB on each {@code onDrained}. */
  static double eventLoop(Payload payload, int frames, Protocol<BenchMessage> protocol) throws Exception {
    try (EventLoop serverLoop = EventLoop.start("bench-server"); EventLoop clientLoop = EventLoop.start("bench-client")) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      InetSocketAddress address = listenCounting(serverLoop, protocol, frames, done);
      Sending sending = new Sending(payload.message, frames, null);
      NioConnection<BenchMessage, BenchMessage> out =
          clientLoop.connect(address, protocol, sending, ConnectionOptions.defaults());
      long end = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      out.close();
      return (end - sending.started.get()) / 1e9;
    }
  }

  /** Listens on {@code loop} with a handler that counts frames and completes {@code done} at the last. */
  private static InetSocketAddress listenCounting(EventLoop loop, Protocol<BenchMessage> protocol, int frames,
      CompletableFuture<Long> done) throws java.io.IOException {
    return loop.listen(ANY, protocol, new Handler<>() {
      int count;

      @Override
      public void onMessage(Connection<BenchMessage, BenchMessage> connection, BenchMessage message) {
        if (++count == frames) {
          done.complete(System.nanoTime());
        }
      }
    }, ConnectionOptions.defaults());
  }

  /**
   * The sending side's handler: refills the queue to 256 KiB on each {@code onDrained}, or, when
   * an application thread sends, wakes that thread.
   */
  private static final class Sending implements Handler<BenchMessage, BenchMessage> {
    private final BenchMessage message;
    private final int frames;
    private final Thread application;
    private int sent;
    /** When the connection opened, in nanoseconds. */
    final CompletableFuture<Long> started = new CompletableFuture<>();

    /** {@code application} is the thread that sends, or null for sending from the handler. */
    Sending(BenchMessage message, int frames, Thread application) {
      this.message = message;
      this.frames = frames;
      this.application = application;
    }

    @Override
    public void onOpen(Connection<BenchMessage, BenchMessage> connection) {
      started.complete(System.nanoTime());
      onDrained(connection);
    }

    @Override
    public void onWritable(Connection<BenchMessage, BenchMessage> connection) {
      if (application != null) {
        LockSupport.unpark(application);
      }
    }

    @Override
    public void onDrained(Connection<BenchMessage, BenchMessage> connection) {
      if (application != null) {
        LockSupport.unpark(application);
        return;
      }
      while (sent < frames && connection.pendingBytes() < 4 * BATCH_BYTES) {
        connection.send(message);
        sent++;
      }
    }

    @Override
    public void onMessage(Connection<BenchMessage, BenchMessage> connection, BenchMessage message) {}
  }

  /** A raw sender's 64 KiB batches into an event loop, whose handler counts the frames. */
  static double eventLoopReceiving(Payload payload, int frames) throws Exception {
    try (EventLoop loop = EventLoop.start("bench-server")) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      InetSocketAddress address = listenCounting(loop, new FramesOnly(payload.message), frames, done);
      try (SocketChannel out = SocketChannel.open(address)) {
        long start = System.nanoTime();
        rawSender(payload, frames).run(out);
        return (done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - start) / 1e9;
      }
    }
  }

  /**
   * An event loop's connection sending to a raw receiver: from the loop's thread, refilling its
   * queue to 256 KiB on each {@code onDrained}; or from this thread, which sends while the
   * connection is writable (fewer than 1 MiB queued, counting what it sent and the loop has not
   * taken yet) and waits for {@code onWritable} (below 256 KiB) otherwise, as Netty's sender waits
   * for its channel's writability with the same marks.
   */
  static double eventLoopSending(Payload payload, int frames, boolean onLoop) throws Exception {
    try (EventLoop loop = EventLoop.start("bench-client")) {
      return toRawReceiver(rawReceiver(payload, frames), address -> {
        Sending sending = new Sending(payload.message, frames, onLoop ? null : Thread.currentThread());
        NioConnection<BenchMessage, BenchMessage> out = loop.connect(address, new FramesOnly(payload.message), sending,
            ConnectionOptions.defaults().withWaterMarks(SENDER_LOW_MARK, SENDER_HIGH_MARK)); // Netty's sender's too
        long start = sending.started.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!onLoop) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
          for (int sent = 0; sent < frames; sent++) {
            while (!out.isWritable()) {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
              if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the queue did not drain");
              }
            }
            if (!out.send(payload.message)) {
              throw new IllegalStateException("the connection closed after " + sent + " frames");
            }
          }
        }
        return start;
      });
    }
  }
}
