package dev.parley.protocols.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.rubyeye.xmemcached.transcoders.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real client, xmemcached 2.4 in binary mode, against {@link MemcachedServer}: what it stores
 * it gets back with its flags, and CAS, delete and counters behave as with memcached.
 */
class MemcachedServerXmemcachedTest {

  private static final long TIMEOUT_MILLIS = 10_000;

  private MemcachedServer server;
  private MemcachedClient client;

  @BeforeEach
  void start() throws Exception {
    server = MemcachedServer.builder().start(new InetSocketAddress("127.0.0.1", 0));
    XMemcachedClientBuilder builder = new XMemcachedClientBuilder(List.of(server.address()));
    builder.setCommandFactory(new BinaryCommandFactory());
    builder.setConnectTimeout(TIMEOUT_MILLIS);
    builder.setOpTimeout(TIMEOUT_MILLIS);
    client = builder.build();
  }

  @AfterEach
  void stop() throws Exception {
    client.shutdown();
    server.close();
  }

  /** Bytes and flags as they travel, so that the test sees the flags xmemcached's transcoders hide. */
  private static final class Raw implements Transcoder<CachedData> {
    @Override
    public CachedData encode(CachedData data) {
      return data;
    }

    @Override
    public CachedData decode(CachedData data) {
      return data;
    }

    @Override
    public void setPrimitiveAsString(boolean primitiveAsString) {}

    @Override
    public void setPackZeros(boolean packZeros) {}

    @Override
    public void setCompressionThreshold(int to) {}

    @Override
    public boolean isPrimitiveAsString() {
      return false;
    }

    @Override
    public boolean isPackZeros() {
      return false;
    }

    @Override
    public void setCompressionMode(CompressionMode compressMode) {}
  }

  private static final Raw RAW = new Raw();

  @Test
  void setThenGetReturnsTheValueAndItsFlags() throws Exception {
    assertTrue(client.set("greeting", 0, new CachedData(0x1234, bytes("hello, xmemcached")), RAW));
    CachedData got = client.get("greeting", RAW);
    assertArrayEquals(bytes("hello, xmemcached"), got.getData());
    assertEquals(0x1234, got.getFlag());
    assertTrue(client.set("object", 0, Map.of("a", 1)));
    assertEquals(Map.of("a", 1), client.get("object"), "a serialized object round-trips with its transcoder's flags");
    assertNull(client.get("absent"));
  }

  @Test
  void deleteRemovesTheItem() throws Exception {
    client.set("doomed", 0, "v");
    assertTrue(client.delete("doomed"));
    assertNull(client.get("doomed"));
    assertFalse(client.delete("doomed"));
  }

  @Test
  void incrementStartsAtTheInitialValueAndCounts() throws Exception {
    assertEquals(7, client.incr("hits", 1, 7));
    assertEquals(8, client.incr("hits", 1, 7));
    assertEquals(18, client.incr("hits", 10));
    assertEquals(15, client.decr("hits", 3));
    assertEquals("15", client.get("hits"));
  }

  @Test
  void getsThenCasSucceedsOnceAndFailsWithAStaleCas() throws Exception {
    client.set("balance", 0, "100");
    GetsResponse<String> seen = client.gets("balance");
    assertEquals("100", seen.getValue());
    assertNotEquals(0, seen.getCas());
    assertTrue(client.cas("balance", 0, "90", seen.getCas()));
    assertFalse(client.cas("balance", 0, "80", seen.getCas()), "the item has a new cas since");
    GetsResponse<String> now = client.gets("balance");
    assertEquals("90", now.getValue());
    assertNotEquals(seen.getCas(), now.getCas());
  }

  @Test
  void aMultiGetReturnsTheKeysThatAreThere() throws Exception {
    client.set("m1", 0, "one");
    client.set("m3", 0, "three");
    Map<String, Object> got = client.get(List.of("m1", "m2", "m3"));
    assertEquals(Map.of("m1", "one", "m3", "three"), got);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
