package dev.parley.benchmarks;

import dev.parley.benchmarks.FramingThroughput.Payload;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The Netty anchor over TLS: {@link NettyFraming}'s pipelines with an {@code SslHandler} in front,
 * from {@code SslContextBuilder} on the JDK provider ({@code SslProvider.JDK}, the same
 * {@code SSLEngine} as Parley's), TLS 1.3 and {@value TlsThroughput#CIPHER_SUITE} only, the
 * client verifying that the certificate names 127.0.0.1. The sender writes 64 KiB batches while
 * the channel is writable (high water mark 128 KiB), from the end of the handshake.
 *
 * <p>Netty's buffers are its defaults, as in {@link NettyFraming}: pooled direct memory, and
 * socket reads into direct buffers whatever the allocator prefers ({@code ioBuffer}). The JDK 17
 * engine decrypts from a direct buffer through a GHASH written in Java, not the intrinsic it uses
 * for arrays, which is where a profile of this row spends most of its time.
 */
final class NettyTls {

  private NettyTls() {}

  static double run(Payload payload, int frames, SelfSigned keys) throws Exception {
    SslContext serverContext = SslContextBuilder.forServer(keys.keyManagers).sslProvider(SslProvider.JDK)
        .protocols(TlsThroughput.PROTOCOL).ciphers(List.of(TlsThroughput.CIPHER_SUITE)).build();
    SslContext clientContext = SslContextBuilder.forClient().trustManager(keys.trustManagers)
        .sslProvider(SslProvider.JDK).protocols(TlsThroughput.PROTOCOL).ciphers(List.of(TlsThroughput.CIPHER_SUITE))
        .endpointIdentificationAlgorithm("HTTPS").build();
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
                  serverContext.newHandler(channel.alloc()),
                  new LengthFieldBasedFrameDecoder(16 * 1024 * 1024, 0, 4, 0, 4),
                  new NettyFraming.Receiver(frames, done));
            }
          })
          .bind(FramingThroughput.ANY).sync().channel();
      InetSocketAddress address = (InetSocketAddress) listening.localAddress();
      ByteBuf body = Unpooled.directBuffer(payload.bodySize());
      body.writeBytes(Arrays.copyOfRange(payload.frame(), 4, payload.frameSize()));
      Sender sender = new Sender(body, frames, payload.framesPerBatch(), done);
      Channel out = new Bootstrap()
          .group(client)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
              new WriteBufferWaterMark(FramingThroughput.BATCH_BYTES, 2 * FramingThroughput.BATCH_BYTES))
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(
                  clientContext.newHandler(channel.alloc(), address.getHostString(), address.getPort()),
                  new LengthFieldPrepender(4),
                  sender);
            }
          })
          .connect(address).sync().channel();
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

  /**
   * Once the handshake is done, writes batches while the channel is writable, and again when it
   * becomes writable.
   */
  private static final class Sender extends ChannelInboundHandlerAdapter {
    private final ByteBuf body;
    private final int frames;
    private final int perBatch;
    private final CompletableFuture<Long> done;
    private int sent;
    private boolean handshaken;
    volatile long start;

    Sender(ByteBuf body, int frames, int perBatch, CompletableFuture<Long> done) {
      this.body = body;
      this.frames = frames;
      this.perBatch = perBatch;
      this.done = done;
    }

    @Override
    public boolean isSharable() {
      return true;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
      if (event instanceof SslHandshakeCompletionEvent handshake) {
        try {
          if (!handshake.isSuccess()) {
            throw new SSLException("the handshake failed", handshake.cause());
          }
          TlsThroughput.requirePinned(context.pipeline().get(SslHandler.class).engine().getSession());
        } catch (SSLException e) {
          done.completeExceptionally(e);
          context.close();
          return;
        }
        handshaken = true;
        start = System.nanoTime();
        pump(context);
      }
      context.fireUserEventTriggered(event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
      if (handshaken) {
        pump(context);
      }
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

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      done.completeExceptionally(cause);
      context.close();
    }
  }
}
