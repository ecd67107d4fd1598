package dev.parley.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.BlockingServer;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.RawProtocol;
import dev.parley.runtime.TestTls;
import dev.parley.runtime.Tls;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.nio.NioConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both transports over TLS 1.3 against Debian's openssl: Parley's clients against
 * {@code openssl s_server}, Parley's servers against {@code openssl s_client}. With {@code -quiet},
 * each writes what it receives to its standard output and sends what its standard input gives, byte
 * for byte, so the test reads and writes frames through the process. Needs openssl
 * ({@code PARLEY_OPENSSL}, announced by {@code .ci/servers.sh}); skipped without it, required under
 * CI=true.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpensslTlsTest {

  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 20);
  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  static final int[] SIZES = {0, 1, 100, 16_384, 16_385, 100_000};

  private Path dir;
  private Process openssl;
  private EventLoop loop;

  @BeforeEach
  void start() throws IOException {
    dir = Files.createTempDirectory("parley-openssl");
    loop = EventLoop.start("parley-openssl-loop", (where, error) -> { });
  }

  @AfterEach
  void stop() throws Exception {
    if (openssl != null) {
      openssl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    loop.close(Duration.ofSeconds(1));
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  static List<Bytes> bodies() {
    SplittableRandom random = new SplittableRandom(19);
    List<Bytes> bodies = new ArrayList<>();
    for (int size : SIZES) {
      byte[] body = new byte[size];
      random.nextBytes(body);
      bodies.add(Bytes.of(body));
    }
    return bodies;
  }

  static byte[] frames(List<Bytes> bodies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Bytes body : bodies) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(body.size()).array());
      out.writeBytes(body.toByteArray());
    }
    return out.toByteArray();
  }

  /** Reads frames from {@code in} until {@code count} have come. */
  static List<Bytes> readFrames(InputStream in, int count) throws IOException {
    FrameReader reader = new FrameReader(PROTOCOL.frameFormat());
    List<Bytes> frames = new ArrayList<>();
    byte[] chunk = new byte[8192];
    while (frames.size() < count) {
      ByteBuffer body = reader.nextFrame();
      if (body != null) {
        frames.add(Bytes.read(body, body.remaining()));
        continue;
      }
      int n = in.read(chunk);
      if (n < 0) {
        throw new IOException("openssl's output ended after " + frames.size() + " frames");
      }
      ByteBuffer piece = ByteBuffer.wrap(chunk, 0, n);
      while (piece.hasRemaining()) {
        reader.feed(piece);
        for (ByteBuffer next = reader.nextFrame(); next != null; next = reader.nextFrame()) {
          frames.add(Bytes.read(next, next.remaining()));
        }
      }
    }
    return frames;
  }

  private Process openssl(String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(RealServers.openssl());
    command.addAll(List.of(arguments));
    openssl = new ProcessBuilder(command).redirectError(dir.resolve("openssl.err").toFile()).start();
    return openssl;
  }

  /** A key and certificate for localhost made by openssl, as a peer outside Java would have them. */
  private Path[] certificate() throws Exception {
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Process req = new ProcessBuilder(RealServers.openssl(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString())
        .redirectErrorStream(true).start();
    req.getInputStream().readAllBytes();
    assertTrue(req.waitFor(30, TimeUnit.SECONDS) && req.exitValue() == 0, "openssl req failed");
    return new Path[] {key, cert};
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"blocking", "loop"})
  void parleysClientsExchangeFramesWithOpensslsServerOverTls13(String transport) throws Exception {
    Path[] keyAndCert = certificate();
    int port = freePort();
    Process server = openssl("s_server", "-quiet", "-tls1_3", "-cert", keyAndCert[1].toString(), "-key",
        keyAndCert[0].toString(), "-accept", "127.0.0.1:" + port);
    InetSocketAddress address = new InetSocketAddress("localhost", port);
    Tls tls = Tls.client(RealServers.trusting(keyAndCert[1]));
    ConnectionOptions options = ConnectionOptions.defaults().withTls(tls);
    List<Bytes> bodies = bodies();
    OutputStream toClient = server.getOutputStream();
    if (transport.equals("blocking")) {
      try (BlockingConnection<Bytes, Bytes> client = connectWithin10s(address, options)) {
        client.setReadTimeout(Duration.ofSeconds(20));
        assertEquals("TLSv1.3", client.tlsSession().orElseThrow().getProtocol());
        for (Bytes body : bodies) {
          client.send(body);
        }
        assertEquals(bodies, readFrames(server.getInputStream(), bodies.size()), "what s_server received");
        toClient.write(frames(bodies));
        toClient.flush();
        for (Bytes body : bodies) {
          assertEquals(body, client.receive().orElseThrow(), "what s_server sent");
        }
      }
      return;
    }
    BlockingQueue<Bytes> received = new LinkedBlockingQueue<>();
    CompletableFuture<String> protocol = new CompletableFuture<>();
    NioConnection<Bytes, Bytes> client = null;
    for (int attempt = 0; attempt < 100 && !protocol.isDone(); attempt++) {
      CompletableFuture<CloseReason> failed = new CompletableFuture<>();
      client = loop.connect(address, Conversation.of(PROTOCOL), new Handler<>() {
        @Override
        public void onOpen(Connection<Bytes, Bytes> c) {
          protocol.complete(((NioConnection<Bytes, Bytes>) c).tlsSession().orElseThrow().getProtocol());
        }

        @Override
        public void onMessage(Connection<Bytes, Bytes> c, Bytes message) {
          received.add(message);
        }

        @Override
        public void onClose(Connection<Bytes, Bytes> c, CloseReason reason, Throwable cause) {
          failed.complete(reason);
        }
      }, options);
      CompletableFuture.anyOf(protocol, failed).get(20, TimeUnit.SECONDS);
      if (!protocol.isDone()) {
        TimeUnit.MILLISECONDS.sleep(100); // s_server is not listening yet
      }
    }
    assertEquals("TLSv1.3", protocol.get(1, TimeUnit.SECONDS));
    for (Bytes body : bodies) {
      client.send(body);
    }
    assertEquals(bodies, readFrames(server.getInputStream(), bodies.size()), "what s_server received");
    toClient.write(frames(bodies));
    toClient.flush();
    for (Bytes body : bodies) {
      assertEquals(body, received.poll(20, TimeUnit.SECONDS), "what s_server sent");
    }
    client.close();
  }

  /** Connects once s_server listens: it starts in a process of its own. */
  private static BlockingConnection<Bytes, Bytes> connectWithin10s(InetSocketAddress address, ConnectionOptions options)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return BlockingConnection.connect(address, Conversation.of(PROTOCOL), options);
      } catch (ConnectException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  /** Echoes every frame. */
  static final class Echo implements Handler<Bytes, Bytes> {
    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      connection.send(message);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"blocking", "loop"})
  void opensslsClientExchangesFramesWithParleysServersOverTls13(String transport) throws Exception {
    ConnectionOptions options = ConnectionOptions.defaults().withTls(Tls.server(TestTls.serverContext()));
    InetSocketAddress address;
    BlockingServer<Bytes, Bytes> blocking = null;
    if (transport.equals("loop")) {
      address = loop.listen(ANY, Conversation.of(PROTOCOL), Echo::new, options, ListenOptions.defaults());
    } else {
      blocking = BlockingServer.builder(Conversation.of(PROTOCOL), Echo::new).options(options).listen(ANY);
      address = blocking.address();
    }
    try {
      Process client = openssl("s_client", "-quiet", "-tls1_3", "-servername", "localhost", "-connect",
          "127.0.0.1:" + address.getPort());
      List<Bytes> bodies = bodies();
      OutputStream out = client.getOutputStream();
      out.write(frames(bodies));
      out.flush();
      assertEquals(bodies, readFrames(client.getInputStream(), bodies.size()), "what s_client got back");
    } finally {
      if (blocking != null) {
        blocking.close();
      }
    }
  }
}
