package dev.parley.protocols.memcached;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The counters a {@link MemcachedServer} answers a Stat with, under memcached's names. */
final class ServerStats {

  private final Clock clock;
  private final long startedMillis;
  private final AtomicLong currentConnections = new AtomicLong();
  private final LongAdder totalConnections = new LongAdder();
  private final LongAdder gets = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder sets = new LongAdder();

  ServerStats(Clock clock) {
    this.clock = clock;
    this.startedMillis = clock.millis();
  }

  void connectionOpened() {
    currentConnections.incrementAndGet();
    totalConnections.increment();
  }

  void connectionClosed() {
    currentConnections.decrementAndGet();
  }

  void get(boolean hit) {
    gets.increment();
    if (hit) {
      hits.increment();
    }
  }

  void set() {
    sets.increment();
  }

  /** The statistics now, in the order memcached lists them. */
  Map<String, String> snapshot(MemcachedStore store) {
    long now = clock.millis();
    Map<String, String> stats = new LinkedHashMap<>();
    stats.put("pid", Long.toString(ProcessHandle.current().pid()));
    stats.put("uptime", Long.toString((now - startedMillis) / 1000));
    stats.put("time", Long.toString(now / 1000));
    stats.put("version", MemcachedServer.VERSION);
    stats.put("curr_connections", Long.toString(currentConnections.get()));
    stats.put("total_connections", Long.toString(totalConnections.sum()));
    long getCount = gets.sum();
    long hitCount = hits.sum();
    stats.put("cmd_get", Long.toString(getCount));
    stats.put("cmd_set", Long.toString(sets.sum()));
    stats.put("get_hits", Long.toString(hitCount));
    stats.put("get_misses", Long.toString(getCount - hitCount));
    stats.put("curr_items", Long.toString(store.size()));
    stats.put("total_items", Long.toString(store.totalItems()));
    stats.put("bytes", Long.toString(store.bytes()));
    stats.put("limit_maxbytes", Long.toString(store.maxBytes()));
    return stats;
  }
}
