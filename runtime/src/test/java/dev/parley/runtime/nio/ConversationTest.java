package dev.parley.runtime.nio;

import static dev.parley.runtime.PgLike.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.BlockingServer;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.Loopback;
import dev.parley.runtime.RawProtocol;
import dev.parley.runtime.PgLike;
import dev.parley.runtime.PgLike.Answer;
import dev.parley.runtime.PgLike.AuthenticationOk;
import dev.parley.runtime.PgLike.Backend;
import dev.parley.runtime.PgLike.CommandComplete;
import dev.parley.runtime.PgLike.DataRow;
import dev.parley.runtime.PgLike.Describe;
import dev.parley.runtime.PgLike.Frontend;
import dev.parley.runtime.PgLike.Query;
import dev.parley.runtime.PgLike.ReadyForQuery;
import dev.parley.runtime.PgLike.SslRequest;
import dev.parley.runtime.PgLike.Startup;
import dev.parley.runtime.PgLike.StartupMessage;
import dev.parley.runtime.PgLike.Terminate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Conversations shaped like PostgreSQL's ({@link PgLike}): the client's untagged startup phase
 * with a one-byte answer, then a tagged phase in which {@code D} means Describe one way and
 * DataRow the other, each phase and direction typed. The server is one pair of handlers, run by
 * the event loop (over bytes in memory, in every chunking, and over sockets) and unchanged by a
 * thread-per-connection {@link BlockingServer}; the clients are a {@link BlockingConnection} and
 * an event-loop connection. Failures name their seed; {@code -Dparley.seed=N} replays.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConversationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RawProtocol BYTES = RawProtocol.u32(1 << 16);

  /** Each strategy, made from a seed, for the connection's reads. */
  private static final List<LongFunction<MemoryPeer.Chunking>> CHUNKINGS = List.of(
      seed -> MemoryPeer.Chunking.oneByte(), seed -> MemoryPeer.Chunking.random(seed, 3),
      seed -> MemoryPeer.Chunking.random(seed, 40), seed -> MemoryPeer.Chunking.whole());

  private EventLoop loop;
  private final List<Throwable> reports = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    loop = EventLoop.start("parley-conversation-loop", (where, error) -> reports.add(error));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    loop.close(Duration.ofSeconds(1));
  }

  private static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  // ---- The server: one handler per phase, the same on both transports -------------------------

  /** How each server connection closed, in order. */
  private final BlockingQueue<CloseReason> serverCloses = new ArrayBlockingQueue<>(16);

  /** The startup phase: SslRequest is answered {@code N}; Startup moves the connection to the tagged phase. */
  private final class StartupPhase implements Handler<StartupMessage, Answer> {
    @Override
    public void onMessage(Connection<StartupMessage, Answer> connection, StartupMessage message) {
      if (message instanceof Startup startup) {
        Connection<Frontend, Backend> tagged = connection.switchTo(PgLike.SERVER_TAGGED, new TaggedPhase(startup.user()));
        tagged.send(new AuthenticationOk());
        tagged.send(new ReadyForQuery());
      } else {
        connection.send(new Answer('N'));
      }
    }

    @Override
    public void onClose(Connection<StartupMessage, Answer> connection, CloseReason reason, Throwable cause) {
      serverCloses.add(reason);
    }
  }

  /** The tagged phase: a query is answered with its rows, CommandComplete and ReadyForQuery. */
  private final class TaggedPhase implements Handler<Frontend, Backend> {
    private final String user;

    TaggedPhase(String user) {
      this.user = user;
    }

    @Override
    public void onMessage(Connection<Frontend, Backend> connection, Frontend message) {
      if (message instanceof Query query) {
        connection.send(new DataRow(user + ":" + query.sql()));
        connection.send(new CommandComplete("SELECT 1"));
        connection.send(new ReadyForQuery());
      } else if (message instanceof Describe describe) {
        connection.send(new DataRow("described " + describe.name()));
      } else {
        connection.closeWhenSent(); // Terminate
      }
    }

    @Override
    public void onClose(Connection<Frontend, Backend> connection, CloseReason reason, Throwable cause) {
      serverCloses.add(reason);
    }
  }

  /** What a client sends: a PostgreSQL-like session, every phase in one stream. */
  private static byte[] clientStream() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(frame(PgLike.STARTUP, new SslRequest()));
    out.writeBytes(frame(PgLike.STARTUP, new Startup("ada")));
    out.writeBytes(frame(PgLike.FRONTEND, new Query("select 1")));
    out.writeBytes(frame(PgLike.FRONTEND, new Describe("s1")));
    out.writeBytes(frame(PgLike.FRONTEND, new Terminate()));
    return out.toByteArray();
  }

  /** What the server answers to {@link #clientStream()}. */
  private static byte[] serverStream() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(frame(PgLike.ANSWER, new Answer('N')));
    for (Backend message : List.of(new AuthenticationOk(), new ReadyForQuery(), new DataRow("ada:select 1"),
        new CommandComplete("SELECT 1"), new ReadyForQuery(), new DataRow("described s1"))) {
      out.writeBytes(frame(PgLike.BACKEND, message));
    }
    return out.toByteArray();
  }

  @Test
  void theEventLoopServerChangesPhaseInEveryChunkingAndKeepsTheNextPhasesBytes() throws Exception {
    byte[] request = clientStream();
    byte[] expected = serverStream();
    for (LongFunction<MemoryPeer.Chunking> chunking : CHUNKINGS) {
      long seed = seed();
      serverCloses.clear();
      MemoryPeer peer = MemoryPeer.open(loop, PgLike.SERVER_STARTUP, new StartupPhase(), ConnectionOptions.defaults(),
          chunking.apply(seed), MemoryPeer.Chunking.whole());
      // All of it at once: with whole reads, Startup and the tagged Query arrive in one read, and
      // the Query's bytes are cut under the tagged layout after the switch.
      peer.send(request);
      assertArrayEquals(expected, peer.takeWritten(), "seed " + seed);
      assertEquals(CloseReason.CLOSED, serverCloses.poll(), "Terminate closed it; seed " + seed);
      assertEquals(List.of(), reports, "seed " + seed);
    }
  }

  @Test
  void theEventLoopServerChangesPhaseWhenTheNextPhaseArrivesLater() throws Exception {
    byte[] request = clientStream();
    SplittableRandom random = new SplittableRandom(seed());
    MemoryPeer peer = MemoryPeer.open(loop, PgLike.SERVER_STARTUP, new StartupPhase(), ConnectionOptions.defaults(),
        MemoryPeer.Chunking.whole(), MemoryPeer.Chunking.whole());
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    for (int at = 0; at < request.length; ) {
      int n = Math.min(request.length - at, 1 + random.nextInt(7));
      byte[] piece = new byte[n];
      System.arraycopy(request, at, piece, 0, n);
      peer.send(piece);
      written.writeBytes(peer.takeWritten());
      at += n;
    }
    assertArrayEquals(serverStream(), written.toByteArray());
  }

  @Test
  void aFrameThatTheNewPhaseRefusesIsThatPhasesProtocolError() throws Exception {
    MemoryPeer peer = MemoryPeer.open(loop, PgLike.SERVER_STARTUP, new StartupPhase(), ConnectionOptions.defaults(),
        MemoryPeer.Chunking.whole(), MemoryPeer.Chunking.whole());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(frame(PgLike.STARTUP, new Startup("ada")));
    // Well framed under the startup layout, but under the tagged one its first byte is tag 0x00 and
    // the next four a length of 0x00000008 + ...: a frame with a tag no frontend message has.
    out.writeBytes(frame(PgLike.STARTUP, new SslRequest()));
    peer.send(out.toByteArray());
    peer.endInput();
    peer.takeWritten();
    assertEquals(CloseReason.PROTOCOL_ERROR, serverCloses.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void switchingFromAnotherThreadIsRefused() throws Exception {
    CompletableFuture<Connection<StartupMessage, Answer>> opened = new CompletableFuture<>();
    MemoryPeer.open(loop, PgLike.SERVER_STARTUP, new Handler<StartupMessage, Answer>() {
      @Override
      public void onOpen(Connection<StartupMessage, Answer> connection) {
        opened.complete(connection);
      }

      @Override
      public void onMessage(Connection<StartupMessage, Answer> connection, StartupMessage message) {}
    }, ConnectionOptions.defaults(), MemoryPeer.Chunking.whole(), MemoryPeer.Chunking.whole());
    Connection<StartupMessage, Answer> connection = opened.get(10, TimeUnit.SECONDS);
    assertThrows(IllegalStateException.class, () -> connection.switchTo(PgLike.SERVER_TAGGED, new TaggedPhase("x")));
  }

  // ---- Over sockets: both servers, both clients ------------------------------------------------

  private InetSocketAddress loopServer() throws IOException {
    return loop.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), PgLike.SERVER_STARTUP,
        StartupPhase::new, ConnectionOptions.defaults(), ListenOptions.defaults());
  }

  /** The same handlers, each connection on a thread of its own. */
  private InetSocketAddress threadServer() throws IOException {
    Supplier<StartupPhase> handlers = StartupPhase::new;
    BlockingServer<StartupMessage, Answer> server = BlockingServer.listen(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), PgLike.SERVER_STARTUP, handlers,
        ConnectionOptions.defaults(), ListenOptions.defaults());
    toClose.add(server);
    return server.address();
  }

  @Test
  void theSameHandlersServeOnTheEventLoopAndOnThreads() throws Exception {
    for (InetSocketAddress server : List.of(loopServer(), threadServer())) {
      serverCloses.clear();
      try (Socket socket = new Socket()) {
        socket.connect(server, (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.getOutputStream().write(clientStream()); // every phase in one write
        assertArrayEquals(serverStream(), socket.getInputStream().readNBytes(serverStream().length), "" + server);
        assertEquals(-1, socket.getInputStream().read(), "Terminate closed the connection");
      }
      assertEquals(CloseReason.CLOSED, serverCloses.poll(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(), reports);
  }

  /** The blocking client's session: typed in every phase, and pipelined across the last switch. */
  private static void blockingSession(BlockingConnection<Answer, StartupMessage> connection) throws IOException {
    connection.send(new SslRequest());
    assertEquals(Optional.of(new Answer('N')), connection.receive());
    BlockingConnection<Backend, StartupMessage> started = connection.switchTo(PgLike.CLIENT_STARTED);
    started.send(new Startup("ada"));
    BlockingConnection<Backend, Frontend> tagged = started.switchTo(PgLike.CLIENT_TAGGED);
    tagged.send(new Query("select 1")); // before AuthenticationOk arrives
    List<Backend> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(tagged.receive().orElseThrow());
    }
    assertEquals(List.of(new AuthenticationOk(), new ReadyForQuery(), new DataRow("ada:select 1"),
        new CommandComplete("SELECT 1"), new ReadyForQuery()), replies);
    tagged.send(new Describe("s1"));
    assertEquals(Optional.of(new DataRow("described s1")), tagged.receive());
    tagged.send(new Terminate());
    assertEquals(Optional.empty(), tagged.receive(), "the server closed after Terminate");
  }

  @Test
  void aBlockingClientTalksToBothServers() throws Exception {
    for (InetSocketAddress server : List.of(loopServer(), threadServer())) {
      try (BlockingConnection<Answer, StartupMessage> connection =
          BlockingConnection.connect(server, PgLike.CLIENT_STARTUP, WAIT)) {
        connection.setReadTimeout(WAIT);
        blockingSession(connection);
      }
    }
  }

  @Test
  void aBlockingClientKeepsTheNextPhasesBytesInEveryChunking() throws Exception {
    // The server's whole answer in one stream: 'N', then tagged frames the client reads only after
    // it switched. Read a few bytes at a time, or all at once, the bytes after 'N' are kept.
    byte[] answer = serverStream();
    for (int most : new int[] {1, 2, 3, 5, 8, 64, answer.length}) {
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      BlockingConnection<Answer, StartupMessage> connection = BlockingConnection.over(
          new Trickle(answer, most), sent, PgLike.CLIENT_STARTUP);
      connection.send(new SslRequest());
      assertEquals(Optional.of(new Answer('N')), connection.receive(), "reads of " + most);
      BlockingConnection<Backend, Frontend> tagged = connection.switchTo(PgLike.CLIENT_TAGGED);
      List<Backend> replies = new ArrayList<>();
      for (Optional<Backend> m = tagged.receive(); m.isPresent(); m = tagged.receive()) {
        replies.add(m.get());
      }
      assertEquals(List.of(new AuthenticationOk(), new ReadyForQuery(), new DataRow("ada:select 1"),
          new CommandComplete("SELECT 1"), new ReadyForQuery(), new DataRow("described s1")), replies,
          "reads of " + most);
      assertArrayEquals(frame(PgLike.STARTUP, new SslRequest()), sent.toByteArray());
    }
  }

  /** An event-loop client: the same session, written as handlers. */
  private final class ClientStartup implements Handler<Answer, StartupMessage> {
    final BlockingQueue<Backend> replies = new ArrayBlockingQueue<>(16);

    @Override
    public void onOpen(Connection<Answer, StartupMessage> connection) {
      connection.send(new SslRequest());
    }

    @Override
    public void onMessage(Connection<Answer, StartupMessage> connection, Answer answer) {
      connection.send(new Startup("ada"));
      Connection<Backend, Frontend> tagged = connection.switchTo(PgLike.CLIENT_TAGGED, (c, reply) -> replies.add(reply));
      tagged.send(new Query("select 1"));
    }
  }

  @Test
  void anEventLoopClientTalksToBothServers() throws Exception {
    for (InetSocketAddress server : List.of(loopServer(), threadServer())) {
      ClientStartup client = new ClientStartup();
      NioConnection<Answer, StartupMessage> connection =
          loop.connect(server, PgLike.CLIENT_STARTUP, client, ConnectionOptions.defaults());
      List<Backend> replies = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Backend reply = client.replies.poll(10, TimeUnit.SECONDS);
        assertTrue(reply != null, "reply " + i + " from " + server + " within 10 s: " + replies);
        replies.add(reply);
      }
      assertEquals(List.of(new AuthenticationOk(), new ReadyForQuery(), new DataRow("ada:select 1"),
          new CommandComplete("SELECT 1"), new ReadyForQuery()), replies);
      connection.close();
    }
  }

  // ---- Opening moves ---------------------------------------------------------------------------

  /** A server that greets first, as MySQL's sends its handshake packet before the client says anything. */
  private static final class Greeter implements Handler<Bytes, Bytes> {
    @Override
    public void onOpen(Connection<Bytes, Bytes> connection) {
      connection.send(Loopback.text("hello, I am the server"));
    }

    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      connection.send(message);
    }
  }

  @Test
  void aServerSpeaksFirstOnBothTransportsAndClientsWaitForTheGreeting() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    InetSocketAddress onLoop = loop.listen(any, BYTES, new Greeter());
    BlockingServer<Bytes, Bytes> onThreads = BlockingServer.listen(any, BYTES, new Greeter());
    toClose.add(onThreads);
    for (InetSocketAddress server : List.of(onLoop, onThreads.address())) {
      try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(server, BYTES, WAIT)) {
        client.setReadTimeout(WAIT);
        assertEquals(Optional.of(Loopback.text("hello, I am the server")), client.receive(), "before any request");
        client.send(Loopback.text("and I the client"));
        assertEquals(Optional.of(Loopback.text("and I the client")), client.receive());
      }
      BlockingQueue<Bytes> heard = new ArrayBlockingQueue<>(4);
      NioConnection<Bytes, Bytes> client = loop.connect(server, BYTES, (c, greeting) -> {
        if (heard.isEmpty()) {
          c.send(Loopback.text("answered")); // the client's first frame answers the greeting
        }
        heard.add(greeting);
      }, ConnectionOptions.defaults());
      assertEquals(Loopback.text("hello, I am the server"), heard.poll(10, TimeUnit.SECONDS));
      assertEquals(Loopback.text("answered"), heard.poll(10, TimeUnit.SECONDS));
      client.close();
    }
  }

  /** A stream that gives at most {@code most} bytes a read, then ends. */
  private static final class Trickle extends InputStream {
    private final ByteArrayInputStream bytes;
    private final int most;

    Trickle(byte[] bytes, int most) {
      this.bytes = new ByteArrayInputStream(bytes);
      this.most = most;
    }

    @Override
    public int read() {
      return bytes.read();
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      return bytes.read(into, offset, Math.min(length, most));
    }
  }
}
