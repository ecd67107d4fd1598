package dev.parley.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Netty anchor: the same frames (4-byte big-endian length, then the body) through Netty 4.2's
 * NIO transport, {@code LengthFieldPrepender} on the sending side and
 * {@code LengthFieldBasedFrameDecoder} on the receiving side, whose handler gets each frame as a
 * {@code ByteBuf} and releases it. The sender writes a 64 KiB batch, flushes, and goes on while
 * the channel is writable (high water mark 128 KiB, as Parley's sender keeps queued).
 */
final class NettyFraming {

  private NettyFraming() {}

  static double run(FramingThroughput.Payload payload, int frames) throws Exception {
    EventLoopGroup server = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup client = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      CompletableFuture<Long> done = new CompletableFuture<>();
      Channel listening = new ServerBootstrap()
          .group(server)
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
      ByteBuf body = Unpooled.directBuffer(payload.bodySize());
      body.writeBytes(Arrays.copyOfRange(payload.frame(), 4, payload.frameSize()));
      Sender sender = new Sender(body, frames, payload.framesPerBatch());
      Channel out = new Bootstrap()
          .group(client)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
              new WriteBufferWaterMark(FramingThroughput.BATCH_BYTES, 2 * FramingThroughput.BATCH_BYTES))
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(new LengthFieldPrepender(4), sender);
            }
          })
          .connect((InetSocketAddress) listening.localAddress()).sync().channel();
      long end = done.get(60, TimeUnit.SECONDS);
      out.close().sync();
      listening.close().sync();
      body.release();
      return (end - sender.start) / 1e9;
    } finally {
      client.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      server.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** Counts frames and releases them. */
  private static final class Receiver extends ChannelInboundHandlerAdapter {
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

  /** Writes batches while the channel is writable, and again when it becomes writable. */
  private static final class Sender extends ChannelInboundHandlerAdapter {
    private final ByteBuf body;
    private final int frames;
    private final int perBatch;
    private int sent;
    volatile long start;

    Sender(ByteBuf body, int frames, int perBatch) {
      this.body = body;
      this.frames = frames;
      this.perBatch = perBatch;
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
      while (sent < frames && channel.isWritable()) {
        for (int n = 0; n < perBatch && sent < frames; n++, sent++) {
          context.write(body.retainedDuplicate(), context.voidPromise());
        }
        context.flush();
      }
    }
  }
}
