package dev.parley.benchmarks;

import dev.parley.benchmarks.FramingThroughput.Payload;
import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Page;
import dev.parley.benchmarks.generated.Tick;
import dev.parley.netty.ParleyDecoder;
import dev.parley.netty.ParleyEncoder;
import dev.parley.runtime.Bytes;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Parley's codecs inside Netty, against what a Netty user writes without them, and against
 * Parley's own event loop, in one run: one connection over 127.0.0.1, one way, frames of a 64-byte
 * or a 4 KiB body (bench.parley's Tick and Page), sent as records and received as records.
 *
 * <ul>
 *   <li>{@code PARLEY_NETTY}: Netty 4.2 NIO with {@link ParleyEncoder} on the sender and
 *       {@link ParleyDecoder} on the receiver, nothing else in either pipeline.
 *   <li>{@code HAND_NETTY}: Netty 4.2 NIO with {@code LengthFieldPrepender} and
 *       {@code LengthFieldBasedFrameDecoder}, and a hand-written ByteBuf codec of the same records
 *       (a {@code MessageToByteEncoder} that sizes its buffer, a {@code MessageToMessageDecoder}
 *       that reads the type id and copies the payload out, as Parley's decoder copies it).
 *   <li>{@code EVENT_LOOP}: Parley's own event loop, decoded records to a handler, as
 *       {@link FramingThroughput} measures it.
 * </ul>
 *
 * <p>The Netty senders write while the channel is writable (high water mark 128 KiB) and flush
 * every 64 KiB of frames. Each transport runs in a JVM of its own, warmed up for five seconds, then three
 * times; the median is reported, with the ratio to {@code HAND_NETTY}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.NettyCodecThroughput
 * [SMALL_FRAMES [LARGE_FRAMES]]}.
 */
public final class NettyCodecThroughput {

  private static final long TIMEOUT_SECONDS = 60;

  private NettyCodecThroughput() {}

  /** What is measured. */
  enum Transport {
    HAND_NETTY("Netty, LengthField codecs + hand-written"),
    PARLEY_NETTY("Netty, ParleyDecoder + ParleyEncoder"),
    EVENT_LOOP("Parley event loop, decoded records");

    final String label;

    Transport(String label) {
      this.label = label;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("--fork")) {
      Transport transport = Transport.valueOf(args[1]);
      Payload payload = Integer.parseInt(args[2]) == 64 ? Payload.SMALL : Payload.LARGE;
      int frames = Integer.parseInt(args[3]);
      Fork.warmThenMeasure(() -> run(transport, payload, frames));
      return;
    }
    if (args.length == 4 && args[0].equals("--rounds")) {
      rounds(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      return;
    }
    int smallFrames = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int largeFrames = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    for (Payload payload : List.of(Payload.SMALL, Payload.LARGE)) {
      int frames = payload == Payload.SMALL ? smallFrames : largeFrames;
      if (frames > 0) {
        print(payload, frames, measure(payload, frames));
      }
    }
  }

  /**
   * {@code --rounds N SMALL_FRAMES LARGE_FRAMES}: the three transports one after another, N times
   * over; each ratio to the hand-written pipeline is taken within a round, and the median of the
   * rounds' ratios is printed with their range.
   */
  private static void rounds(int rounds, int smallFrames, int largeFrames) throws Exception {
    for (Payload payload : List.of(Payload.SMALL, Payload.LARGE)) {
      int frames = payload == Payload.SMALL ? smallFrames : largeFrames;
      if (frames == 0) {
        continue;
      }
      List<String[]> forks = Arrays.stream(Transport.values())
          .map(t -> new String[] {"--fork", t.name(), String.valueOf(payload.bodySize()), String.valueOf(frames)})
          .toList();
      double[][] seconds = Fork.rounds(NettyCodecThroughput.class, rounds, forks);
      System.out.printf(Locale.ROOT, "%d frames of %d-byte bodies, %d rounds: median (least-greatest) of the"
          + " rounds' ratios%n", frames, payload.bodySize(), rounds);
      for (Transport transport : Transport.values()) {
        double[] ratio = Fork.ratios(seconds, transport.ordinal(), Transport.HAND_NETTY.ordinal());
        double perSecond = frames / Fork.median(seconds, transport.ordinal());
        System.out.printf(Locale.ROOT, "%-44s %,14.0f %.2f (%.2f-%.2f)%n", transport.label, perSecond, ratio[0],
            ratio[1], ratio[2]);
      }
    }
  }

  private static List<double[]> measure(Payload payload, int frames) throws Exception {
    List<double[]> results = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      results.add(Fork.seconds(NettyCodecThroughput.class, "--fork", transport.name(),
          String.valueOf(payload.bodySize()), String.valueOf(frames)));
      System.err.printf(Locale.ROOT, "  %-44s %,14.0f frames/s%n", transport.label + " (" + payload.bodySize() + " B)",
          frames / Fork.median(results.get(results.size() - 1)));
    }
    return results;
  }

  private static void print(Payload payload, int frames, List<double[]> seconds) {
    double hand = frames / Fork.median(seconds.get(0));
    System.out.printf(Locale.ROOT, "%-44s %14s %10s %10s%n", frames + " frames of " + payload.bodySize() + "-byte bodies",
        "frames/s", "MB/s", "vs hand");
    for (Transport transport : Transport.values()) {
      double perSecond = frames / Fork.median(seconds.get(transport.ordinal()));
      System.out.printf(Locale.ROOT, "%-44s %,14.0f %10.1f %10.2f%n", transport.label, perSecond,
          perSecond * payload.frameSize() / 1e6, perSecond / hand);
    }
  }

  static double run(Transport transport, Payload payload, int frames) throws Exception {
    return switch (transport) {
      case HAND_NETTY -> netty(payload, frames,
          () -> new ChannelHandler[] {new LengthFieldBasedFrameDecoder(16 * 1024 * 1024, 0, 4, 0, 4), new HandDecoder()},
          () -> new ChannelHandler[] {new LengthFieldPrepender(4), new HandEncoder()});
      case PARLEY_NETTY -> netty(payload, frames,
          () -> new ChannelHandler[] {new ParleyDecoder<>(BenchProtocol.INSTANCE)},
          () -> new ChannelHandler[] {new ParleyEncoder<>(BenchProtocol.INSTANCE)});
      case EVENT_LOOP -> FramingThroughput.eventLoop(payload, frames, BenchProtocol.INSTANCE);
    };
  }

  /** Sends {@code frames} records through the sender's codec and returns the seconds until the last is decoded. */
  private static double netty(Payload payload, int frames, Supplier<ChannelHandler[]> decoding,
      Supplier<ChannelHandler[]> encoding) throws Exception {
    EventLoopGroup server = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup client = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      CompletableFuture<Long> done = new CompletableFuture<>();
      Channel listening = new ServerBootstrap().group(server).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(decoding.get()).addLast(new Receiver(frames, done));
            }
          })
          .bind(FramingThroughput.ANY).sync().channel();
      Sender sender = new Sender(payload.message(), frames, payload.framesPerBatch());
      Channel out = new Bootstrap().group(client).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
              new WriteBufferWaterMark(FramingThroughput.BATCH_BYTES, 2 * FramingThroughput.BATCH_BYTES))
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(encoding.get()).addLast(sender);
            }
          })
          .connect((InetSocketAddress) listening.localAddress()).sync().channel();
      long end = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      out.close().sync();
      listening.close().sync();
      return (end - sender.start) / 1e9;
    } finally {
      client.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      server.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * The hand-written encoder: a u16 type id and the payload, in a buffer of the body's size; also
   * {@link NettyFraming}'s, for Netty sending the records themselves.
   */
  static final class HandEncoder extends MessageToByteEncoder<BenchMessage> {
    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, BenchMessage message, boolean preferDirect) {
      return ctx.alloc().ioBuffer(2 + payloadOf(message).size());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, BenchMessage message, ByteBuf out) {
      out.writeShort(message instanceof Tick ? Tick.TYPE_ID : Page.TYPE_ID);
      out.writeBytes(payloadOf(message).asReadOnlyBuffer());
    }

    private static Bytes payloadOf(BenchMessage message) {
      if (message instanceof Tick tick) {
        return tick.payload();
      }
      if (message instanceof Page page) {
        return page.payload();
      }
      throw new IllegalArgumentException("not a Tick or a Page: " + message);
    }
  }

  /** The hand-written decoder of a frame the LengthField decoder cut: the type id, then the payload copied out. */
  private static final class HandDecoder extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
      int typeId = frame.readUnsignedShort();
      int length = frame.readableBytes();
      Bytes payload = Bytes.read(frame.nioBuffer(frame.readerIndex(), length), length);
      if (typeId == Tick.TYPE_ID) {
        out.add(new Tick(payload));
      } else if (typeId == Page.TYPE_ID) {
        out.add(new Page(payload));
      } else {
        throw new IllegalArgumentException("unknown type id " + typeId);
      }
    }
  }

  /** Counts records. */
  private static final class Receiver extends ChannelInboundHandlerAdapter {
    private final int frames;
    private final CompletableFuture<Long> done;
    private int count;

    Receiver(int frames, CompletableFuture<Long> done) {
      this.frames = frames;
      this.done = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
      if (!(message instanceof BenchMessage)) {
        done.completeExceptionally(new IllegalStateException("not a record: " + message));
      }
      if (++count == frames) {
        done.complete(System.nanoTime());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      done.completeExceptionally(cause);
      context.close();
    }
  }

  /** Writes records while the channel is writable, flushing a batch at a time. */
  private static final class Sender extends ChannelInboundHandlerAdapter {
    private final BenchMessage message;
    private final int frames;
    private final int perBatch;
    private int sent;
    volatile long start;

    Sender(BenchMessage message, int frames, int perBatch) {
      this.message = message;
      this.frames = frames;
      this.perBatch = perBatch;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
      start = System.nanoTime();
      pump(context);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
      pump(context);
    }

    private void pump(ChannelHandlerContext context) {
      Channel channel = context.channel();
      while (sent < frames && channel.isWritable()) {
        for (int n = 0; n < perBatch && sent < frames; n++, sent++) {
          context.write(message, context.voidPromise());
        }
        context.flush();
      }
    }
  }
}
