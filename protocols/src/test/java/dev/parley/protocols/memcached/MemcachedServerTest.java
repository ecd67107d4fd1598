package dev.parley.protocols.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only {@link MemcachedServer} is asked (the shared exchanges are in MemcachedClientTest):
 * expiry as time passes on a clock the test moves, the quiet commands' silence, and answers byte
 * for byte as memcached 1.6.18 gave them to the same requests.
 */
class MemcachedServerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A clock that stands still until the test moves it. */
  static final class MovableClock extends Clock {
    private volatile long millis = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    void advance(Duration by) {
      millis += by.toMillis();
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final MovableClock clock = new MovableClock();
  private MemcachedServer server;

  @BeforeEach
  void start() throws IOException {
    server = MemcachedServer.builder().clock(clock).start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Bytes text(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRelativeExpirationIsSecondsFromNowAndTouchMovesIt() throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.address(), TIMEOUT)) {
      client.set("k", text("v"), 0, 10);
      clock.advance(Duration.ofSeconds(9));
      assertTrue(client.get("k").isPresent());
      assertTrue(client.touch("k", 5));
      clock.advance(Duration.ofSeconds(4));
      assertTrue(client.get("k").isPresent(), "touched at 9 s for 5 s more");
      clock.advance(Duration.ofSeconds(1));
      assertEquals(Optional.empty(), client.get("k"), "expired at 14 s");
      assertEquals(10, client.increment("n", 1, 10, 30), "a counter created with an expiration");
      clock.advance(Duration.ofSeconds(30));
      assertEquals(10, client.increment("n", 1, 10, 30), "and created again once it expired");
    }
  }

  @Test
  void anExpirationAboveThirtyDaysIsAUnixTime() throws IOException {
    long inAMinute = clock.millis() / 1000 + 60;
    try (MemcachedClient client = MemcachedClient.connect(server.address(), TIMEOUT)) {
      client.set("k", text("v"), 0, inAMinute);
      client.set("month", text("v"), 0, MemcachedStore.RELATIVE_EXPIRATION_LIMIT);
      clock.advance(Duration.ofSeconds(59));
      assertTrue(client.get("k").isPresent());
      clock.advance(Duration.ofSeconds(1));
      assertEquals(Optional.empty(), client.get("k"));
      assertTrue(client.get("month").isPresent(), "30 days exactly is still relative");
      clock.advance(Duration.ofDays(30));
      assertEquals(Optional.empty(), client.get("month"));
    }
  }

  @Test
  void aFullStoreRefusesWritesWithOutOfMemory() throws IOException {
    server.close();
    server = MemcachedServer.builder().maxBytes(10_000).start(new InetSocketAddress("127.0.0.1", 0));
    try (MemcachedClient client = MemcachedClient.connect(server.address(), TIMEOUT)) {
      client.set("a", Bytes.of(new byte[6_000]), 0, 0);
      MemcachedException full = org.junit.jupiter.api.Assertions.assertThrows(MemcachedException.class,
          () -> client.set("b", Bytes.of(new byte[6_000]), 0, 0));
      assertEquals(MemcachedStatus.OUT_OF_MEMORY.code(), full.status());
      assertTrue(client.delete("a"));
      client.set("b", Bytes.of(new byte[6_000]), 0, 0);
    }
  }

  /**
   * Quiet commands answer only what went wrong (a GetQ or GetKQ: only a hit), each with its own
   * opcode and opaque, and the No-op after them is answered last.
   */
  @Test
  void quietCommandsAnswerOnlyFailuresAndHits() throws IOException {
    byte[] storage = RawPeer.hex("0000002a00000000");
    byte[] none = new byte[0];
    try (RawPeer peer = new RawPeer(server.address())) {
      peer.send(
          RawPeer.request(0x80, 0x11, 1, storage, bytes("k"), bytes("v")),     // SetQ: stored, silent
          RawPeer.request(0x80, 0x12, 2, storage, bytes("k"), bytes("w")),     // AddQ: exists, answered
          RawPeer.request(0x80, 0x09, 3, none, bytes("absent"), none),         // GetQ miss: silent
          RawPeer.request(0x80, 0x0D, 4, none, bytes("k"), none),              // GetKQ hit: answered with key
          RawPeer.request(0x80, 0x19, 5, none, bytes("k"), bytes("x")),        // AppendQ: silent
          RawPeer.request(0x80, 0x14, 6, none, bytes("absent"), none),         // DeleteQ miss: answered
          RawPeer.request(0x0A, 7));                                            // Noop
      assertEquals("81120000000000020000001400000002" + "0000000000000000" + hexOf("Data exists for key."),
          peer.read(24 + 20));
      assertEquals("810d0001040000000000000600000004" + "0000000000000001" + "0000002a" + "6b" + "76",
          peer.read(24 + 6));
      assertEquals("81140000000000010000000900000006" + "0000000000000000" + hexOf("Not found"), peer.read(24 + 9));
      assertEquals("810a00000000000000000000000000070000000000000000", peer.read(24));
      peer.send(RawPeer.request(0x80, 0x0C, 8, none, bytes("k"), none));       // GetK: "vx" after the AppendQ
      assertEquals("810c0001040000000000000700000008" + "0000000000000002" + "0000002a" + "6b" + "7678",
          peer.read(24 + 7));
      peer.send(RawPeer.request(0x17, 9));                                      // QuitQ: no answer, closed
      assertEquals("", peer.readToEnd());
    }
  }

  /** Requests and memcached 1.6.18's answers to them, recorded from a fresh {@code memcached -B binary}. */
  @Test
  void answersAsMemcachedDoes() throws IOException {
    try (RawPeer peer = new RawPeer(server.address())) {
      // A Stat of a group there is none of: not found, empty key.
      peer.send(RawPeer.request(0x80, 0x10, 3, new byte[0], bytes("nosuchgroup"), new byte[0]));
      assertEquals("8110000000000001000000090000000300000000000000004e6f7420666f756e64", peer.read(33));
      // A Touch of an absent key, then a Set (cas 1, the first) and a Touch of it: the flags as extras.
      peer.send(RawPeer.request(0x80, 0x1C, 3, new byte[4], bytes("nokey"), new byte[0]));
      assertEquals("811c000000000001000000090000000300000000000000004e6f7420666f756e64", peer.read(33));
      peer.send(RawPeer.request(0x80, 0x01, 3, RawPeer.hex("0000000700000000"), bytes("tk"), bytes("v")),
          RawPeer.request(0x80, 0x1C, 4, new byte[4], bytes("tk"), new byte[0]));
      assertEquals("810100000000000000000000000000030000000000000001", peer.read(24));
      assertEquals("811c0000040000000000000400000004000000000000000100000007", peer.read(28));
      // An Increment that creates its counter: the value as 8 bytes, cas 2.
      peer.send(RawPeer.request(0x80, 0x05, 3, new byte[20], bytes("aaaaa"), new byte[0]), RawPeer.request(0x0A, 4));
      assertEquals("8105000000000000000000080000000300000000000000020000000000000000", peer.read(32));
      assertEquals("810a00000000000000000000000000040000000000000000", peer.read(24));
    }
  }

  /** The lines of the README's memcached example, as written there, against this server. */
  @Test
  void theReadmeExampleRuns() throws Exception {
    InetSocketAddress address = server.address();
    Bytes value = text("hello");
    Bytes newValue = text("hello again");
    try (MemcachedClient client = MemcachedClient.connect(address, Duration.ofSeconds(5))) {
      long cas = client.set("greeting", value, 0xDEADBEEFL, 0);              // flags, expiration (0: never)
      MemcachedItem item = client.get("greeting").orElseThrow();              // value, flags, cas; a miss is empty
      client.cas("greeting", newValue, item.flags(), 0, item.cas());          // 0x0002 if someone wrote first
      long hits = client.increment("hits", 1, 0, 0);                          // delta, initial, expiration
      java.util.Map<String, MemcachedItem> found = client.getMulti(java.util.List.of("a", "b", "greeting"));
      java.util.concurrent.CompletableFuture<Optional<MemcachedItem>> later = client.getAsync("a");
      assertEquals(cas, item.cas());
      assertEquals(0, hits);
      assertEquals(java.util.Set.of("greeting"), found.keySet());
      assertEquals(newValue, found.get("greeting").value());
      assertEquals(Optional.empty(), later.get(5, java.util.concurrent.TimeUnit.SECONDS));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static String hexOf(String s) {
    return java.util.HexFormat.of().formatHex(bytes(s));
  }
}
