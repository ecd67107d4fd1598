package dev.parley.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.examples.kv.Done;
import dev.parley.examples.kv.Get;
import dev.parley.examples.kv.KvMessage;
import dev.parley.examples.kv.KvProtocol;
import dev.parley.examples.kv.Put;
import dev.parley.examples.kv.Value;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerProtocol;
import dev.parley.protocols.pg.answer.Unwilling;
import dev.parley.protocols.pg.answer.WillingSsl;
import dev.parley.protocols.pg.backend.Authentication;
import dev.parley.protocols.pg.backend.AuthenticationOk;
import dev.parley.protocols.pg.backend.CommandComplete;
import dev.parley.protocols.pg.backend.DataRow;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.frontend.Query;
import dev.parley.protocols.pg.frontend.Terminate;
import dev.parley.protocols.pg.startup.Parameter;
import dev.parley.protocols.pg.startup.PgStartupProtocol;
import dev.parley.protocols.pg.startup.SslRequest;
import dev.parley.protocols.pg.startup.StartupMessage;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.TestTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Netty server and client over loopback, on each transport of this machine (NIO, and epoll
 * where it loads), in plaintext and behind {@link SslHandler}: the kv example's requests and
 * answers, and PostgreSQL's startup (SSLRequest, with TLS started between two frames when the
 * server answers 'S'), session and Terminate. Every wait is bounded.
 */
@ExtendWith(RecordingLeakDetector.Check.class)
class NettyLoopbackTest {

  private static final int REQUESTS = 200;
  private static final long TIMEOUT_SECONDS = 20;

  @TestFactory
  Stream<DynamicTest> kvAndPostgresOverEachTransportInPlaintextAndTls() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Transport transport : Transport.available()) {
      for (boolean tls : new boolean[] {false, true}) {
        String how = transport + (tls ? ", TLS" : ", plaintext");
        tests.add(DynamicTest.dynamicTest("kv, " + how, () -> kv(transport, tls)));
        tests.add(DynamicTest.dynamicTest("postgres startup, " + how, () -> postgres(transport, tls)));
      }
    }
    return tests.stream();
  }

  private static SSLEngine serverEngine() {
    SSLEngine engine = TestTls.serverContext().createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  private static SSLEngine clientEngine(InetSocketAddress server) {
    SSLEngine engine = TestTls.clientContext().createSSLEngine("localhost", server.getPort());
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name localhost
    engine.setSSLParameters(parameters);
    return engine;
  }

  // ---- kv ---------------------------------------------------------------------------------------

  private static void kv(Transport transport, boolean tls) throws Exception {
    Map<String, Bytes> store = new ConcurrentHashMap<>();
    CompletableFuture<List<KvMessage>> answers = new CompletableFuture<>();
    List<KvMessage> requests = new ArrayList<>();
    List<KvMessage> expected = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      Bytes value = Bytes.of(("value " + i).repeat(1 + i % 50).getBytes(StandardCharsets.UTF_8));
      requests.add(new Put("k" + i % 20, value));
      expected.add(new Done(i >= 20));
      requests.add(new Get("k" + i % 20));
      expected.add(new Value(Optional.of(value)));
    }
    run(transport, tls, ch -> {
      ParleyCodec.addLast(ch.pipeline(), Conversation.of(KvProtocol.INSTANCE));
      ch.pipeline().addLast(new KvServer(store));
    }, ch -> {
      ParleyCodec.addLast(ch.pipeline(), Conversation.of(KvProtocol.INSTANCE));
      ch.pipeline().addLast(new KvClient(requests, answers));
    }, () -> answers.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertEquals(expected, answers.get());
  }

  /** The kv example's store, as a Netty handler. */
  private static final class KvServer extends ChannelInboundHandlerAdapter {
    private final Map<String, Bytes> store;

    KvServer(Map<String, Bytes> store) {
      this.store = store;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Put put) {
        ctx.write(new Done(store.put(put.key(), put.value()) != null));
      } else if (msg instanceof Get get) {
        ctx.write(new Value(Optional.ofNullable(store.get(get.key()))));
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }

  /** Sends every request at once, and completes with the answers once they are all in. */
  private static final class KvClient extends ChannelInboundHandlerAdapter {
    private final List<KvMessage> requests;
    private final CompletableFuture<List<KvMessage>> done;
    private final List<KvMessage> answers = new ArrayList<>();

    KvClient(List<KvMessage> requests, CompletableFuture<List<KvMessage>> done) {
      this.requests = requests;
      this.done = done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      requests.forEach(ctx::write);
      ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      answers.add((KvMessage) msg);
      if (answers.size() == requests.size()) {
        done.complete(answers);
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }
  }

  // ---- PostgreSQL -------------------------------------------------------------------------------

  private static void postgres(Transport transport, boolean tls) throws Exception {
    PgStartupServer[] servers = new PgStartupServer[1];
    CompletableFuture<List<Object>> session = new CompletableFuture<>();
    run(transport, false, ch -> {
      ParleyCodec.addLast(ch.pipeline(), PgStartupServer.STARTUP);
      servers[0] = new PgStartupServer(tls ? NettyLoopbackTest::serverEngine : null);
      ch.pipeline().addLast(servers[0]);
    }, ch -> {
      ParleyCodec.addLast(ch.pipeline(), PgStartupClient.FIRST);
      ch.pipeline().addLast(new PgStartupClient(tls, session));
    }, () -> session.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertEquals(List.of(tls ? new WillingSsl() : new Unwilling(), new Authentication(new AuthenticationOk()),
        new ReadyForQuery('I'), new DataRow(List.of(Optional.of(Bytes.of("SELECT 'netty'".getBytes(StandardCharsets.UTF_8))))),
        new CommandComplete("SELECT 1"), new ReadyForQuery('I')), session.get());
    assertEquals(List.of(), List.copyOf(servers[0].problems));
    assertEquals(List.of(new SslRequest(), PgStartupClient.STARTUP, new Query("SELECT 'netty'"), new Terminate()),
        List.copyOf(servers[0].received));
  }

  /**
   * PostgreSQL's client side of the startup, in phases: SSLRequest, whose one-byte answer is read
   * as the encryption answer's protocol; TLS if the server said 'S'; the StartupMessage, sent in
   * the startup protocol while the backend's messages are read; the session's frontend messages
   * once the server is ready.
   */
  private static final class PgStartupClient extends ChannelInboundHandlerAdapter {
    static final StartupMessage STARTUP = new StartupMessage(List.of(new Parameter("user", "netty")));
    static final Conversation<?, ?> FIRST = Conversation.of(PgEncryptionAnswerProtocol.INSTANCE, PgStartupProtocol.INSTANCE);
    static final Conversation<?, ?> STARTING = Conversation.of(PgBackendProtocol.INSTANCE, PgStartupProtocol.INSTANCE);
    static final Conversation<?, ?> SESSION = Conversation.of(PgBackendProtocol.INSTANCE, PgFrontendProtocol.INSTANCE);

    private final boolean tls;
    private final CompletableFuture<List<Object>> done;
    private final List<Object> received = new ArrayList<>();
    private boolean ready;

    PgStartupClient(boolean tls, CompletableFuture<List<Object>> done) {
      this.tls = tls;
      this.done = done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(new SslRequest());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received.add(msg);
      if (msg instanceof WillingSsl && tls) {
        SslHandler handler = new SslHandler(clientEngine((InetSocketAddress) ctx.channel().remoteAddress()));
        ctx.pipeline().addFirst("tls", handler);
        handler.handshakeFuture().addListener(f -> {
          if (f.isSuccess()) {
            start(ctx);
          } else {
            exceptionCaught(ctx, f.cause());
          }
        });
      } else if (msg instanceof Unwilling && !tls) {
        start(ctx);
      } else if (msg instanceof ReadyForQuery && !ready) {
        ready = true;
        ParleyCodec.switchTo(ctx.pipeline(), SESSION);
        ctx.writeAndFlush(new Query("SELECT 'netty'"));
      } else if (msg instanceof ReadyForQuery) {
        ctx.writeAndFlush(new Terminate());
        done.complete(received);
      } else if (!(msg instanceof Authentication || msg instanceof DataRow || msg instanceof CommandComplete)) {
        exceptionCaught(ctx, new AssertionError("unexpected " + msg));
      }
    }

    private void start(ChannelHandlerContext ctx) {
      ParleyCodec.switchTo(ctx.pipeline(), STARTING);
      ctx.writeAndFlush(STARTUP);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }
  }

  // ---- the loopback -----------------------------------------------------------------------------

  private interface Wait {
    void run() throws Exception;
  }

  /**
   * A server on 127.0.0.1 port 0 whose channels {@code server} sets up, a client connected to it
   * that {@code client} sets up (each behind an SslHandler if {@code tls}), {@code await} run, and
   * everything shut down, within bounds.
   */
  private static void run(Transport transport, boolean tls, Consumer<SocketChannel> server,
      Consumer<SocketChannel> client, Wait await) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, transport.io().get());
    try {
      Channel listener = new ServerBootstrap().group(group).channel(transport.server())
          .childHandler(initializer(tls, ch -> new SslHandler(serverEngine()), server))
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      InetSocketAddress address = (InetSocketAddress) listener.localAddress();
      Channel connection = new Bootstrap().group(group).channel(transport.client())
          .handler(initializer(tls, ch -> new SslHandler(clientEngine(address)), client))
          .connect(address).sync().channel();
      await.run();
      assertTrue(connection.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the client closed");
      listener.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static ChannelInitializer<SocketChannel> initializer(boolean tls,
      java.util.function.Function<SocketChannel, ChannelHandler> ssl, Consumer<SocketChannel> rest) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        if (tls) {
          ch.pipeline().addLast("tls", ssl.apply(ch));
        }
        rest.accept(ch);
      }
    };
  }

}
