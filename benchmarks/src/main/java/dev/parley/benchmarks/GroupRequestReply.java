package dev.parley.benchmarks;

import dev.parley.benchmarks.RequestThroughput.Ping;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.nio.EventLoopGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Request/reply round trips per second through an echo server on an {@link EventLoopGroup} of one
 * loop and of two, from a load generator in another JVM: many connections, each with a few requests
 * in flight, each reply answered by the next request. The server runs in this JVM; each run starts
 * a group of the size measured, forks the load generator (its own group of loops, its connections
 * spread over them), which warms up and then counts the replies of a measured span. The sizes take
 * turns for a few rounds, so that a neighbour's burst of load falls on both alike; the median of
 * the rounds is reported, the two loops' as a share of the one's. Beside it, over the same span:
 * the CPU time per round trip of the server (this JVM's, which does nothing else) and of the load
 * generator (its JVM's), the cores the two kept busy together, and the load average at each run's
 * end, since on a machine of few cores the load generator competes with the server for them.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.GroupRequestReply
 * [SECONDS [CONNECTIONS [IN_FLIGHT [ROUNDS [CLIENT_LOOPS]]]]]}: 5 s measured after 2 s of warm-up,
 * 100 connections, 4 requests in flight on each, 3 rounds, 2 loops in the load generator.
 */
public final class GroupRequestReply {

  private static final long WARM_UP_MILLIS = 2_000;
  private static final Bytes PAYLOAD = Bytes.of(new byte[28]);
  private static final List<Integer> SIZES = List.of(1, 2);

  private GroupRequestReply() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 7 && args[0].equals("--load")) {
      load(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])),
          Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          Integer.parseInt(args[6]));
      return;
    }
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int clientLoops = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    List<List<Run>> runs = new ArrayList<>();
    SIZES.forEach(size -> runs.add(new ArrayList<>()));
    for (int round = 1; round <= rounds; round++) {
      System.err.println("round " + round + " of " + rounds);
      for (int i = 0; i < SIZES.size(); i++) {
        Run run = measure(SIZES.get(i), seconds, connections, inFlight, clientLoops);
        runs.get(i).add(run);
        System.err.printf(Locale.ROOT, "  %d loop(s): %,.0f round trips/s; CPU a round trip: server %.1f µs, load"
            + " generator %.1f µs; %.2f cores busy; load average %.2f%n", SIZES.get(i), run.perSecond,
            run.serverCpuMicros, run.clientCpuMicros, run.cores, run.load);
      }
    }
    System.out.printf(Locale.ROOT, "%d connections, %d in flight each, %d-byte requests, load generator on %d loops"
        + " in another JVM, %d cores; medians of %d runs of %d s%n", connections, inFlight, 4 + PAYLOAD.size(),
        clientLoops, Runtime.getRuntime().availableProcessors(), rounds, seconds);
    System.out.printf(Locale.ROOT, "%-8s %14s %9s %14s %14s %12s %s%n", "server", "round trips/s", "÷ 1 loop",
        "server CPU/rt", "load gen CPU/rt", "cores busy", "load average at the runs' ends");
    double one = median(runs.get(0), Run::perSecond);
    for (int i = 0; i < SIZES.size(); i++) {
      List<Run> measured = runs.get(i);
      double perSecond = median(measured, Run::perSecond);
      System.out.printf(Locale.ROOT, "%-8s %,14.0f %9.2f %11.1f µs %12.1f µs %12.2f %s%n",
          SIZES.get(i) + " loop" + (SIZES.get(i) == 1 ? "" : "s"), perSecond, perSecond / one,
          median(measured, Run::serverCpuMicros), median(measured, Run::clientCpuMicros), median(measured, Run::cores),
          measured.stream().map(r -> String.format(Locale.ROOT, "%.2f", r.load)).toList());
    }
  }

  /**
   * One measured run: round trips a second; the server's and the load generator's CPU time a round
   * trip; the cores both kept busy; the load average after it.
   */
  record Run(double perSecond, double serverCpuMicros, double clientCpuMicros, double cores, double load) {}

  private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
    double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
    return values.length % 2 == 1 ? values[values.length / 2]
        : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
  }

  /**
   * Serves on a new group of {@code loops} loops while a forked load generator measures; the
   * generator says when its measured span begins and ends, so that the server's CPU time is taken
   * over the same span.
   */
  private static Run measure(int loops, int seconds, int connections, int inFlight, int clientLoops) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (EventLoopGroup server = EventLoopGroup.start("bench-group-server", loops, EchoServer.SILENT)) {
      InetSocketAddress address = server.listen(FramingThroughput.ANY, RequestThroughput.PROTOCOL, new Handler<>() {
        @Override
        public void onMessage(Connection<Ping, Ping> connection, Ping ping) {
          connection.send(ping);
        }
      }, ConnectionOptions.defaults());
      Process fork = Fork.start(GroupRequestReply.class, "--load", String.valueOf(address.getPort()),
          String.valueOf(connections), String.valueOf(inFlight), String.valueOf(seconds), String.valueOf(clientLoops),
          String.valueOf(WARM_UP_MILLIS));
      try (BufferedReader out = new BufferedReader(new InputStreamReader(fork.getInputStream(), StandardCharsets.US_ASCII))) {
        String begins = out.readLine();
        long cpu = os.getProcessCpuTime();
        String ends = out.readLine();
        long serverCpu = os.getProcessCpuTime() - cpu;
        if (!"measuring".equals(begins) || ends == null || !fork.waitFor(1, TimeUnit.MINUTES) || fork.exitValue() != 0) {
          throw new IllegalStateException("the load generator failed: " + begins + " " + ends);
        }
        String[] figures = ends.split(" ");
        long roundTrips = Long.parseLong(figures[0]);
        double elapsed = Double.parseDouble(figures[1]);
        long clientCpu = Long.parseLong(figures[2]);
        return new Run(roundTrips / elapsed, serverCpu / 1e3 / roundTrips, clientCpu / 1e3 / roundTrips,
            (serverCpu + clientCpu) / 1e9 / elapsed, os.getSystemLoadAverage());
      } finally {
        fork.destroyForcibly();
      }
    }
  }

  /**
   * In the forked JVM: {@code connections} connections on a group of {@code loops} loops, each
   * keeping {@code inFlight} requests in flight; prints {@code measuring} when the measured span
   * begins, and at its end the replies counted in it, its seconds and this JVM's CPU nanoseconds.
   */
  private static void load(InetSocketAddress server, int connections, int inFlight, int seconds, int loops,
      long warmUpMillis) throws Exception {
    LongAdder replies = new LongAdder();
    CountDownLatch opened = new CountDownLatch(connections);
    try (EventLoopGroup group = EventLoopGroup.start("bench-group-load", loops, EchoServer.SILENT)) {
      for (int c = 0; c < connections; c++) {
        group.connect(server, RequestThroughput.PROTOCOL, new Handler<>() {
          private int sent;

          @Override
          public void onOpen(Connection<Ping, Ping> connection) {
            for (int i = 0; i < inFlight; i++) {
              connection.send(new Ping(sent++, PAYLOAD));
            }
            opened.countDown();
          }

          @Override
          public void onMessage(Connection<Ping, Ping> connection, Ping reply) {
            replies.increment();
            connection.send(new Ping(sent++, PAYLOAD));
          }
        }, ConnectionOptions.defaults());
      }
      if (!opened.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(opened.getCount() + " connections did not open");
      }
      TimeUnit.MILLISECONDS.sleep(warmUpMillis);
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      System.out.println("measuring");
      System.out.flush();
      long cpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      long before = replies.sum();
      TimeUnit.SECONDS.sleep(seconds);
      long counted = replies.sum() - before;
      double elapsed = (System.nanoTime() - start) / 1e9;
      System.out.println(counted + " " + elapsed + " " + (os.getProcessCpuTime() - cpu));
      System.out.flush();
      group.close(Duration.ZERO);
    }
  }
}
