package dev.parley.benchmarks;

import dev.parley.benchmarks.EchoServer.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a connection costs a server in memory, for Parley's event loop and blocking server and for
 * the plain JDK server each is compared with ({@link EchoServer}):
 *
 * <ul>
 *   <li>heap retained per idle accepted connection: used heap after repeated full collections,
 *       before the connections are opened and once they are all accepted, divided by their number;
 *       again after one request and reply on each and 2 s of quiet;
 *   <li>bytes allocated for one connection that sends an absurd length prefix (0x7FFFFFFF) and is
 *       closed for it, from the accept to the close, by every thread of the server's JVM but the
 *       client's ({@code com.sun.management.ThreadMXBean}), averaged over many such connections.
 * </ul>
 *
 * <p>Each server runs in a JVM of its own (a fixed 1 GiB heap) whose heap holds the server side
 * only: the idle clients are this JVM's sockets. The refused prefixes come from the server JVM's
 * main thread, whose allocations are left out.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.IdleConnectionMemory
 * [CONNECTIONS [REFUSALS]]}, 5,000 and 1,000 by default.
 */
public final class IdleConnectionMemory {

  private static final byte[] REQUEST = {0, 0, 0, 1, 'a'};
  private static final byte[] ABSURD = {(byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
  /** The event loop gives a connection's buffers back after a second of quiet; wait twice that. */
  private static final long QUIET_MILLIS = 2_000;
  /** Connections opened, served and closed in the server's JVM before its heap is first measured. */
  private static final int WARM_UP_CONNECTIONS = 200;
  private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(2);

  private IdleConnectionMemory() {}

  /** The figures of one server. */
  record Result(Kind kind, int connections, double idleBytes, double quietBytes, int refusals,
      double refusedBytes, double refusedLoopBytes) {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--server")) {
      serve(Kind.valueOf(args[1]), Integer.parseInt(args[2]));
      return;
    }
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int refusals = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    for (String line : table(measure(connections, refusals))) {
      System.out.println(line);
    }
  }

  /** Measures the four servers, each in a JVM of its own, in the order of {@link Kind}. */
  static List<Result> measure(int connections, int refusals) throws Exception {
    List<Result> results = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      Result result = measure(kind, connections, refusals);
      System.err.printf(Locale.ROOT, "  %-44s idle %,8.0f B, quiet %,8.0f B, refused prefix %,8.0f B%n",
          kind.label, result.idleBytes, result.quietBytes, result.refusedBytes);
      results.add(result);
    }
    return results;
  }

  /** The figures as Markdown: each Parley server beside its anchor. */
  static List<String> table(List<Result> results) {
    Map<Kind, Result> byKind = new HashMap<>();
    results.forEach(r -> byKind.put(r.kind, r));
    Result loop = byKind.get(Kind.EVENT_LOOP);
    Result selector = byKind.get(Kind.SELECTOR);
    Result blocking = byKind.get(Kind.BLOCKING);
    Result threads = byKind.get(Kind.THREADS);
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "Heap per connection, %,d connections; bytes allocated per refused prefix, "
        + "%,d connections:", loop.connections, loop.refusals));
    lines.add("");
    lines.add("| what | Parley | anchor | Parley − anchor | Parley ÷ anchor |");
    lines.add("|---|---:|---:|---:|---:|");
    lines.add(row("event loop: heap per idle connection, just accepted", loop.idleBytes, selector.idleBytes));
    lines.add(row("event loop: the same after one request and reply and 2 s of quiet", loop.quietBytes,
        selector.quietBytes));
    lines.add(row("blocking: heap per idle connection, just accepted", blocking.idleBytes, threads.idleBytes));
    lines.add(row("blocking: the same after one request and reply and 2 s of quiet", blocking.quietBytes,
        threads.quietBytes));
    lines.add(row("event loop: allocated for a refused prefix, all server threads", loop.refusedBytes,
        selector.refusedBytes));
    lines.add(row("event loop: the same, the loop's thread alone", loop.refusedLoopBytes, selector.refusedLoopBytes));
    lines.add(row("blocking: allocated for a refused prefix, all server threads", blocking.refusedBytes,
        threads.refusedBytes));
    lines.add("");
    lines.add("Anchors: for the event loop, " + Kind.SELECTOR.label + "; for the blocking server, "
        + Kind.THREADS.label + ".");
    return lines;
  }

  private static String row(String what, double parley, double anchor) {
    return String.format(Locale.ROOT, "| %s | %,.0f B | %,.0f B | %,.0f B | %.2f |", what, parley, anchor,
        parley - anchor, parley / anchor);
  }

  /** Starts the server's JVM, opens the idle connections from this one, and asks for its heap. */
  private static Result measure(Kind kind, int connections, int refusals) throws Exception {
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms1g", "-Xmx1g", "-cp", System.getProperty("java.class.path"), IdleConnectionMemory.class.getName(),
        "--server", kind.name(), String.valueOf(refusals))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    List<Socket> sockets = new ArrayList<>();
    try (BufferedReader answers = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter commands = new PrintWriter(server.getOutputStream(), true, StandardCharsets.US_ASCII)) {
      String[] ready = answer(answers, kind).split(" ");
      int port = Integer.parseInt(ready[0]);
      double refusedBytes = Double.parseDouble(ready[1]);
      double refusedLoopBytes = Double.parseDouble(ready[2]);
      long before = Long.parseLong(ask(commands, answers, kind, "heap"));
      InetAddress loopback = InetAddress.getLoopbackAddress();
      for (int i = 0; i < connections; i++) {
        sockets.add(new Socket(loopback, port));
      }
      ask(commands, answers, kind, "await " + connections);
      long idle = Long.parseLong(ask(commands, answers, kind, "heap"));
      for (Socket socket : sockets) {
        socket.setTcpNoDelay(true);
        socket.getOutputStream().write(REQUEST);
      }
      for (Socket socket : sockets) {
        socket.setSoTimeout(10_000);
        if (socket.getInputStream().readNBytes(REQUEST.length).length != REQUEST.length) {
          throw new IllegalStateException(kind + ": a reply did not come whole");
        }
      }
      Thread.sleep(QUIET_MILLIS);
      long quiet = Long.parseLong(ask(commands, answers, kind, "heap"));
      // Nothing was closed while it was measured.
      ask(commands, answers, kind, "await " + connections);
      for (Socket socket : sockets) {
        socket.close();
      }
      sockets.clear();
      ask(commands, answers, kind, "await 0");
      commands.println("quit");
      if (!server.waitFor(1, TimeUnit.MINUTES) || server.exitValue() != 0) {
        throw new IllegalStateException(kind + ": the server's JVM did not end cleanly");
      }
      return new Result(kind, connections, (double) (idle - before) / connections,
          (double) (quiet - before) / connections, refusals, refusedBytes, refusedLoopBytes);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
      server.destroyForcibly();
    }
  }

  private static String ask(PrintWriter commands, BufferedReader answers, Kind kind, String command) throws IOException {
    commands.println(command);
    return answer(answers, kind);
  }

  private static String answer(BufferedReader answers, Kind kind) throws IOException {
    String line = answers.readLine();
    if (line == null) {
      throw new IllegalStateException(kind + ": the server's JVM ended early");
    }
    return line;
  }

  /**
   * In the server's JVM: measures the refused prefixes, warms the idle path up, prints
   * {@code PORT REFUSED_BYTES LOOP_BYTES}, then answers {@code heap}, {@code await N} and
   * {@code quit} on standard input, one line each.
   */
  private static void serve(Kind kind, int refusals) throws Exception {
    // Commands are answered on standard output and nothing else may go there.
    PrintStream answers = System.out;
    System.setOut(System.err);
    try (EchoServer server = kind.start();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
      double[] refused = refusedPrefix(server, refusals);
      warmUp(server);
      answers.println(server.address().getPort() + " " + refused[0] + " " + refused[1]);
      answers.flush();
      for (String command = commands.readLine(); command != null && !command.equals("quit"); command = commands.readLine()) {
        if (command.equals("heap")) {
          answers.println(settledHeap());
        } else if (command.startsWith("await ")) {
          int count = Integer.parseInt(command.substring("await ".length()));
          awaitConnections(server, count);
          if (count > 0) {
            // A thread-per-connection server starts each connection's thread after counting it;
            // give the last threads time to reach their first read.
            Thread.sleep(1_000);
          }
          answers.println("ok");
        } else {
          throw new IllegalArgumentException("unknown command " + command);
        }
        answers.flush();
      }
    }
  }

  /**
   * Bytes allocated per refused connection, by all threads but this one (the client's) and by the
   * server's loop thread alone (NaN without one); after twice as many connections to warm up.
   */
  private static double[] refusedPrefix(EchoServer server, int refusals) throws Exception {
    for (int i = 0; i < 2 * refusals; i++) {
      refuseOne(server);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long client = Thread.currentThread().getId();
    long loop = server.loopThread().map(Thread::getId).orElse(-1L);
    Map<Long, Long> before = allocatedByThread(threads, client);
    for (int i = 0; i < refusals; i++) {
      refuseOne(server);
    }
    Map<Long, Long> after = allocatedByThread(threads, client);
    long total = 0;
    for (Map.Entry<Long, Long> thread : after.entrySet()) {
      total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
    }
    long ended = before.keySet().stream().filter(id -> !after.containsKey(id)).count();
    if (ended > 0) {
      System.err.println(ended + " threads ended while refused prefixes were measured; their allocations are missing");
    }
    double loopBytes = loop < 0 ? Double.NaN : (double) (after.get(loop) - before.get(loop)) / refusals;
    return new double[] {(double) total / refusals, loopBytes};
  }

  private static Map<Long, Long> allocatedByThread(com.sun.management.ThreadMXBean threads, long except) {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> byThread = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != except && bytes[i] >= 0) {
        byThread.put(ids[i], bytes[i]);
      }
    }
    return byThread;
  }

  /** One connection that sends 0x7FFFFFFF as its length prefix, until the server has closed it. */
  private static void refuseOne(EchoServer server) throws Exception {
    try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(ABSURD);
      try {
        if (socket.getInputStream().read() >= 0) {
          throw new IllegalStateException("the server answered an absurd prefix");
        }
      } catch (SocketException reset) {
        // closed with a reset: refused all the same
      }
    }
    awaitConnections(server, 0);
  }

  /**
   * Opens, serves once and closes connections one after the other, so that what the first ones
   * load is in the heap before it is measured. One at a time, so that a thread-per-connection
   * server keeps one pooled thread from it, not hundreds that idle connections would then reuse.
   */
  private static void warmUp(EchoServer server) throws Exception {
    for (int i = 0; i < WARM_UP_CONNECTIONS; i++) {
      try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(REQUEST);
        if (socket.getInputStream().readNBytes(REQUEST.length).length != REQUEST.length) {
          throw new IllegalStateException("a reply did not come whole");
        }
      }
      awaitConnections(server, 0);
    }
  }

  private static void awaitConnections(EchoServer server, int count) {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (server.connectionCount() != count) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(server.connectionCount() + " connections open, not " + count);
      }
      LockSupport.parkNanos(100_000);
    }
  }

  /**
   * Used heap after full collections, repeated until two in a row agree within 16 KiB (at most
   * twenty): what is reachable, with the garbage of the Cleaner and of closed sockets gone.
   */
  static long settledHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (i >= 2 && Math.abs(used - last) < 16 * 1024) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
