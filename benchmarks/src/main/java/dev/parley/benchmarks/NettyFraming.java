package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The Netty anchor: the same frames (4-byte big-endian length, then the body) through Netty 4.2's
 * NIO transport, {@code LengthFieldPrepender} on the sending side and
 * {@code LengthFieldBasedFrameDecoder} on the receiving side, whose handler gets each frame as a
 * {@code ByteBuf} and releases it. The sender writes a 64 KiB batch, flushes, and goes on while
 * the channel is writable (the water marks of Parley's sender, {@link FramingThroughput#SENDER_HIGH_MARK}
 * and {@link FramingThroughput#SENDER_LOW_MARK}). {@link #receiving} and {@link #sending} put
 * Netty on one side only, the raw baseline's side on the other; sending off the loop writes from
 * an application thread, which Netty hands to its loop as a task a write.
 *
 * <p>The sender writes one prebuilt body in direct memory again and again ({@code
 * retainedDuplicate}), so that Netty copies nothing before the kernel does; Parley's sender
 * encodes a record each time, copying its payload into the send queue. The {@code encoding}
 * senders write the record itself through a hand-written {@code MessageToByteEncoder}
 * ({@link NettyCodecThroughput.HandEncoder}), which copies as Parley does: what a Netty user
 * sending records writes.
 */
final class NettyFraming {

  private NettyFraming() {}

  /** Netty on both ends. */
  static double run(FramingThroughput.Payload payload, int frames) throws Exception {
    EventLoopGroup server = group();
    EventLoopGroup client = group();
    Sender sender = new Sender(payload, frames, true, false);
    try {
      CompletableFuture<Long> done = new CompletableFuture<>();
      Channel listening = listen(server, frames, done);
      Channel out = sender.connect(client, (InetSocketAddress) listening.localAddress());
      long end = done.get(60, TimeUnit.SECONDS);
      out.close().sync();
      listening.close().sync();
      return (end - sender.start) / 1e9;
    } finally {
      client.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      server.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      sender.release();
    }
  }

  /** A raw sender's 64 KiB batches into Netty, whose handler counts the frames. */
  static double receiving(FramingThroughput.Payload payload, int frames) throws Exception {
    EventLoopGroup server = group();
    try {
      CompletableFuture<Long> done = new CompletableFuture<>();
      Channel listening = listen(server, frames, done);
      try (java.nio.channels.SocketChannel out =
          java.nio.channels.SocketChannel.open(listening.localAddress())) {
        long start = System.nanoTime();
        FramingThroughput.rawSender(payload, frames).run(out);
        long end = done.get(60, TimeUnit.SECONDS);
        listening.close().sync();
        return (end - start) / 1e9;
      }
    } finally {
      server.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * Netty sending to a raw receiver, from its loop's thread or from this one: the prebuilt body,
   * or the record through an encoder ({@code encoding}).
   */
  static double sending(FramingThroughput.Payload payload, int frames, boolean onLoop, boolean encoding)
      throws Exception {
    EventLoopGroup client = group();
    Sender sender = new Sender(payload, frames, onLoop, encoding);
    try {
      return FramingThroughput.toRawReceiver(FramingThroughput.rawReceiver(payload, frames), address -> {
        Channel out = sender.connect(client, address);
        if (!onLoop) {
          sender.sendFromThisThread(out);
        }
        return sender.start;
      });
    } finally {
      client.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      sender.release();
    }
  }

  /**
   * Sizes a record written from another thread as the frame it becomes. Netty counts a write
   * handed to its loop by this estimate until the loop runs it, and its default counts 8 bytes
   * for any object that is not a buffer: the water marks would let an application thread queue
   * a hundred thousand 4 KiB records, which no Netty user who watches writability intends.
   */
  private static final MessageSizeEstimator FRAME_SIZES = () -> message -> message instanceof BenchMessage m
      ? 4 + BenchProtocol.INSTANCE.encodedSize(m)
      : DefaultMessageSizeEstimator.DEFAULT.newHandle().size(message);

  private static EventLoopGroup group() {
    return new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  /** A listener whose connections cut frames and count them, completing {@code done} at the last. */
  private static Channel listen(EventLoopGroup group, int frames, CompletableFuture<Long> done)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(
                new LengthFieldBasedFrameDecoder(16 * 1024 * 1024, 0, 4, 0, 4),
                new Receiver(frames, done));
          }
        })
        .bind(FramingThroughput.ANY).sync().channel();
  }

  /** Counts frames and releases them; {@link NettyTls}'s receiver too. */
  static final class Receiver extends ChannelInboundHandlerAdapter {
    private final int frames;
    private final CompletableFuture<Long> done;
    private int count;

    Receiver(int frames, CompletableFuture<Long> done) {
      this.frames = frames;
      this.done = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object frame) {
      ReferenceCountUtil.release(frame);
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

  /**
   * Writes batches while the channel is writable, and again when it becomes writable: on the
   * channel's event loop, or from the thread that runs it, which waits while the channel is not
   * writable.
   */
  private static final class Sender extends ChannelInboundHandlerAdapter {
    private final FramingThroughput.Payload payload;
    private final int frames;
    private final int perBatch;
    private final boolean onLoop;
    private final boolean encoding;
    private ByteBuf body;
    private int sent;
    private volatile Thread application;
    volatile long start;

    Sender(FramingThroughput.Payload payload, int frames, boolean onLoop, boolean encoding) {
      this.payload = payload;
      this.frames = frames;
      this.perBatch = payload.framesPerBatch();
      this.onLoop = onLoop;
      this.encoding = encoding;
    }

    /** Connects to {@code address}; on the loop, sending starts once the channel is active. */
    Channel connect(EventLoopGroup client, InetSocketAddress address) throws InterruptedException {
      body = Unpooled.directBuffer(payload.bodySize());
      body.writeBytes(Arrays.copyOfRange(payload.frame(), 4, payload.frameSize()));
      application = Thread.currentThread();
      Channel out = new Bootstrap()
          .group(client)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
              new WriteBufferWaterMark(FramingThroughput.SENDER_LOW_MARK, FramingThroughput.SENDER_HIGH_MARK))
          .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, FRAME_SIZES)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(new LengthFieldPrepender(4));
              if (encoding) {
                channel.pipeline().addLast(new NettyCodecThroughput.HandEncoder());
              }
              channel.pipeline().addLast(Sender.this);
            }
          })
          .connect(address).sync().channel();
      while (start == 0) {
        Thread.onSpinWait(); // channelActive comes right after the connect
      }
      return out;
    }

    /** Writes every frame from the calling thread, a batch and a flush at a time while the channel is writable. */
    void sendFromThisThread(Channel out) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (sent < frames) {
        while (!out.isWritable()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the channel did not become writable");
          }
        }
        for (int n = 0; n < perBatch && sent < frames; n++, sent++) {
          out.write(next(), out.voidPromise());
        }
        out.flush();
      }
    }

    /** What is written for the next frame: the record, or the prebuilt body. */
    private Object next() {
      return encoding ? payload.message() : body.retainedDuplicate();
    }

    void release() {
      if (body != null) {
        body.release();
      }
    }

    @Override
    public boolean isSharable() {
      return true;
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
      if (!onLoop) {
        if (channel.isWritable()) {
          LockSupport.unpark(application);
        }
        return;
      }
      while (sent < frames && channel.isWritable()) {
        for (int n = 0; n < perBatch && sent < frames; n++, sent++) {
          context.write(next(), context.voidPromise());
        }
        context.flush();
      }
    }
  }
}
