package dev.parley.protocols.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.RealServers;
import dev.parley.runtime.Bytes;
import dev.parley.testing.Property;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MemcachedClient}, every exchange it has, against the real memcached
 * ({@link RealServers#memcached()}: skipped locally unless started, required under CI) and
 * against {@link MemcachedServer}, with one test body: the two servers must answer alike.
 * Keys carry this run's seed, so that runs against one real server do not meet.
 */
class MemcachedClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final long SEED = Property.seed();
  private static final String PREFIX = "parley-test:" + Long.toHexString(SEED) + ":";
  private static MemcachedServer parley;
  private static int keys;

  @BeforeAll
  static void start() throws IOException {
    System.out.println("MemcachedClientTest seed " + SEED + " (replay with -Dparley.seed=" + SEED + ")");
    parley = MemcachedServer.builder().start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    parley.close();
  }

  static Stream<Named<Supplier<InetSocketAddress>>> servers() {
    return Stream.of(Named.of("MemcachedServer", () -> parley.address()),
        Named.of("memcached", RealServers::memcached));
  }

  private static String key(String name) {
    return PREFIX + name + ":" + keys++;
  }

  private static Bytes text(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertStatus(MemcachedStatus status, Executable refused) {
    MemcachedException e = assertThrows(MemcachedException.class, refused);
    assertEquals(status.code(), e.status(), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("servers")
  void setThenGetHitsWithFlagsAndCasAndAMissIsEmpty(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("set");
      long cas = client.set(k, text("hello"), 0xDEADBEEFL, 0);
      assertNotEquals(0, cas);
      MemcachedItem item = client.get(k).orElseThrow();
      assertEquals(text("hello"), item.value());
      assertEquals(0xDEADBEEFL, item.flags());
      assertEquals(cas, item.cas());
      assertEquals(Optional.empty(), client.get(key("missing")));
      long again = client.set(k, Bytes.empty(), 0, 0);
      assertNotEquals(cas, again, "every write gives the item a new cas");
      assertEquals(new MemcachedItem(Bytes.empty(), 0, again), client.get(k).orElseThrow());
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void addStoresOnlyANewKeyAndReplaceOnlyAnExistingOne(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("add");
      long cas = client.add(k, text("first"), 1, 0);
      assertStatus(MemcachedStatus.KEY_EXISTS, () -> client.add(k, text("second"), 2, 0));
      assertEquals(new MemcachedItem(text("first"), 1, cas), client.get(k).orElseThrow());
      String absent = key("replace");
      assertStatus(MemcachedStatus.KEY_NOT_FOUND, () -> client.replace(absent, text("x"), 0, 0));
      assertEquals(Optional.empty(), client.get(absent));
      long replaced = client.replace(k, text("third"), 3, 0);
      assertEquals(new MemcachedItem(text("third"), 3, replaced), client.get(k).orElseThrow());
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void aCasWriteNeedsTheCasOfTheItemThere(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("cas");
      client.set(k, text("v1"), 0, 0);
      long seen = client.get(k).orElseThrow().cas();
      long next = client.cas(k, text("v2"), 7, 0, seen);
      assertNotEquals(seen, next);
      assertStatus(MemcachedStatus.KEY_EXISTS, () -> client.cas(k, text("v3"), 0, 0, seen));
      assertEquals(new MemcachedItem(text("v2"), 7, next), client.get(k).orElseThrow());
      assertStatus(MemcachedStatus.KEY_NOT_FOUND, () -> client.cas(key("cas-absent"), text("v"), 0, 0, seen));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void deleteRemovesAndSaysWhetherThereWasAnItem(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("delete");
      client.set(k, text("gone soon"), 0, 0);
      assertTrue(client.delete(k));
      assertEquals(Optional.empty(), client.get(k));
      assertFalse(client.delete(k));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void countersStartAtTheirInitialValueWrapAndStopAtZero(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("counter");
      assertEquals(10, client.increment(k, 5, 10, 0), "an absent counter starts at its initial value");
      assertEquals(15, client.increment(k, 5, 10, 0));
      assertEquals(text("15"), client.get(k).orElseThrow().value(), "a counter is stored in decimal");
      assertEquals(12, client.decrement(k, 3, 0, 0));
      assertEquals(0, client.decrement(k, 20, 0, 0), "a decrement stops at 0");
      assertStatus(MemcachedStatus.KEY_NOT_FOUND,
          () -> client.increment(key("counter-absent"), 1, 0, MemcachedClient.NO_CREATE));
      String max = key("counter-max");
      client.set(max, text("18446744073709551615"), 0, 0);
      assertEquals(0, client.increment(max, 1, 0, 0), "an increment wraps at 2^64");
      String words = key("counter-text");
      client.set(words, text("twelve"), 0, 0);
      assertStatus(MemcachedStatus.NON_NUMERIC_VALUE, () -> client.increment(words, 1, 0, 0));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void appendAndPrependKeepFlagsAndNeedAnItem(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("concat");
      client.set(k, text("b"), 42, 0);
      client.append(k, text("c"));
      long cas = client.prepend(k, text("a"));
      assertEquals(new MemcachedItem(text("abc"), 42, cas), client.get(k).orElseThrow());
      assertStatus(MemcachedStatus.ITEM_NOT_STORED, () -> client.append(key("concat-absent"), text("x")));
      assertStatus(MemcachedStatus.ITEM_NOT_STORED, () -> client.prepend(key("concat-absent"), text("x")));
    }
  }

  /** Expiry without waiting: a Unix time (above 30 days) in the past has expired already. */
  @ParameterizedTest
  @MethodSource("servers")
  void touchAndExpirationInThePastExpireAnItem(Supplier<InetSocketAddress> server) throws IOException {
    long past = MemcachedStore.RELATIVE_EXPIRATION_LIMIT + 1; // 1970-01-31, a Unix time
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("touch");
      client.set(k, text("v"), 0, 0);
      assertTrue(client.touch(k, 3600));
      assertTrue(client.get(k).isPresent(), "an hour from now it is still there");
      assertTrue(client.touch(k, past));
      assertEquals(Optional.empty(), client.get(k));
      assertFalse(client.touch(k, 0));
      String born = key("expired");
      client.set(born, text("v"), 0, past);
      assertEquals(Optional.empty(), client.get(born));
      assertFalse(client.touch(key("touch-absent"), 10));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void aValueAboveTheItemSizeIsRefusedAndTheConnectionGoesOn(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String k = key("large");
      assertStatus(MemcachedStatus.VALUE_TOO_LARGE, () -> client.set(k, Bytes.of(new byte[3 << 19]), 0, 0));
      assertEquals(Optional.empty(), client.get(k));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void pipelinedGetQBatchesEndedByANoopReturnTheHits(Supplier<InetSocketAddress> server) throws IOException {
    SplittableRandom rnd = new SplittableRandom(SEED);
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      List<String> all = new ArrayList<>();
      Map<String, MemcachedItem> expected = new HashMap<>();
      List<CompletableFuture<Long>> sets = new ArrayList<>();
      List<String> stored = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String k = key("multi");
        all.add(k);
        if (rnd.nextInt(3) != 0) {
          stored.add(k);
          sets.add(client.setAsync(k, text("value " + i), i, 0));
        }
      }
      for (int i = 0; i < stored.size(); i++) {
        long cas = await(sets.get(i));
        expected.put(stored.get(i), new MemcachedItem(text("value " + all.indexOf(stored.get(i))),
            all.indexOf(stored.get(i)), cas));
      }
      assertEquals(expected, client.getMulti(all));
      assertEquals(Map.of(), client.getMulti(List.of(key("none"), key("none"))));
      assertEquals(Map.of(), client.getMulti(List.of()));
    }
  }

  /** Every kind of request in flight at once: each reply goes to its own request, by opaque. */
  @ParameterizedTest
  @MethodSource("servers")
  void interleavedAsynchronousRequestsEachGetTheirOwnReply(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String a = key("mix");
      String b = key("mix");
      CompletableFuture<Long> setA = client.setAsync(a, text("A"), 1, 0);
      CompletableFuture<Optional<MemcachedItem>> missB = client.getAsync(b);
      CompletableFuture<Map<String, MemcachedItem>> multi = client.getMultiAsync(List.of(a, b));
      CompletableFuture<Long> counter = client.incrementAsync(b, 1, 100, 0);
      CompletableFuture<String> version = client.versionAsync();
      CompletableFuture<Optional<MemcachedItem>> hitB = client.getAsync(b);
      CompletableFuture<Boolean> deleteA = client.deleteAsync(a);
      long cas = await(setA);
      assertEquals(Optional.empty(), await(missB));
      assertEquals(Map.of(a, new MemcachedItem(text("A"), 1, cas)), await(multi));
      assertEquals(100, await(counter));
      assertFalse(await(version).isEmpty());
      assertEquals(text("100"), await(hitB).orElseThrow().value());
      assertTrue(await(deleteA));
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void versionAndStatsDescribeTheServer(Supplier<InetSocketAddress> server) throws IOException {
    try (MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT)) {
      String version = client.version();
      assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
      Map<String, String> stats = client.stats();
      for (String name : List.of("pid", "uptime", "time", "version", "curr_connections", "cmd_get", "get_hits",
          "curr_items", "total_items", "bytes")) {
        assertTrue(stats.containsKey(name), () -> name + " in " + stats.keySet());
      }
      assertEquals(version, stats.get("version"));
      assertTrue(Long.parseLong(stats.get("curr_connections")) >= 1);
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void quitIsAnsweredThenTheConnectionCloses(Supplier<InetSocketAddress> server) throws IOException {
    MemcachedClient client = MemcachedClient.connect(server.get(), TIMEOUT);
    String k = key("quit");
    CompletableFuture<Long> before = client.setAsync(k, text("v"), 0, 0);
    client.quit();
    assertTrue(before.isDone() && !before.isCompletedExceptionally(), "what was sent before Quit was answered");
    assertFalse(client.isOpen());
    assertThrows(IOException.class, () -> client.get(k));
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }
}
