package dev.parley.runtime.nio;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Connection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.FaultyProtocol;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.Loopback;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.RawProtocol;
import dev.parley.runtime.nio.MemoryPeer.Chunking;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loop's connection logic over bytes in memory, each case under several ways of
 * splitting the stream (a byte at a time, seeded random pieces, whole), as Okio runs its cases
 * through source factories. Failures name their seed; {@code -Dparley.seed=N} replays.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemoryTransportTest {

  static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 20);

  /** Each strategy, made from a seed: for the connection's reads and for its writes. */
  static final List<LongFunction<Chunking>> CHUNKINGS = List.of(
      seed -> Chunking.oneByte(), seed -> Chunking.random(seed, 17), seed -> Chunking.random(seed, 5000),
      seed -> Chunking.whole());

  private EventLoop loop;
  private final List<Bytes> received = new CopyOnWriteArrayList<>();
  private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
  private final List<Throwable> causes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    loop = EventLoop.start("parley-memory-loop", (where, error) -> { });
  }

  @AfterEach
  void stop() {
    loop.close(Duration.ofSeconds(1));
  }

  static long seed() {
    String given = System.getProperty("parley.seed");
    return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  /** Records each frame and echoes it upper-cased; "big N" is answered with N KiB. */
  private final class Echo implements Handler<Bytes, Bytes> {
    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      received.add(message);
      String s = new String(message.toByteArray(), StandardCharsets.ISO_8859_1);
      connection.send(s.startsWith("big ") ? Bytes.of(new byte[Integer.parseInt(s.substring(4)) * 1024])
          : Bytes.of(s.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      closes.add(reason);
      if (cause != null) {
        causes.add(cause);
      }
    }
  }

  private MemoryPeer open(Protocol<Bytes> protocol, ConnectionOptions options, Chunking reads, Chunking writes)
      throws IOException {
    received.clear();
    closes.clear();
    causes.clear();
    return MemoryPeer.open(loop, protocol, new Echo(), options, reads, writes);
  }

  static byte[] frames(List<Bytes> bodies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Bytes body : bodies) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(body.size()).array());
      out.writeBytes(body.toByteArray());
    }
    return out.toByteArray();
  }

  static List<Bytes> parse(byte[] stream) throws IOException {
    FrameReader reader = new FrameReader(PROTOCOL.frameFormat());
    ByteBuffer in = ByteBuffer.wrap(stream);
    List<Bytes> frames = new ArrayList<>();
    while (in.hasRemaining() || reader.buffered() > 0) {
      reader.feed(in);
      ByteBuffer body = reader.nextFrame();
      if (body == null) {
        if (!in.hasRemaining()) {
          throw new AssertionError("a partial frame was written: " + reader.buffered() + " bytes");
        }
        continue;
      }
      frames.add(Bytes.read(body, body.remaining()));
    }
    return frames;
  }

  static Bytes text(String s) {
    return Loopback.text(s);
  }

  static List<Bytes> randomBodies(SplittableRandom rnd, int count) {
    List<Bytes> bodies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int size = rnd.nextInt(10) == 0 ? rnd.nextInt(20_000) : rnd.nextInt(40);
      byte[] body = new byte[size];
      for (int k = 0; k < size; k++) {
        body[k] = (byte) ('a' + rnd.nextInt(26)); // never "big ", never 0xEE
      }
      bodies.add(Bytes.of(body));
    }
    return bodies;
  }

  static List<Bytes> upper(List<Bytes> bodies) {
    List<Bytes> out = new ArrayList<>();
    for (Bytes b : bodies) {
      out.add(Bytes.of(new String(b.toByteArray(), StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT)
          .getBytes(StandardCharsets.ISO_8859_1)));
    }
    return out;
  }

  @Test
  void framesSplitAnyWayReachTheHandlerWholeInOrderAndRepliesArriveIntact() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> reads : CHUNKINGS) {
      for (LongFunction<Chunking> writes : CHUNKINGS) {
        List<Bytes> bodies = randomBodies(rnd, 30);
        byte[] stream = frames(bodies);
        MemoryPeer peer = open(PROTOCOL, ConnectionOptions.defaults(), reads.apply(rnd.nextLong()),
            writes.apply(rnd.nextLong()));
        // The peer's own sends are split too: frames cut anywhere, several in one piece.
        for (int at = 0; at < stream.length; ) {
          int n = Math.min(stream.length - at, 1 + rnd.nextInt(3000));
          peer.send(java.util.Arrays.copyOfRange(stream, at, at + n));
          at += n;
        }
        assertEquals(bodies, received, "seed " + seed);
        assertEquals(upper(bodies), parse(peer.takeWritten()), "seed " + seed);
        assertEquals(0, peer.unread(), "seed " + seed);
      }
    }
  }

  @Test
  void aPeerThatStopsReadingPausesReadingAtTheHighMarkAndLosesNothingWhenItReadsAgain() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> chunking : CHUNKINGS) {
      MemoryPeer peer = open(PROTOCOL, ConnectionOptions.defaults().withWaterMarks(64 << 10, 256 << 10),
          chunking.apply(rnd.nextLong()), Chunking.random(rnd.nextLong(), 70_000));
      peer.stopReading(true);
      List<Bytes> requests = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        requests.add(text("big 32")); // 1.25 MiB of replies, five times the high mark
      }
      peer.send(frames(requests));
      int handled = received.size();
      assertTrue(handled >= 8 && handled <= 9, "reading paused at the high mark: " + handled + ", seed " + seed);
      assertTrue(peer.connection().isReadingPaused());
      assertTrue(peer.unread() > 0 || handled < 40, "the rest waits unread or unhandled");
      ByteArrayOutputStream replies = new ByteArrayOutputStream();
      peer.stopReading(false);
      for (int i = 0; i < 1000 && received.size() < 40; i++) {
        replies.writeBytes(peer.takeWritten());
      }
      replies.writeBytes(peer.takeWritten());
      assertEquals(40, received.size(), "seed " + seed);
      List<Bytes> got = parse(replies.toByteArray());
      assertEquals(40, got.size(), "seed " + seed);
      assertTrue(got.stream().allMatch(b -> b.size() == 32 * 1024));
      assertTrue(closes.isEmpty(), "nobody was closed: " + closes);
    }
  }

  @Test
  void repliesBeforeABadFrameAreWrittenThenTheConnectionClosesAsAProtocolError() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> chunking : CHUNKINGS) {
      MemoryPeer peer = open(PROTOCOL, ConnectionOptions.defaults(), chunking.apply(rnd.nextLong()),
          chunking.apply(rnd.nextLong()));
      byte[] good = frames(List.of(text("one"), text("two")));
      byte[] bad = frames(List.of(Bytes.of((byte) 0xEE)));
      byte[] both = java.util.Arrays.copyOf(good, good.length + bad.length);
      System.arraycopy(bad, 0, both, good.length, bad.length);
      peer.send(both);
      assertEquals(List.of(text("ONE"), text("TWO")), parse(peer.takeWritten()), "seed " + seed);
      assertTrue(peer.outputShut(), "after its replies the connection says it is done writing");
      assertTrue(closes.isEmpty(), "and lingers, dropping what the peer still sends, until the peer's end");
      peer.send(new byte[] {1, 2, 3, 4, 5});
      peer.endInput();
      Loopback.waitFor(() -> !closes.isEmpty());
      assertEquals(List.of(CloseReason.PROTOCOL_ERROR), closes);
      assertInstanceOf(MalformedFrameException.class, causes.get(0));
    }
  }

  @Test
  void aPeerThatHalfClosesGetsEveryReplyThenTheConnectionCloses() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> chunking : CHUNKINGS) {
      MemoryPeer peer = open(PROTOCOL, ConnectionOptions.defaults(), chunking.apply(rnd.nextLong()),
          chunking.apply(rnd.nextLong()));
      List<Bytes> bodies = randomBodies(rnd, 10);
      peer.send(frames(bodies));
      peer.endInput();
      assertEquals(upper(bodies), parse(peer.takeWritten()), "seed " + seed);
      Loopback.waitFor(() -> !closes.isEmpty());
      assertEquals(List.of(CloseReason.PEER_CLOSED), closes);
    }
  }

  @Test
  void framesBufferedBeforeAResetAreStillHandedOver() throws Exception {
    long seed = seed();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (LongFunction<Chunking> chunking : CHUNKINGS) {
      MemoryPeer peer = open(PROTOCOL, ConnectionOptions.defaults().withWaterMarks(1024, 4096),
          chunking.apply(rnd.nextLong()), chunking.apply(rnd.nextLong()));
      peer.stopReading(true);
      List<Bytes> requests = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        requests.add(text("big 8"));
      }
      peer.send(frames(requests)); // reading pauses after the first: the rest wait buffered
      assertTrue(received.size() < 10, "paused: " + received.size());
      peer.reset();
      Loopback.waitFor(() -> !closes.isEmpty());
      assertEquals(List.of(CloseReason.IO_ERROR), closes, "seed " + seed);
      assertTrue(received.size() >= 1, "seed " + seed);
    }
  }

  @Test
  void anEncoderThatFailsOrWritesShortQueuesNothing() throws Exception {
    for (LongFunction<Chunking> chunking : CHUNKINGS) {
      List<String> failures = new CopyOnWriteArrayList<>();
      MemoryPeer peer = MemoryPeer.open(loop, new FaultyProtocol(PROTOCOL), new Handler<>() {
        @Override
        public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
          for (String s : List.of("before", "throw", "short", "after")) {
            try {
              connection.send(text(s));
            } catch (RuntimeException e) {
              failures.add(e.getClass().getSimpleName());
            }
          }
        }
      }, ConnectionOptions.defaults(), chunking.apply(1), chunking.apply(2));
      peer.send(frames(List.of(text("go"))));
      assertEquals(List.of(text("before"), text("after")), parse(peer.takeWritten()));
      assertEquals(List.of("IllegalArgumentException", "IllegalStateException"), failures);
    }
  }

  @Test
  void theIdleTimeoutDoesNotRunWhileReadingIsPausedForThePeer() throws Exception {
    MemoryPeer peer = open(PROTOCOL, ConnectionOptions.defaults().withIdleTimeout(Duration.ofMillis(100))
        .withWaterMarks(64 << 10, 256 << 10), Chunking.whole(), Chunking.whole());
    peer.stopReading(true);
    List<Bytes> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requests.add(text("big 32"));
    }
    peer.send(frames(requests));
    assertTrue(peer.connection().isReadingPaused());
    TimeUnit.MILLISECONDS.sleep(400); // four idle timeouts, while this side is the one not reading
    assertTrue(closes.isEmpty(), "not closed as idle: " + closes);
    peer.stopReading(false);
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    for (int i = 0; i < 1000 && received.size() < 20; i++) {
      replies.writeBytes(peer.takeWritten());
    }
    replies.writeBytes(peer.takeWritten());
    assertEquals(20, parse(replies.toByteArray()).size());
  }

  @Test
  void waterMarksMustLeaveRoomToResume() {
    ConnectionOptions defaults = ConnectionOptions.defaults();
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> defaults.withWaterMarks(0, 100));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> defaults.withWaterMarks(200, 100));
    ConnectionOptions tiny = defaults.withMaxPendingBytes(1);
    assertEquals(1, tiny.highWaterMark());
    assertEquals(1, tiny.lowWaterMark());
    ConnectionOptions small = defaults.withMaxPendingBytes(1 << 20);
    assertEquals(512 << 10, small.highWaterMark(), "half the bound");
    assertEquals(128 << 10, small.lowWaterMark(), "a quarter of the high mark");
  }

  @Test
  void aConnectToAnAddressThatCannotBeReachedClosesAsAnIoErrorAndLeavesNothingBehind() throws Exception {
    java.util.concurrent.BlockingQueue<CloseReason> reasons = new java.util.concurrent.ArrayBlockingQueue<>(1);
    loop.connect(java.net.InetSocketAddress.createUnresolved("no-such-host.invalid", 80), PROTOCOL, new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {}

      @Override
      public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
        reasons.add(reason);
      }
    }, ConnectionOptions.defaults());
    assertEquals(CloseReason.IO_ERROR, reasons.poll(10, TimeUnit.SECONDS));
    Loopback.waitFor(() -> loop.connectionCount() == 0);
  }
}
