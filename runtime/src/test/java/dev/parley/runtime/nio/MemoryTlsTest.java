package dev.parley.runtime.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Loopback;
import dev.parley.runtime.TestTls;
import dev.parley.runtime.Tls;
import dev.parley.runtime.nio.MemoryPeer.Chunking;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS on the event loop's connection over bytes in memory, under every way of splitting the stream:
 * records split across reads (a byte at a time, seeded random pieces), several records in one read
 * (whole), frames split across records (the peer wraps its plaintext in records of random sizes).
 * The test plays the client with an {@link SSLEngine} of its own. Failures name their seed;
 * {@code -Dparley.seed=N} replays.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryTlsTest {

  private EventLoop loop;
  private final List<Bytes> received = new CopyOnWriteArrayList<>();
  private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
  private final List<Throwable> causes = new CopyOnWriteArrayList<>();
  private final AtomicInteger drained = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    loop = EventLoop.start("parley-memory-tls-loop", (where, error) -> { });
  }

  @AfterEach
  void stop() {
    loop.close(Duration.ofSeconds(1));
  }

  /** Records each frame and echoes it upper-cased. */
  private final class Echo implements Handler<Bytes, Bytes> {
    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      received.add(message);
      connection.send(TlsTest.upper(message));
    }

    @Override
    public void onDrained(Connection<Bytes, Bytes> connection) {
      drained.incrementAndGet();
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      closes.add(reason);
      if (cause != null) {
        causes.add(cause);
      }
    }
  }

  /** The client's side of TLS: an engine the test drives over the memory peer. */
  private static final class TlsPeer {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    final MemoryPeer peer;
    final SSLEngine engine;
    final SplittableRandom rnd;
    private ByteBuffer netIn = ByteBuffer.allocate(1 << 16).flip();
    private final ByteBuffer app = ByteBuffer.allocate(1 << 16);
    final ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
    boolean closeNotified;

    TlsPeer(MemoryPeer peer, SplittableRandom rnd) {
      this.peer = peer;
      this.rnd = rnd;
      this.engine = TlsTest.clientTls().newEngine("localhost", 443);
    }

    void handshake() throws IOException {
      engine.beginHandshake();
      for (int turns = 0; turns < 10_000; turns++) {
        pump();
        if (engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
          return;
        }
      }
      throw new AssertionError("the handshake did not finish: " + engine.getHandshakeStatus());
    }

    /** Takes what the connection wrote and unwraps it; wraps what the handshake needs and sends it. */
    void pump() throws IOException {
      byte[] written = peer.takeWritten();
      if (written.length > 0) {
        ByteBuffer larger = ByteBuffer.allocate(netIn.remaining() + written.length);
        larger.put(netIn).put(written).flip();
        netIn = larger;
      }
      while (netIn.hasRemaining()) {
        app.clear();
        SSLEngineResult result = engine.unwrap(netIn, app);
        runTasks();
        app.flip();
        plaintext.write(app.array(), 0, app.limit());
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
          closeNotified = true;
          break;
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
            || (result.bytesConsumed() == 0 && result.bytesProduced() == 0)) {
          break;
        }
      }
      while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(EMPTY, out);
        runTasks();
        send(Arrays.copyOf(out.array(), out.position()));
      }
    }

    private void runTasks() {
      for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
        task.run();
      }
    }

    /** Wraps {@code bytes} in records of random sizes, then sends the records in random pieces. */
    void sendEncrypted(byte[] bytes) throws IOException {
      ByteArrayOutputStream records = new ByteArrayOutputStream();
      ByteBuffer src = ByteBuffer.wrap(bytes);
      while (src.hasRemaining()) {
        int n = Math.min(src.remaining(), rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(16_384) : 1 + rnd.nextInt(64));
        ByteBuffer piece = src.slice().limit(n);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult result = engine.wrap(piece, out);
        src.position(src.position() + result.bytesConsumed());
        records.write(out.array(), 0, out.position());
      }
      send(records.toByteArray());
    }

    /** Sends {@code bytes} in pieces: records cut anywhere, several in one piece. */
    void send(byte[] bytes) throws IOException {
      for (int at = 0; at < bytes.length; ) {
        int n = Math.min(bytes.length - at, 1 + rnd.nextInt(3000));
        peer.send(Arrays.copyOfRange(bytes, at, at + n));
        at += n;
      }
    }
  }

  private TlsPeer open(Chunking reads, Chunking writes, SplittableRandom rnd) throws IOException {
    return open(reads, writes, rnd, ConnectionOptions.defaults());
  }

  private TlsPeer open(Chunking reads, Chunking writes, SplittableRandom rnd, ConnectionOptions options)
      throws IOException {
    received.clear();
    closes.clear();
    causes.clear();
    drained.set(0);
    MemoryPeer peer = MemoryPeer.open(loop, TlsTest.PROTOCOL, new Echo(),
        options.withTls(Tls.server(TestTls.serverContext())), reads, writes);
    TlsPeer tls = new TlsPeer(peer, rnd);
    tls.handshake();
    return tls;
  }

  @Test
  void framesReachTheHandlerWholeInOrderUnderEverySplittingOfTheirRecords() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> reads : MemoryTransportTest.CHUNKINGS) {
      for (LongFunction<Chunking> writes : MemoryTransportTest.CHUNKINGS) {
        TlsPeer peer = open(reads.apply(rnd.nextLong()), writes.apply(rnd.nextLong()), rnd);
        List<Bytes> bodies = MemoryTransportTest.randomBodies(rnd, 20);
        peer.sendEncrypted(MemoryTransportTest.frames(bodies));
        for (int i = 0; i < 10_000 && peer.plaintext.size() < MemoryTransportTest.frames(bodies).length; i++) {
          peer.pump();
        }
        assertEquals(bodies, received, "seed " + seed);
        assertEquals(MemoryTransportTest.upper(bodies), MemoryTransportTest.parse(peer.plaintext.toByteArray()),
            "seed " + seed);
        assertTrue(closes.isEmpty(), "seed " + seed + ": " + closes);
      }
    }
  }

  @Test
  void aFrameOfTheLargestSizeCrossesInRecordsCutAnyWay() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> chunking : MemoryTransportTest.CHUNKINGS.subList(2, 4)) { // not a byte a read
      TlsPeer peer = open(chunking.apply(rnd.nextLong()), chunking.apply(rnd.nextLong()), rnd);
      Bytes largest = TlsTest.body(TlsTest.MAX, seed);
      byte[] frame = MemoryTransportTest.frames(List.of(largest));
      peer.sendEncrypted(frame);
      for (int i = 0; i < 100_000 && peer.plaintext.size() < frame.length; i++) {
        peer.pump();
      }
      assertEquals(List.of(largest), received, "seed " + seed);
      assertEquals(List.of(TlsTest.upper(largest)), MemoryTransportTest.parse(peer.plaintext.toByteArray()),
          "seed " + seed);
    }
  }

  @Test
  void aBodyThatDoesNotDecodeInsideTlsIsAProtocolErrorAfterTheRepliesBeforeIt() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> reads : MemoryTransportTest.CHUNKINGS) {
      TlsPeer peer = open(reads.apply(rnd.nextLong()), Chunking.whole(), rnd);
      peer.sendEncrypted(MemoryTransportTest.frames(List.of(MemoryTransportTest.text("one"),
          Bytes.of((byte) 0xEE, (byte) 1))));
      for (int i = 0; i < 1000 && closes.isEmpty(); i++) {
        peer.pump();
        peer.peer.endInput();
      }
      Loopback.waitFor(() -> !closes.isEmpty());
      peer.pump();
      assertEquals(List.of(MemoryTransportTest.text("ONE")), MemoryTransportTest.parse(peer.plaintext.toByteArray()),
          "seed " + seed);
      assertEquals(List.of(CloseReason.PROTOCOL_ERROR), closes, "seed " + seed);
      assertInstanceOf(dev.parley.runtime.MalformedFrameException.class, causes.get(0));
    }
  }

  @Test
  void aCorruptedRecordClosesTheConnectionAsATlsErrorAndHandsNothingOver() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> reads : MemoryTransportTest.CHUNKINGS) {
      TlsPeer peer = open(reads.apply(rnd.nextLong()), Chunking.whole(), rnd);
      ByteBuffer out = ByteBuffer.allocate(peer.engine.getSession().getPacketBufferSize());
      peer.engine.wrap(ByteBuffer.wrap(MemoryTransportTest.frames(List.of(Bytes.of((byte) 'a')))), out);
      byte[] record = Arrays.copyOf(out.array(), out.position());
      record[5 + rnd.nextInt(record.length - 5)] ^= 0x40; // a bit of the ciphertext or its tag
      peer.send(record);
      Loopback.waitFor(() -> !closes.isEmpty());
      assertEquals(List.of(CloseReason.TLS_ERROR), closes, "seed " + seed);
      assertInstanceOf(SSLException.class, causes.get(0));
      assertTrue(received.isEmpty(), "seed " + seed);
    }
  }

  @Test
  void anAbsurdLengthInsideARecordIsAProtocolErrorAfterTheRepliesBeforeIt() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> reads : MemoryTransportTest.CHUNKINGS) {
      TlsPeer peer = open(reads.apply(rnd.nextLong()), Chunking.whole(), rnd);
      byte[] good = MemoryTransportTest.frames(List.of(MemoryTransportTest.text("one")));
      byte[] stream = Arrays.copyOf(good, good.length + 4);
      stream[good.length] = 0x7f; // a length of 2 GiB
      peer.sendEncrypted(stream);
      for (int i = 0; i < 1000 && closes.isEmpty(); i++) {
        peer.pump();
        peer.peer.endInput();
      }
      Loopback.waitFor(() -> !closes.isEmpty());
      peer.pump();
      assertEquals(List.of(MemoryTransportTest.text("ONE")), MemoryTransportTest.parse(peer.plaintext.toByteArray()),
          "seed " + seed);
      assertEquals(List.of(CloseReason.PROTOCOL_ERROR), closes, "seed " + seed);
    }
  }

  @Test
  void onDrainedFollowsTheLastRecordWhenTheRecordsAloneWaitedForThePeer() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    TlsPeer peer = open(Chunking.whole(), Chunking.whole(), rnd);
    peer.peer.stopReading(true);
    // The reply leaves the queue whole as one record, which waits in TLS's buffer for the peer.
    peer.sendEncrypted(MemoryTransportTest.frames(List.of(MemoryTransportTest.text("reply"))));
    Loopback.waitFor(() -> received.size() == 1);
    assertEquals(0, peer.peer.connection().pendingBytes(), "seed " + seed);
    assertEquals(0, drained.get(), "seed " + seed + ": nothing has reached the peer yet");
    peer.peer.stopReading(false);
    peer.pump();
    assertEquals(List.of(MemoryTransportTest.text("REPLY")), MemoryTransportTest.parse(peer.plaintext.toByteArray()),
        "seed " + seed);
    assertEquals(1, drained.get(), "seed " + seed + ": a producer that refills on onDrained hears the drain");
  }

  /**
   * Records that wait in TLS's buffer for a peer that reads nothing, the frame queue empty: the
   * write timeout counts them as queued, as it counts frames.
   */
  @Test
  void theWriteTimeoutClosesAPeerThatLeavesTheRecordsAloneWaiting() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    TlsPeer peer = open(Chunking.whole(), Chunking.whole(), rnd,
        ConnectionOptions.defaults().withWriteTimeout(Duration.ofMillis(300)));
    peer.peer.stopReading(true);
    peer.sendEncrypted(MemoryTransportTest.frames(List.of(MemoryTransportTest.text("reply"))));
    Loopback.waitFor(() -> received.size() == 1);
    assertEquals(0, peer.peer.connection().pendingBytes(), "seed " + seed + ": the reply left the queue");
    Loopback.waitFor(() -> !closes.isEmpty());
    assertEquals(List.of(CloseReason.WRITE_TIMEOUT), closes, "seed " + seed);
    assertTrue(causes.get(0).getMessage().startsWith("the peer took none of "), "seed " + seed + ": " + causes);
  }

  @Test
  void theServersCloseNotifyFollowsItsLastReply() throws Exception {
    long seed = MemoryTransportTest.seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    TlsPeer peer = open(Chunking.random(rnd.nextLong(), 17), Chunking.random(rnd.nextLong(), 17), rnd);
    peer.sendEncrypted(MemoryTransportTest.frames(List.of(MemoryTransportTest.text("last"))));
    peer.engine.closeOutbound();
    ByteBuffer out = ByteBuffer.allocate(peer.engine.getSession().getPacketBufferSize());
    peer.engine.wrap(ByteBuffer.allocate(0), out);
    peer.send(Arrays.copyOf(out.array(), out.position()));
    for (int i = 0; i < 1000 && !peer.closeNotified; i++) {
      peer.pump();
    }
    assertEquals(List.of(MemoryTransportTest.text("LAST")), MemoryTransportTest.parse(peer.plaintext.toByteArray()));
    assertTrue(peer.closeNotified, "the server answered close_notify with its own");
    Loopback.waitFor(() -> !closes.isEmpty());
    assertEquals(List.of(CloseReason.PEER_CLOSED), closes);
  }
}
