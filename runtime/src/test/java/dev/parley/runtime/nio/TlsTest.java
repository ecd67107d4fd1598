package dev.parley.runtime.nio;

import static dev.parley.runtime.Loopback.text;
import static dev.parley.runtime.Loopback.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.BlockingServer;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.FrameTimeoutException;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.RawProtocol;
import dev.parley.runtime.TestTls;
import dev.parley.runtime.Tls;
import dev.parley.runtime.internal.TlsChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS on both transports over loopback: frames of every size both ways, on either side of either
 * transport; handshakes that fail or stall; close_notify; refused renegotiation; starting TLS
 * between two frames; and the hostile peers of the plaintext tests, inside TLS records.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

  static final int MAX = 1 << 20;
  static final RawProtocol PROTOCOL = RawProtocol.u32(MAX);
  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  static final int[] SIZES = {0, 1, 100, 16_383, 16_384, 16_385, 70_000, MAX};

  private EventLoop loop;
  private final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws IOException {
    loop = EventLoop.start("parley-tls-loop", (where, error) -> { });
  }

  @AfterEach
  void stop() {
    loop.close(Duration.ofSeconds(1));
  }

  static Tls serverTls() {
    return Tls.server(TestTls.serverContext());
  }

  static Tls clientTls() {
    return Tls.client(TestTls.clientContext());
  }

  static ConnectionOptions server(Tls tls) {
    return ConnectionOptions.defaults().withTls(tls);
  }

  /** Echoes every frame upper-cased (as bytes: ASCII letters only change) and records how it closed. */
  static final class Echo implements Handler<Bytes, Bytes> {
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    volatile Throwable cause;
    final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      threads.add(Thread.currentThread().getName());
      connection.send(upper(message));
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      this.cause = cause;
      closed.complete(reason);
    }
  }

  /** A client's handler that only records how its connection closed. */
  static Handler<Bytes, Bytes> closesInto(CompletableFuture<CloseReason> closed) {
    return new Handler<>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> c, Bytes message) {}

      @Override
      public void onClose(Connection<Bytes, Bytes> c, CloseReason reason, Throwable cause) {
        closed.complete(reason);
      }
    };
  }

  static Bytes upper(Bytes message) {
    byte[] bytes = message.toByteArray();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] >= 'a' && bytes[i] <= 'z') {
        bytes[i] -= 32;
      }
    }
    return Bytes.of(bytes);
  }

  static Bytes body(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(26));
    }
    return Bytes.of(bytes);
  }

  /** A server of either transport, TLS or not as {@code options} say, echoing; closed by the test. */
  private interface EchoServer extends AutoCloseable {
    InetSocketAddress address();

    /** How the last connection closed. */
    CloseReason lastClose() throws Exception;

    /** How the first connection closed. */
    CloseReason firstClose() throws Exception;

    /** Connections the server holds now: with their threads on the blocking server. */
    int connections();

    @Override
    void close() throws IOException;
  }

  private EchoServer loopServer(ConnectionOptions options) throws IOException {
    List<Echo> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
    InetSocketAddress address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> {
      Echo echo = new Echo();
      handlers.add(echo);
      return echo;
    }, options, ListenOptions.defaults());
    return new EchoServer() {
      @Override
      public InetSocketAddress address() {
        return address;
      }

      @Override
      public CloseReason lastClose() throws Exception {
        waitFor(() -> !handlers.isEmpty());
        return handlers.get(handlers.size() - 1).closed.get(20, TimeUnit.SECONDS);
      }

      @Override
      public CloseReason firstClose() throws Exception {
        waitFor(() -> !handlers.isEmpty());
        return handlers.get(0).closed.get(20, TimeUnit.SECONDS);
      }

      @Override
      public int connections() {
        return loop.connectionCount();
      }

      @Override
      public void close() {
        // the loop closes after each test
      }
    };
  }

  private static EchoServer blockingServer(ConnectionOptions options) throws IOException {
    List<Echo> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
    BlockingServer<Bytes, Bytes> server = BlockingServer.builder(Conversation.of(PROTOCOL), () -> {
      Echo echo = new Echo();
      handlers.add(echo);
      return echo;
    }).options(options).errorHook((where, error) -> { }).listen(ANY);
    return new EchoServer() {
      @Override
      public InetSocketAddress address() {
        return server.address();
      }

      @Override
      public CloseReason lastClose() throws Exception {
        waitFor(() -> !handlers.isEmpty());
        return handlers.get(handlers.size() - 1).closed.get(20, TimeUnit.SECONDS);
      }

      @Override
      public CloseReason firstClose() throws Exception {
        waitFor(() -> !handlers.isEmpty());
        return handlers.get(0).closed.get(20, TimeUnit.SECONDS);
      }

      @Override
      public int connections() {
        return server.connectionCount();
      }

      @Override
      public void close() throws IOException {
        server.close();
      }
    };
  }

  private EchoServer server(String transport, ConnectionOptions options) throws IOException {
    return transport.equals("loop") ? loopServer(options) : blockingServer(options);
  }

  /** An event-loop client: sends each body, gathers the replies. */
  private List<Bytes> loopClientExchange(InetSocketAddress address, ConnectionOptions options, List<Bytes> bodies)
      throws Exception {
    BlockingQueue<Bytes> replies = new LinkedBlockingQueue<>();
    CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    NioConnection<Bytes, Bytes> connection = loop.connect(address, Conversation.of(PROTOCOL), new Handler<>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> c, Bytes message) {
        replies.add(message);
      }

      @Override
      public void onClose(Connection<Bytes, Bytes> c, CloseReason reason, Throwable cause) {
        closed.complete(reason);
      }
    }, options);
    List<Bytes> got = new ArrayList<>();
    for (Bytes body : bodies) {
      connection.send(body);
      Bytes reply = replies.poll(20, TimeUnit.SECONDS);
      if (reply == null) {
        throw new AssertionError("no reply within 20 s; closed: " + closed.getNow(null));
      }
      got.add(reply);
    }
    connection.close();
    return got;
  }

  private static List<Bytes> blockingClientExchange(InetSocketAddress address, ConnectionOptions options,
      List<Bytes> bodies) throws IOException {
    List<Bytes> got = new ArrayList<>();
    try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(address, PROTOCOL, options)) {
      client.setReadTimeout(Duration.ofSeconds(20));
      assertTrue(client.isSecure() == options.tls().isPresent());
      for (Bytes body : bodies) {
        client.send(body);
        got.add(client.receive().orElseThrow());
      }
    }
    return got;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3 loop-loop", "TLSv1.3 blocking-loop", "TLSv1.3 loop-blocking",
      "TLSv1.3 blocking-blocking", "TLSv1.2 loop-loop", "TLSv1.2 blocking-loop", "TLSv1.2 loop-blocking"})
  void framesOfEverySizeUpToTheMaximumCrossTlsBothWays(String setup) throws Exception {
    String[] parts = setup.split(" ");
    String[] sides = parts[1].split("-");
    Tls client = clientTls().withProtocols(List.of(parts[0]));
    try (EchoServer server = server(sides[1], server(serverTls().withProtocols(List.of(parts[0]))))) {
      List<Bytes> bodies = new ArrayList<>();
      for (int size : SIZES) {
        bodies.add(body(size, size));
      }
      ConnectionOptions options = ConnectionOptions.defaults().withTls(client);
      List<Bytes> replies = sides[0].equals("loop")
          ? loopClientExchange(server.address(), options, bodies)
          : blockingClientExchange(server.address(), options, bodies);
      assertEquals(bodies.size(), replies.size());
      for (int i = 0; i < bodies.size(); i++) {
        assertEquals(upper(bodies.get(i)), replies.get(i), "frame of " + SIZES[i] + " bytes");
      }
      CloseReason closed = server.lastClose();
      assertTrue(closed == CloseReason.PEER_CLOSED || closed == CloseReason.CLOSED, "closed " + closed);
    }
    waitFor(() -> loop.connectionCount() == 0);
  }

  @Test
  void thePeersSessionSaysTheProtocolAndTheClientsCertificateWhenRequired() throws Exception {
    CompletableFuture<javax.net.ssl.SSLSession> seen = new CompletableFuture<>();
    InetSocketAddress address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        seen.complete(((NioConnection<Bytes, Bytes>) connection).tlsSession().orElseThrow());
        connection.send(message);
      }
    }, server(serverTls().withClientAuth(Tls.ClientAuth.REQUIRED)), ListenOptions.defaults());
    List<Bytes> replies = blockingClientExchange(address,
        ConnectionOptions.defaults().withTls(Tls.client(TestTls.clientContextWithCertificate())), List.of(text("hi")));
    assertEquals(List.of(text("hi")), replies);
    javax.net.ssl.SSLSession session = seen.get(10, TimeUnit.SECONDS);
    assertEquals("TLSv1.3", session.getProtocol());
    assertTrue(session.getPeerCertificates()[0].toString().contains("parley-test-client"));
  }

  // ---- Handshakes that fail -------------------------------------------------------------------

  /** A failed handshake closes both sides with a reason and leaves no connection or buffer on the loop. */
  private void handshakeFails(Tls serverTls, Tls clientTls, String transport) throws Exception {
    try (EchoServer server = server(transport, server(serverTls))) {
      ConnectionOptions options = ConnectionOptions.defaults().withTls(clientTls);
      IOException failure = assertThrows(IOException.class,
          () -> blockingClientExchange(server.address(), options, List.of(text("hi"))));
      assertTrue(failure instanceof SSLException || failure instanceof java.io.EOFException
          || failure.getCause() instanceof SSLException, "client failure: " + failure);
      assertEquals(CloseReason.TLS_ERROR, server.lastClose());
      waitFor(() -> server.connections() == 0); // no connection, and on threads no thread, left
    }
    waitFor(() -> loop.connectionCount() == 0);
    assertEquals(0, loopBufferBytes());
  }

  private long loopBufferBytes() throws IOException {
    return loop.callAndFlush(loop::bufferBytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aServerWhoseCertificateNamesAnotherHostIsRefused(String transport) throws Exception {
    try (EchoServer server = server(transport, server(serverTls()))) {
      ConnectionOptions options = ConnectionOptions.defaults().withTls(clientTls().withServerName("db.example.org"));
      SSLException failure = assertThrows(SSLException.class,
          () -> blockingClientExchange(server.address(), options, List.of(text("hi"))));
      assertTrue(failure.getMessage().contains("db.example.org") || String.valueOf(failure.getCause())
          .contains("db.example.org"), failure.toString());
      assertEquals(CloseReason.TLS_ERROR, server.lastClose());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void anUntrustedCertificateIsRefused(String transport) throws Exception {
    handshakeFails(Tls.server(TestTls.rogueServerContext()), clientTls(), transport);
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aClientWithoutACertificateIsRefusedWhenOneIsRequired(String transport) throws Exception {
    handshakeFails(serverTls().withClientAuth(Tls.ClientAuth.REQUIRED), clientTls(), transport);
  }

  @Test
  void anEventLoopClientHearsWhyItsHandshakeFailed() throws Exception {
    try (EchoServer server = loopServer(server(Tls.server(TestTls.rogueServerContext())))) {
      CompletableFuture<CloseReason> closed = new CompletableFuture<>();
      CompletableFuture<Throwable> why = new CompletableFuture<>();
      NioConnection<Bytes, Bytes> connection = loop.connect(server.address(), Conversation.of(PROTOCOL),
          new Handler<>() {
            @Override
            public void onMessage(Connection<Bytes, Bytes> c, Bytes message) {}

            @Override
            public void onClose(Connection<Bytes, Bytes> c, CloseReason reason, Throwable cause) {
              why.complete(cause);
              closed.complete(reason);
            }
          }, ConnectionOptions.defaults().withTls(clientTls()));
      connection.send(text("never sent"));
      assertEquals(CloseReason.TLS_ERROR, closed.get(20, TimeUnit.SECONDS));
      assertInstanceOf(SSLException.class, why.get());
    }
    waitFor(() -> loop.connectionCount() == 0);
    assertEquals(0, loopBufferBytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aPlaintextPeerOnATlsPortIsClosedWithAReason(String transport) throws Exception {
    try (EchoServer server = server(transport, server(serverTls()));
        BlockingConnection<Bytes, Bytes> plain = BlockingConnection.connect(server.address(), PROTOCOL,
            Duration.ofSeconds(5))) {
      plain.setReadTimeout(Duration.ofSeconds(20));
      plain.send(text("hello in plaintext"));
      assertThrows(IOException.class, () -> {
        Optional<Bytes> reply = plain.receive();
        if (reply.isEmpty()) {
          throw new IOException("closed");
        }
      });
      assertEquals(CloseReason.TLS_ERROR, server.lastClose());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void garbageInsteadOfAClientHelloIsClosedWithAReason(String transport) throws Exception {
    try (EchoServer server = server(transport, server(serverTls()));
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(20_000);
      byte[] garbage = new byte[69];
      new SplittableRandom(7).nextBytes(garbage);
      byte[] header = {0x16, 0x03, 0x01, 0x00, 0x40}; // a handshake record of 64 bytes, of nonsense
      System.arraycopy(header, 0, garbage, 0, header.length);
      socket.getOutputStream().write(garbage);
      assertTrue(drainsToEnd(socket.getInputStream()), "the server closed");
      assertEquals(CloseReason.TLS_ERROR, server.lastClose());
    }
  }

  /** Reads until the stream ends (or resets): the peer closed. */
  static boolean drainsToEnd(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    try {
      for (int i = 0; i < 10_000; i++) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
      return false;
    } catch (java.net.SocketException e) {
      return true; // a reset: closed all the same
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aPeerThatStallsMidHandshakeIsClosedByTheFrameDeadline(String transport) throws Exception {
    ConnectionOptions options = server(serverTls()).withFrameTimeout(Duration.ofMillis(300));
    try (EchoServer server = server(transport, options);
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello begun
      long started = System.nanoTime();
      assertTrue(drainsToEnd(socket.getInputStream()));
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
      assertEquals(CloseReason.FRAME_TIMEOUT, server.lastClose());
    }
    waitFor(() -> loop.connectionCount() == 0);
  }

  @Test
  void aClientWhoseServerStallsTheHandshakeFailsByTheFrameDeadline() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
      ConnectionOptions options = ConnectionOptions.defaults().withTls(clientTls())
          .withFrameTimeout(Duration.ofMillis(300));
      assertThrows(FrameTimeoutException.class, () -> blockingClientExchange(address, options, List.of()));
      CompletableFuture<CloseReason> closed = new CompletableFuture<>();
      loop.connect(address, Conversation.of(PROTOCOL), closesInto(closed), options);
      assertEquals(CloseReason.FRAME_TIMEOUT, closed.get(20, TimeUnit.SECONDS));
    }
  }

  // ---- close_notify ---------------------------------------------------------------------------

  /** A TLS client of the test's own over a blocking socket, which can tell close_notify from a bare end. */
  private static TlsChannel rawClient(InetSocketAddress address) throws IOException {
    return rawClient(SocketChannel.open(address), address.getPort());
  }

  /** {@link #rawClient(InetSocketAddress)} over a channel the test keeps, to write records of its own. */
  private static TlsChannel rawClient(SocketChannel channel, int port) throws IOException {
    TlsChannel tls = new TlsChannel(clientTls().newEngine("localhost", port), channel);
    while (!tls.handshake()) {
      // blocking: moves on at every turn
    }
    return tls;
  }

  /** Writes a TLS 1.3 key update that asks for an answer, a record of its own, to {@code channel}. */
  private static void sendKeyUpdate(TlsChannel tls, SocketChannel channel) throws IOException {
    javax.net.ssl.SSLEngine engine = tls.engine();
    engine.beginHandshake(); // on an established TLS 1.3 connection: a key update, answer requested
    ByteBuffer record = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), record);
    record.flip();
    while (record.hasRemaining()) {
      channel.write(record);
    }
  }

  @Test
  void aServerThatClosesSendsCloseNotify() throws Exception {
    InetSocketAddress address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        connection.send(message);
        connection.closeWhenSent();
      }
    }, server(serverTls()), ListenOptions.defaults());
    try (TlsChannel client = rawClient(address)) {
      writeFrame(client, text("bye"));
      ByteBuffer in = ByteBuffer.allocate(64);
      while (client.read(in) >= 0) {
        assertTrue(in.hasRemaining(), "no more than the reply");
      }
      assertEquals(7, in.position(), "the reply came whole before the end");
      assertTrue(client.closeNotifyReceived(), "the end was a close_notify, not a bare FIN");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aClientThatClosesSendsCloseNotifyAndTheServerHearsAPeerThatClosed(String transport) throws Exception {
    try (java.nio.channels.ServerSocketChannel listener = java.nio.channels.ServerSocketChannel.open()) {
      listener.bind(ANY);
      InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
      CompletableFuture<Boolean> notified = CompletableFuture.supplyAsync(() -> {
        try (TlsChannel server = new TlsChannel(serverTls().newEngine(null, -1), listener.accept())) {
          while (!server.handshake()) {
            // blocking
          }
          ByteBuffer in = ByteBuffer.allocate(64);
          while (server.read(in) >= 0) {
            in.clear();
          }
          return server.closeNotifyReceived();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      ConnectionOptions options = ConnectionOptions.defaults().withTls(clientTls().withServerName("localhost"));
      if (transport.equals("loop")) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        NioConnection<Bytes, Bytes> connection = loop.connect(address, Conversation.of(PROTOCOL), new Handler<>() {
          @Override
          public void onOpen(Connection<Bytes, Bytes> c) {
            opened.complete(null);
          }

          @Override
          public void onMessage(Connection<Bytes, Bytes> c, Bytes message) {}
        }, options);
        opened.get(20, TimeUnit.SECONDS);
        connection.close();
      } else {
        BlockingConnection.connect(address, PROTOCOL, options).close();
      }
      assertTrue(notified.get(20, TimeUnit.SECONDS), "the server read a close_notify");
    }
  }

  private static void writeFrame(TlsChannel channel, Bytes body) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(4 + body.size()).putInt(body.size());
    body.writeTo(frame);
    frame.flip();
    while (frame.hasRemaining()) {
      channel.write(frame);
    }
  }

  // ---- Renegotiation --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aTls12ClientThatRenegotiatesIsClosed(String transport) throws Exception {
    try (EchoServer server = server(transport, server(serverTls().withProtocols(List.of("TLSv1.2"))));
        SSLSocket socket = (SSLSocket) TestTls.clientContext().getSocketFactory()
            .createSocket(server.address().getAddress(), server.address().getPort())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {0, 0, 0, 2, 'h', 'i'});
      byte[] reply = socket.getInputStream().readNBytes(6);
      assertArrayEquals(new byte[] {0, 0, 0, 2, 'H', 'I'}, reply);
      try {
        socket.startHandshake(); // a second handshake: renegotiation
        out.write(new byte[] {0, 0, 0, 2, 'h', 'i'});
        assertTrue(drainsToEnd(socket.getInputStream()));
      } catch (IOException e) {
        // refused: the server closed mid-way
      }
      assertEquals(CloseReason.TLS_ERROR, server.lastClose());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aTls12ServerThatRenegotiatesIsRefusedByTheClient(String transport) throws Exception {
    SSLContext context = TestTls.serverContext();
    try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      listener.setEnabledProtocols(new String[] {"TLSv1.2"});
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
          socket.setSoTimeout(20_000);
          byte[] request = socket.getInputStream().readNBytes(6);
          socket.getOutputStream().write(request);
          socket.startHandshake(); // HelloRequest
          socket.getOutputStream().write(request);
          drainsToEnd(socket.getInputStream());
        } catch (IOException e) {
          // the client refused and closed
        }
      });
      ConnectionOptions options = ConnectionOptions.defaults().withTls(clientTls().withProtocols(List.of("TLSv1.2")));
      if (transport.equals("blocking")) {
        try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(address, PROTOCOL, options)) {
          client.setReadTimeout(Duration.ofSeconds(20));
          client.send(text("hi"));
          assertEquals(Optional.of(text("hi")), client.receive());
          assertThrows(SSLException.class, client::receive);
        }
      } else {
        CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        NioConnection<Bytes, Bytes> connection = loop.connect(address, Conversation.of(PROTOCOL), closesInto(closed), options);
        connection.send(text("hi"));
        assertEquals(CloseReason.TLS_ERROR, closed.get(20, TimeUnit.SECONDS));
      }
      served.get(20, TimeUnit.SECONDS);
    }
  }

  // ---- Starting TLS between two frames --------------------------------------------------------

  /**
   * A plaintext conversation until the client sends "starttls": the server answers "go" in
   * plaintext and starts TLS; every frame after travels in TLS records, echoed upper-cased.
   */
  static final class StartTlsServer implements Handler<Bytes, Bytes> {
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    volatile Throwable cause;

    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      if (message.equals(text("starttls"))) {
        connection.send(text("go"));
        connection.startTls(serverTls());
        return;
      }
      connection.send(upper(message));
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      this.cause = cause;
      closed.complete(reason);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void tlsStartsBetweenTwoFramesAfterAPlaintextAnswer(String transport) throws Exception {
    StartTlsServer handler = new StartTlsServer();
    InetSocketAddress address;
    BlockingServer<Bytes, Bytes> blocking = null;
    if (transport.equals("loop")) {
      address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> handler, ConnectionOptions.defaults(),
          ListenOptions.defaults());
    } else {
      blocking = BlockingServer.builder(Conversation.of(PROTOCOL), () -> handler).listen(ANY);
      address = blocking.address();
    }
    BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(address, PROTOCOL, Duration.ofSeconds(5));
    try {
      client.setReadTimeout(Duration.ofSeconds(20));
      client.send(text("plain"));
      assertEquals(Optional.of(text("PLAIN")), client.receive());
      client.send(text("starttls"));
      assertEquals(Optional.of(text("go")), client.receive());
      assertFalse(client.isSecure());
      client.startTls(clientTls());
      assertTrue(client.isSecure());
      for (int size : SIZES) {
        client.send(body(size, size));
        assertEquals(Optional.of(upper(body(size, size))), client.receive());
      }
      client.close();
      // Before the server closes, which would end the connection first.
      assertEquals(CloseReason.PEER_CLOSED, handler.closed.get(20, TimeUnit.SECONDS),
          () -> String.valueOf(handler.cause));
    } finally {
      client.close();
      if (blocking != null) {
        blocking.close();
      }
    }
  }

  @Test
  void anEventLoopClientStartsTlsFromItsHandler() throws Exception {
    StartTlsServer handler = new StartTlsServer();
    InetSocketAddress address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> handler,
        ConnectionOptions.defaults(), ListenOptions.defaults());
    BlockingQueue<Bytes> replies = new LinkedBlockingQueue<>();
    NioConnection<Bytes, Bytes> connection = loop.connect(address, Conversation.of(PROTOCOL), new Handler<>() {
      @Override
      public void onOpen(Connection<Bytes, Bytes> c) {
        c.send(text("starttls"));
      }

      @Override
      public void onMessage(Connection<Bytes, Bytes> c, Bytes message) {
        if (message.equals(text("go"))) {
          assertTrue(c.startTls(clientTls()));
          c.send(text("secret")); // waits for the handshake, then leaves encrypted
          return;
        }
        replies.add(message);
      }
    }, ConnectionOptions.defaults());
    assertEquals(text("SECRET"), replies.poll(20, TimeUnit.SECONDS));
    assertTrue(connection.isSecure());
    connection.close();
  }

  @Test
  void plaintextThatFollowsTheRequestToStartTlsIsRefused() throws Exception {
    StartTlsServer handler = new StartTlsServer();
    InetSocketAddress address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> handler,
        ConnectionOptions.defaults(), ListenOptions.defaults());
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(20_000);
      // "starttls" and, in the same write, a frame a man in the middle could have added
      byte[] request = {0, 0, 0, 8, 's', 't', 'a', 'r', 't', 't', 'l', 's', 0, 0, 0, 6, 'i', 'n', 'j', 'e', 'c', 't'};
      socket.getOutputStream().write(request);
      assertTrue(drainsToEnd(socket.getInputStream()));
    }
    assertEquals(CloseReason.TLS_ERROR, handler.closed.get(20, TimeUnit.SECONDS));
  }

  // ---- Hostile peers, inside TLS records ------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void anAbsurdLengthInsideTlsIsAProtocolError(String transport) throws Exception {
    try (EchoServer server = server(transport, server(serverTls()));
        TlsChannel client = rawClient(server.address())) {
      writeFrame(client, text("fine"));
      ByteBuffer frame = ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).flip();
      client.write(frame);
      ByteBuffer in = ByteBuffer.allocate(64);
      for (int i = 0; i < 100 && client.read(in) >= 0; i++) {
        // the reply to "fine", then the end
      }
      assertEquals(8, in.position(), "the reply before the bad frame arrived");
      assertEquals(CloseReason.PROTOCOL_ERROR, server.lastClose());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  void aSlowlorisInsideTlsIsClosedByTheFrameDeadline(String transport) throws Exception {
    ConnectionOptions options = server(serverTls()).withFrameTimeout(Duration.ofMillis(400));
    try (EchoServer server = server(transport, options);
        TlsChannel client = rawClient(server.address())) {
      client.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 100, 'a'})); // a frame begun, never finished
      ByteBuffer in = ByteBuffer.allocate(64);
      for (int i = 0; i < 100 && client.read(in) >= 0; i++) {
        // until the end
      }
      assertEquals(CloseReason.FRAME_TIMEOUT, server.lastClose());
    }
  }

  /**
   * Warning alerts, which the JDK's engine takes and ignores, streamed before any ClientHello: the
   * handshake never moves on, and a loop that unwrapped them for as long as they came would never
   * reach the handshake's deadline, nor its other connections.
   */
  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  @Timeout(60)
  void warningAlertsStreamedBeforeTheClientHelloMeetTheHandshakeDeadline(String transport) throws Exception {
    ConnectionOptions options = server(serverTls()).withFrameTimeout(Duration.ofMillis(500));
    byte[] alerts = new byte[7 * 8192];
    for (int i = 0; i < alerts.length; i += 7) {
      System.arraycopy(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x50}, 0, alerts, i, 7); // warning, internal_error
    }
    try (EchoServer server = server(transport, options);
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      long stop = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      CompletableFuture<Boolean> flood = CompletableFuture.supplyAsync(() -> {
        try {
          while (System.nanoTime() < stop) {
            socket.getOutputStream().write(alerts);
          }
          return false;
        } catch (IOException e) {
          return true; // the server closed the connection
        }
      });
      while (!flood.isDone() && transport.equals("loop")) {
        // the loop serves another client meanwhile
        assertEquals(List.of(text("PING")), blockingClientExchange(server.address(),
            ConnectionOptions.defaults().withTls(clientTls()), List.of(text("ping"))));
        TimeUnit.MILLISECONDS.sleep(50);
      }
      boolean refused = flood.get(30, TimeUnit.SECONDS);
      assertTrue(refused, "the server still took alerts after 20 s");
      assertEquals(CloseReason.FRAME_TIMEOUT, server.firstClose());
    }
  }

  /**
   * TLS 1.3 key updates streamed after the handshake carry no data, and a peer may send them for
   * as long as it likes: past {@code TlsChannel.MAX_EMPTY_RECORDS} in a row it is refused.
   */
  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  @Timeout(60)
  void keyUpdatesStreamedAfterTheHandshakeAreRefused(String transport) throws Exception {
    try (EchoServer server = server(transport, server(serverTls()));
        SocketChannel channel = SocketChannel.open(server.address())) {
      TlsChannel tls = rawClient(channel, server.address().getPort());
      writeFrame(tls, text("before"));
      int sent = 0;
      try {
        for (; sent < 100_000; sent++) {
          sendKeyUpdate(tls, channel);
        }
      } catch (IOException e) {
        // the server closed the connection
      }
      assertTrue(sent < 100_000, "the server took 100,000 key updates");
      assertEquals(CloseReason.TLS_ERROR, server.lastClose());
      waitFor(() -> server.connections() == 0); // no connection, nor its thread, left behind
    }
  }

  /**
   * A frame begun, then records with no application bytes (key updates) a little more often than
   * the deadline: each would restart a wait that counted per read of the socket, and the frame
   * would never be due.
   */
  @ParameterizedTest
  @ValueSource(strings = {"loop", "blocking"})
  @Timeout(60)
  void recordsWithoutDataDoNotPutOffTheFrameDeadline(String transport) throws Exception {
    ConnectionOptions options = server(serverTls()).withFrameTimeout(Duration.ofMillis(600));
    try (EchoServer server = server(transport, options);
        SocketChannel channel = SocketChannel.open(server.address())) {
      TlsChannel tls = rawClient(channel, server.address().getPort());
      writeFrame(tls, text("first")); // the first frame, so that the next one's deadline runs from its first byte
      tls.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 'b'})); // a frame begun
      long started = System.nanoTime();
      try {
        for (int i = 0; i < 30; i++) { // 6 s of key updates, one each 200 ms
          TimeUnit.MILLISECONDS.sleep(200);
          sendKeyUpdate(tls, channel);
        }
      } catch (IOException e) {
        // the server closed the connection
      }
      assertEquals(CloseReason.FRAME_TIMEOUT, server.lastClose());
      long took = System.nanoTime() - started;
      assertTrue(took < TimeUnit.SECONDS.toNanos(5), "closed after " + took / 1_000_000 + " ms");
    }
  }

  /**
   * Key updates asking for answers, each run of them followed by a frame, from a peer that reads
   * nothing: once the network takes no more, every answer waits in the engine with a cipher of its
   * own, so past {@code TlsChannel.MAX_UNANSWERED} of them the peer is refused, long before its
   * replies reach the bound of a slow peer.
   */
  @Test
  @Timeout(60)
  void keyUpdatesFromAPeerThatReadsNoAnswerAreRefused() throws Exception {
    ConnectionOptions options = server(serverTls()).withMaxPendingBytes(256 << 20).withWaterMarks(64 << 20, 128 << 20)
        .withWriteTimeout(Duration.ZERO);
    InetSocketAddress address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        connection.send(body(16_000, 1)); // replies the peer never reads
      }

      @Override
      public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
        closes.add(reason);
      }
    }, options, ListenOptions.defaults());
    try (SocketChannel channel = SocketChannel.open()) {
      // A small receive buffer, so that the kernel, making room in it, lets few answers through.
      channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
      channel.connect(address);
      TlsChannel tls = rawClient(channel, address.getPort());
      for (int i = 0; i < 1_000; i++) {
        writeFrame(tls, text("x")); // 16 MB of replies: more than the sockets' buffers hold
      }
      TimeUnit.MILLISECONDS.sleep(500); // the network takes no more of them
      int rounds = 0;
      try {
        for (; rounds < 2_000; rounds++) {
          for (int i = 0; i < 8; i++) {
            sendKeyUpdate(tls, channel);
          }
          writeFrame(tls, text("x"));
        }
      } catch (IOException e) {
        // the server closed the connection
      }
      assertTrue(rounds < 2_000, "the server took 16,000 key updates it could not answer");
      assertEquals(CloseReason.TLS_ERROR, closes.poll(20, TimeUnit.SECONDS));
    }
  }

  @Test
  void aPeerThatReadsNothingOverTlsIsClosedWithoutHoldingTheLoop() throws Exception {
    ConnectionOptions options = server(serverTls()).withWriteTimeout(Duration.ofMillis(500))
        .withMaxPendingBytes(256 * 1024);
    InetSocketAddress address = loop.listen(ANY, Conversation.of(PROTOCOL), () -> new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        for (int i = 0; i < 64 && connection.send(body(60_000, i)); i++) {
          // floods a peer that does not read
        }
      }
    }, options, ListenOptions.defaults());
    try (TlsChannel client = rawClient(address)) {
      writeFrame(client, text("flood me"));
      waitFor(() -> loop.connectionCount() == 0); // closed as a slow peer or by the write timeout
      // the loop serves the next client as ever
      assertEquals(List.of(), blockingClientExchange(address, ConnectionOptions.defaults().withTls(clientTls()),
          List.of()));
    }
  }
}
