package dev.parley.benchmarks;

import dev.parley.protocols.memcached.MemcachedClient;
import dev.parley.runtime.Bytes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;

/**
 * Get and set round trips a second over one connection, 100-byte values, against a real memcached
 * (binary protocol): Parley's {@link MemcachedClient} pipelined (a window of requests in flight
 * from one thread), Parley's client called blocking from several threads, and xmemcached 2.4 in
 * binary mode called from as many threads (its calls block; it pipelines the threads' requests
 * over its one connection and merges gets). Each figure is the median of the rounds, each round
 * a warm-up and then a timed period; all in one JVM and one run, so the figures compare.
 *
 * <p>Run, with memcached started as {@code .ci/servers.sh} does: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.parley.benchmarks.MemcachedRoundTrips [HOST:PORT [SECONDS
 * [ROUNDS]]]}, by default {@code $PARLEY_MEMCACHED} or 127.0.0.1:11311, 4 s and 3 rounds.
 */
public final class MemcachedRoundTrips {

  private static final int VALUE_BYTES = 100;
  private static final int WINDOW = 64;
  private static final int THREADS = 16;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private MemcachedRoundTrips() {}

  /** One way of making requests: runs them until {@code until} (nanoTime), counting each answered one. */
  private interface Driver {
    void run(boolean set, long until, LongAdder done) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String where = args.length > 0 ? args[0] : System.getenv().getOrDefault("PARLEY_MEMCACHED", "127.0.0.1:11311");
    int colon = where.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(where.substring(0, colon), Integer.parseInt(where.substring(colon + 1)));
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    byte[] raw = new byte[VALUE_BYTES];
    Arrays.fill(raw, (byte) 'v');
    Bytes value = Bytes.of(raw);

    try (MemcachedClient parley = MemcachedClient.connect(address, TIMEOUT)) {
      parley.set("bench:get", value, 0, 0);
      XMemcachedClientBuilder builder = new XMemcachedClientBuilder(List.of(address));
      builder.setCommandFactory(new BinaryCommandFactory());
      builder.setConnectionPoolSize(1);
      builder.setOpTimeout(TIMEOUT.toMillis());
      net.rubyeye.xmemcached.MemcachedClient xmemcached = builder.build();
      try {
        Driver parleyPipelined = (set, until, done) -> {
          Semaphore window = new Semaphore(WINDOW);
          AtomicReference<Throwable> failed = new AtomicReference<>();
          while (System.nanoTime() < until && failed.get() == null) {
            window.acquire();
            CompletableFuture<?> f = set ? parley.setAsync("bench:set", value, 0, 0) : parley.getAsync("bench:get");
            f.whenComplete((ok, error) -> {
              if (error != null) {
                failed.set(error);
              } else {
                done.increment();
              }
              window.release();
            });
          }
          if (!window.tryAcquire(WINDOW, 30, TimeUnit.SECONDS) || failed.get() != null) {
            throw new IllegalStateException("requests did not complete", failed.get());
          }
        };
        Driver parleyThreads = threads((set, until, done) -> {
          while (System.nanoTime() < until) {
            if (set) {
              parley.set("bench:set", value, 0, 0);
            } else if (parley.get("bench:get").isEmpty()) {
              throw new IllegalStateException("bench:get is gone");
            }
            done.increment();
          }
        });
        Driver xmemcachedThreads = threads((set, until, done) -> {
          while (System.nanoTime() < until) {
            if (set) {
              xmemcached.set("bench:set", 0, raw);
            } else if (xmemcached.get("bench:get") == null) {
              throw new IllegalStateException("bench:get is gone");
            }
            done.increment();
          }
        });
        String[] names = {"Parley, pipelined (" + WINDOW + " in flight, 1 thread)",
            "Parley, blocking calls from " + THREADS + " threads", "xmemcached, blocking calls from " + THREADS + " threads"};
        Driver[] drivers = {parleyPipelined, parleyThreads, xmemcachedThreads};
        System.out.printf(Locale.ROOT, "memcached at %s, %d-byte values, one connection each, %d rounds of %d s%n%n",
            where, VALUE_BYTES, rounds, seconds);
        System.out.println("| client | get round trips/s | set round trips/s |");
        System.out.println("|---|---:|---:|");
        double[][] medians = new double[drivers.length][2];
        for (int d = 0; d < drivers.length; d++) {
          for (int op = 0; op < 2; op++) {
            double[] perRound = new double[rounds];
            for (int r = 0; r < rounds; r++) {
              drivers[d].run(op == 1, System.nanoTime() + TimeUnit.SECONDS.toNanos(1), new LongAdder()); // warm-up
              LongAdder done = new LongAdder();
              long start = System.nanoTime();
              drivers[d].run(op == 1, start + TimeUnit.SECONDS.toNanos(seconds), done);
              perRound[r] = done.sum() / ((System.nanoTime() - start) / 1e9);
            }
            Arrays.sort(perRound);
            medians[d][op] = perRound[rounds / 2];
          }
          System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f |%n", names[d], medians[d][0], medians[d][1]);
        }
        System.out.printf(Locale.ROOT, "%nParley pipelined / xmemcached: get %.2f, set %.2f; Parley threads / xmemcached:"
            + " get %.2f, set %.2f%n", medians[0][0] / medians[2][0], medians[0][1] / medians[2][1],
            medians[1][0] / medians[2][0], medians[1][1] / medians[2][1]);
      } finally {
        xmemcached.shutdown();
      }
    }
  }

  /** {@code body} on {@link #THREADS} threads at once, until the same deadline; the first failure is thrown. */
  private static Driver threads(Driver body) {
    return (set, until, done) -> {
      List<Thread> threads = new ArrayList<>();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      for (int t = 0; t < THREADS; t++) {
        Thread thread = new Thread(() -> {
          try {
            body.run(set, until, done);
          } catch (Throwable e) {
            failed.compareAndSet(null, e);
          }
        }, "bench-" + t);
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join(TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()) + 60_000);
      }
      if (failed.get() != null) {
        throw new IllegalStateException("a thread failed", failed.get());
      }
    };
  }
}
