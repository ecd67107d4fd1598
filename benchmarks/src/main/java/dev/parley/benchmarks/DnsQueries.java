package dev.parley.benchmarks;

import dev.parley.protocols.dns.DnsClient;
import dev.parley.protocols.dns.DnsName;
import dev.parley.protocols.dns.DnsServer;
import dev.parley.protocols.dns.Rcode;
import dev.parley.protocols.dns.Zone;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DNS queries a second over one TCP connection against dns-server (on the event loop, in this
 * JVM, on 127.0.0.1): Parley's {@link DnsClient} and dnsjava 3.6's {@code SimpleResolver} over
 * TCP (its answers completed on its selector thread, and through its default executor), each
 * pipelined with a window of queries in flight from one thread, and each one query at a time. Every query asks {@code www.bench.test. A} and every answer is checked for its one
 * address. Each figure is the median of the rounds, each a 1 s warm-up and a timed period; all in
 * one run, so the figures compare.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.DnsQueries
 * [SECONDS [ROUNDS [WINDOW]]]}, by default 4 s, 3 rounds and 64 in flight.
 */
public final class DnsQueries {

  private static final String ZONE = """
      $ORIGIN bench.test.
      $TTL 300
      @    SOA ns1 hostmaster 1 3600 900 604800 60
      www  A   192.0.2.10
      """;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private DnsQueries() {}

  /** One way of asking: asks until {@code until} (nanoTime) with up to {@code window} in flight, counting answers. */
  private interface Driver {
    void run(int window, long until, LongAdder done) throws Exception;
  }

  /** Something that starts one query and says when it has been answered, correctly or not. */
  private interface Asker {
    CompletionStage<Boolean> ask();
  }

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 4;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    try (DnsServer server = DnsServer.builder(Zone.parse("bench.zone", ZONE))
        .start(new InetSocketAddress("127.0.0.1", 0));
        DnsClient parley = DnsClient.connect(server.address(), TIMEOUT)) {
      DnsName www = DnsName.parse("www.bench.test.");
      Asker parleyAsk = () -> parley.queryAsync(www, 1).thenApply(m -> m.flags().rcode() == Rcode.NOERROR
          && m.answers().size() == 1);
      SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
      resolver.setPort(server.address().getPort());
      resolver.setTCP(true);
      resolver.setTimeout(TIMEOUT);
      Record question = Record.newRecord(Name.fromString("www.bench.test."), Type.A, DClass.IN);
      // dnsjava completes each query through an Executor: by default CompletableFuture's, which
      // with a common pool of parallelism 1 (2 cores) starts a thread per task; the direct
      // executor runs the completion on dnsjava's selector thread, as Parley's on its reader.
      Asker dnsjavaDirect = () -> resolver.sendAsync(org.xbill.DNS.Message.newQuery(question), Runnable::run)
          .thenApply(DnsQueries::rightAnswer);
      Asker dnsjavaDefault = () -> resolver.sendAsync(org.xbill.DNS.Message.newQuery(question))
          .thenApply(DnsQueries::rightAnswer);

      String[] names = {"Parley DnsClient", "dnsjava SimpleResolver (TCP), direct executor",
          "dnsjava SimpleResolver (TCP), default executor"};
      Driver[] drivers = {windowed(parleyAsk), windowed(dnsjavaDirect), windowed(dnsjavaDefault)};
      System.out.printf(Locale.ROOT, "dns-server on %s, one TCP connection each, %d rounds of %d s, JDK %s, %d cores%n%n",
          server.address(), rounds, seconds, System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      System.out.println("| client | pipelined, " + window + " in flight: queries/s | one at a time: queries/s |");
      System.out.println("|---|---:|---:|");
      double[][] medians = new double[drivers.length][2];
      for (int d = 0; d < drivers.length; d++) {
        int[] windows = {window, 1};
        for (int w = 0; w < 2; w++) {
          double[] perRound = new double[rounds];
          for (int r = 0; r < rounds; r++) {
            drivers[d].run(windows[w], System.nanoTime() + TimeUnit.SECONDS.toNanos(1), new LongAdder()); // warm-up
            LongAdder done = new LongAdder();
            long start = System.nanoTime();
            drivers[d].run(windows[w], start + TimeUnit.SECONDS.toNanos(seconds), done);
            perRound[r] = done.sum() / ((System.nanoTime() - start) / 1e9);
          }
          Arrays.sort(perRound);
          medians[d][w] = perRound[rounds / 2];
        }
        System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f |%n", names[d], medians[d][0], medians[d][1]);
      }
      System.out.printf(Locale.ROOT, "%nParley / dnsjava with the direct executor: pipelined %.2f, one at a time %.2f%n",
          medians[0][0] / medians[1][0], medians[0][1] / medians[1][1]);
    }
  }

  private static boolean rightAnswer(org.xbill.DNS.Message m) {
    return m.getRcode() == org.xbill.DNS.Rcode.NOERROR && m.getSection(org.xbill.DNS.Section.ANSWER).size() == 1;
  }

  /** Asks from one thread, keeping up to the window in flight; fails on a wrong answer or an error. */
  private static Driver windowed(Asker asker) {
    return (window, until, done) -> {
      Semaphore slots = new Semaphore(window);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      while (System.nanoTime() < until && failed.get() == null) {
        slots.acquire();
        asker.ask().whenComplete((right, error) -> {
          if (error != null || !right) {
            failed.compareAndSet(null, error != null ? error : new IllegalStateException("a wrong answer"));
          } else {
            done.increment();
          }
          slots.release();
        });
      }
      if (!slots.tryAcquire(window, 30, TimeUnit.SECONDS) || failed.get() != null) {
        throw new IllegalStateException("queries did not complete", failed.get());
      }
    };
  }
}
