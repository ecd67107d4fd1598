package dev.parley.benchmarks;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.Correlation;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.RequestClient;
import dev.parley.runtime.RequestOptions;
import dev.parley.runtime.nio.EventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Pipelined request/response round trips per second over one connection to a Parley event-loop
 * echo server, with a window of requests in flight: written directly against
 * {@link BlockingConnection} and against the event loop, and through {@link RequestClient} over
 * each, matched by key and in order. Each way runs in a JVM of its own, twice to warm up and then
 * three times, and the ways take turns for a few rounds, so that a neighbour's burst of load falls
 * on all of them alike; the median of every measured run is reported, and each client way as a
 * share of the direct way of its transport. Beside the wall time, the CPU time of the client's side
 * (the process's, less the echo server's loop thread) per round trip, which a busy machine
 * disturbs less.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.RequestThroughput
 * [LOOP_ROUND_TRIPS [BLOCKING_ROUND_TRIPS [WINDOW [ROUNDS [WAY...]]]]]}, ways named as in
 * {@link Way}: 2,000,000 round trips a run on the event loop, 300,000 over blocking connections
 * (a write system call each), 64 in flight, 3 rounds, every way.
 */
public final class RequestThroughput {

  private static final long TIMEOUT_SECONDS = 120;
  /** The request's body: a 4-byte id and 28 bytes, about a memcached get of a short key. */
  private static final Bytes PAYLOAD = Bytes.of(new byte[28]);

  private RequestThroughput() {}

  /** What is measured. */
  enum Way {
    DIRECT_BLOCKING("direct BlockingConnection: a writer, a reader, a semaphore"),
    CLIENT_BLOCKING_BY_INT_KEY("RequestClient over blocking, by int key"),
    CLIENT_BLOCKING_IN_ORDER("RequestClient over blocking, in order"),
    DIRECT_EVENT_LOOP("direct event loop: the handler refills the window"),
    CLIENT_EVENT_LOOP_BY_INT_KEY("RequestClient on the event loop, by int key"),
    CLIENT_EVENT_LOOP_BY_KEY("RequestClient on the event loop, by key (boxed)"),
    CLIENT_EVENT_LOOP_IN_ORDER("RequestClient on the event loop, in order"),
    CLIENT_EVENT_LOOP_TIMEOUT("RequestClient on the event loop, by int key, 30 s timeout");

    final String label;

    Way(String label) {
      this.label = label;
    }

    boolean onEventLoop() {
      return name().contains("EVENT_LOOP");
    }

    boolean isDirect() {
      return name().startsWith("DIRECT");
    }
  }

  /** A request or its echo. */
  record Ping(int id, Bytes payload) {}

  /** Pings under Parley's default frame format: a u32 prefix, then the id and the payload. */
  static final Protocol<Ping> PROTOCOL = new Protocol<>() {
    private final FrameFormat format = FrameFormat.defaults();

    @Override
    public FrameFormat frameFormat() {
      return format;
    }

    @Override
    public int encodedSize(Ping ping) {
      return 4 + ping.payload().size();
    }

    @Override
    public void encode(Ping ping, ByteBuffer out) {
      int id = ping.id();
      out.put((byte) (id >>> 24)).put((byte) (id >>> 16)).put((byte) (id >>> 8)).put((byte) id);
      ping.payload().writeTo(out);
    }

    @Override
    public Ping decode(ByteBuffer body) {
      int id = (body.get() & 0xFF) << 24 | (body.get() & 0xFF) << 16 | (body.get() & 0xFF) << 8 | (body.get() & 0xFF);
      return new Ping(id, Bytes.read(body, body.remaining()));
    }
  };

  private static final Conversation<Ping, Ping> CONVERSATION = Conversation.of(PROTOCOL);

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("--fork")) {
      fork(Way.valueOf(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      return;
    }
    int loopRoundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int blockingRoundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    List<Way> ways = args.length > 4
        ? Arrays.stream(args, 4, args.length).map(Way::valueOf).toList()
        : List.of(Way.values());
    List<Result> results = new ArrayList<>();
    for (Way way : ways) {
      results.add(new Result(way, way.onEventLoop() ? loopRoundTrips : blockingRoundTrips, new ArrayList<>()));
    }
    for (int round = 1; round <= rounds; round++) {
      System.err.println("round " + round + " of " + rounds);
      for (Result result : results) {
        measure(result, window);
      }
    }
    print(window, results);
  }

  /** One measured run: its wall time, and the client side's CPU time per round trip. */
  record Run(double seconds, double cpuNanosPerRoundTrip) {}

  /** The runs of one way so far; the medians are what is reported. */
  record Result(Way way, int roundTrips, List<Run> runs) {
    double perSecond() {
      return roundTrips / median(runs.stream().mapToDouble(Run::seconds).toArray());
    }

    double cpuNanos() {
      return median(runs.stream().mapToDouble(Run::cpuNanosPerRoundTrip).toArray());
    }

    private static double median(double[] values) {
      Arrays.sort(values);
      return values.length % 2 == 1 ? values[values.length / 2]
          : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
  }

  /** Runs {@code result}'s way once more in a JVM of its own, adding its measured runs. */
  static void measure(Result result, int window) throws Exception {
    Way way = result.way;
    String output = Fork.run(RequestThroughput.class, 10, "--fork", way.name(), String.valueOf(result.roundTrips),
        String.valueOf(window));
    StringBuilder perSecond = new StringBuilder();
    for (String run : output.split("\\s+")) {
      String[] parts = run.split("/");
      Run measured = new Run(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
      result.runs.add(measured);
      perSecond.append(String.format(Locale.ROOT, " %,.0f/s %.0f ns", result.roundTrips / measured.seconds,
          measured.cpuNanosPerRoundTrip));
    }
    System.err.printf(Locale.ROOT, "  %-58s%s%n", way.label, perSecond);
  }

  static void print(int window, List<Result> results) {
    System.out.printf(Locale.ROOT, "%d in flight, %d-byte requests; medians of %d runs each%n", window,
        4 + PAYLOAD.size(), results.get(0).runs.size());
    System.out.printf(Locale.ROOT, "%-58s %11s %14s %9s %14s %9s%n", "way", "round trips", "round trips/s",
        "÷ direct", "client CPU/rt", "÷ direct");
    for (Result result : results) {
      Result direct = results.stream()
          .filter(r -> r.way.isDirect() && r.way.onEventLoop() == result.way.onEventLoop())
          .findFirst().orElse(null);
      System.out.printf(Locale.ROOT, "%-58s %,11d %,14.0f %9s %,11.0f ns %9s%n", result.way.label,
          result.roundTrips, result.perSecond(),
          direct == null ? "—" : String.format(Locale.ROOT, "%.2f", result.perSecond() / direct.perSecond()),
          result.cpuNanos(),
          direct == null ? "—" : String.format(Locale.ROOT, "%.2f", result.cpuNanos() / direct.cpuNanos()));
    }
  }

  /**
   * In the forked JVM: two warm-up runs, then three measured runs, printed as seconds and client
   * CPU nanoseconds per round trip, {@code seconds/nanos} each.
   */
  private static void fork(Way way, int roundTrips, int window) throws Exception {
    try (EventLoop serverLoop = EventLoop.start("bench-echo-server", ErrorHook.logging())) {
      long[] serverThread = new long[1];
      InetSocketAddress server = serverLoop.listen(FramingThroughput.ANY, PROTOCOL, new Handler<>() {
        @Override
        public void onOpen(Connection<Ping, Ping> connection) {
          serverThread[0] = Thread.currentThread().getId();
        }

        @Override
        public void onMessage(Connection<Ping, Ping> connection, Ping ping) {
          connection.send(ping);
        }
      }, ConnectionOptions.defaults());
      run(way, server, roundTrips, window);
      run(way, server, roundTrips, window);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      StringBuilder runs = new StringBuilder();
      for (int r = 0; r < 3; r++) {
        long cpu = os.getProcessCpuTime() - threads.getThreadCpuTime(serverThread[0]);
        double seconds = run(way, server, roundTrips, window);
        long used = os.getProcessCpuTime() - threads.getThreadCpuTime(serverThread[0]) - cpu;
        runs.append(seconds).append('/').append((double) used / roundTrips).append(' ');
      }
      System.out.println(runs.toString().trim());
    }
  }

  /** One run over a new connection: the seconds from the first request to the last reply. */
  static double run(Way way, InetSocketAddress server, int roundTrips, int window) throws Exception {
    Correlation<Ping, Ping> byIntKey = Correlation.byIntKey(Ping::id, Ping::id);
    Correlation<Ping, Ping> byKey = Correlation.byKey(Ping::id, Ping::id);
    Correlation<Ping, Ping> inOrder = Correlation.inOrder();
    RequestOptions options = RequestOptions.defaults().withMaxInFlight(window);
    RequestOptions timed = options.withTimeout(Duration.ofSeconds(30));
    return switch (way) {
      case DIRECT_BLOCKING -> directBlocking(server, roundTrips, window);
      case CLIENT_BLOCKING_BY_INT_KEY -> clientBlocking(server, roundTrips, window, byIntKey, options);
      case CLIENT_BLOCKING_IN_ORDER -> clientBlocking(server, roundTrips, window, inOrder, options);
      case DIRECT_EVENT_LOOP -> directEventLoop(server, roundTrips, window);
      case CLIENT_EVENT_LOOP_BY_INT_KEY -> clientEventLoop(server, roundTrips, window, byIntKey, options);
      case CLIENT_EVENT_LOOP_BY_KEY -> clientEventLoop(server, roundTrips, window, byKey, options);
      case CLIENT_EVENT_LOOP_IN_ORDER -> clientEventLoop(server, roundTrips, window, inOrder, options);
      case CLIENT_EVENT_LOOP_TIMEOUT -> clientEventLoop(server, roundTrips, window, byIntKey, timed);
    };
  }

  private static void check(Ping reply, int expected) {
    if (reply.id() != expected) {
      throw new IllegalStateException("reply " + reply.id() + " came where " + expected + " was due");
    }
  }

  /** One thread writes while a semaphore allows; the reader frees a permit per reply. */
  static double directBlocking(InetSocketAddress server, int roundTrips, int window) throws Exception {
    try (BlockingConnection<Ping, Ping> connection = BlockingConnection.connect(server, PROTOCOL, Duration.ofSeconds(10))) {
      Semaphore inFlight = new Semaphore(window);
      CompletableFuture<Long> done = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try {
          int[] received = {0};
          connection.receiveAll(reply -> {
            check(reply, received[0]);
            inFlight.release();
            if (++received[0] == roundTrips) {
              done.complete(System.nanoTime());
            }
          });
        } catch (Exception e) {
          done.completeExceptionally(e);
        }
      }, "bench-direct-reader");
      reader.setDaemon(true);
      reader.start();
      long start = System.nanoTime();
      for (int i = 0; i < roundTrips; i++) {
        inFlight.acquire();
        connection.send(new Ping(i, PAYLOAD));
      }
      long end = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return (end - start) / 1e9;
    }
  }

  /**
   * One thread calls while the client has a slot (its bound is the window, and a call past it
   * waits). The futures of the last two windows are kept, and each is checked two windows after
   * it was made: done by then (the server answers in order), so the check never waits, as the
   * direct reader's does not.
   */
  static double clientBlocking(InetSocketAddress server, int roundTrips, int window,
      Correlation<Ping, Ping> correlation, RequestOptions options) throws Exception {
    try (RequestClient<Ping, Ping> client = RequestClient.over(
        BlockingConnection.connect(server, PROTOCOL, Duration.ofSeconds(10)), correlation, options)) {
      int kept = 2 * window;
      List<CompletableFuture<Ping>> last = new ArrayList<>(Collections.nCopies(kept, null));
      long start = System.nanoTime();
      for (int i = 0; i < roundTrips; i++) {
        CompletableFuture<Ping> earlier = last.set(i % kept, client.call(new Ping(i, PAYLOAD)));
        if (earlier != null) {
          check(earlier.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), i - kept);
        }
      }
      for (int i = Math.max(0, roundTrips - kept); i < roundTrips; i++) {
        check(last.get(i % kept).get(TIMEOUT_SECONDS, TimeUnit.SECONDS), i);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** The handler sends a window of requests when the connection opens, and one more per reply. */
  static double directEventLoop(InetSocketAddress server, int roundTrips, int window) throws Exception {
    try (EventLoop loop = EventLoop.start("bench-client-loop")) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      long[] start = new long[1];
      loop.connect(server, CONVERSATION, new Handler<>() {
        int sent;
        int received;

        @Override
        public void onOpen(Connection<Ping, Ping> connection) {
          start[0] = System.nanoTime();
          while (sent < window && sent < roundTrips) {
            connection.send(new Ping(sent++, PAYLOAD));
          }
        }

        @Override
        public void onMessage(Connection<Ping, Ping> connection, Ping reply) {
          check(reply, received);
          if (++received == roundTrips) {
            done.complete(System.nanoTime());
            connection.close();
          } else if (sent < roundTrips) {
            connection.send(new Ping(sent++, PAYLOAD));
          }
        }
      }, ConnectionOptions.defaults());
      long end = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return (end - start[0]) / 1e9;
    }
  }

  /**
   * A window of calls made on the loop's thread; each reply's stage, on the loop's thread too,
   * makes the next call, as the direct handler does.
   */
  static double clientEventLoop(InetSocketAddress server, int roundTrips, int window,
      Correlation<Ping, Ping> correlation, RequestOptions options) throws Exception {
    try (EventLoop loop = EventLoop.start("bench-client-loop");
        RequestClient<Ping, Ping> client = RequestClient.connect(loop, server, CONVERSATION, correlation,
            ConnectionOptions.defaults(), options)) {
      Refill refill = new Refill(client, roundTrips);
      long[] start = new long[1];
      loop.execute(() -> {
        start[0] = System.nanoTime();
        refill.begin(window);
      });
      long end = refill.done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return (end - start[0]) / 1e9;
    }
  }

  /** The stage of every call: checks the reply and makes the next call. One for all calls. */
  private static final class Refill implements BiConsumer<Ping, Throwable> {
    private final RequestClient<Ping, Ping> client;
    private final int roundTrips;
    final CompletableFuture<Long> done = new CompletableFuture<>();
    private int sent;
    private int received;

    Refill(RequestClient<Ping, Ping> client, int roundTrips) {
      this.client = client;
      this.roundTrips = roundTrips;
    }

    void begin(int window) {
      while (sent < window && sent < roundTrips) {
        next();
      }
    }

    private void next() {
      client.call(new Ping(sent++, PAYLOAD)).whenComplete(this);
    }

    @Override
    public void accept(Ping reply, Throwable failure) {
      if (failure != null) {
        done.completeExceptionally(failure);
        return;
      }
      check(reply, received);
      if (++received == roundTrips) {
        done.complete(System.nanoTime());
      } else if (sent < roundTrips) {
        next();
      }
    }
  }
}
