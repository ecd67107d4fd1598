package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both transports pushed to the limits of a whole JVM, a child one started for the purpose: its
 * file descriptors (a low {@code ulimit -n}, so accepting fails with EMFILE) and its heap (a small
 * {@code -Xmx}). Linux only: the child's CPU time and open files are read from {@code /proc}, and
 * its limit is set by bash's {@code ulimit}. Each test prints what it measured.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ChildJvmServerTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  /** The child's file-descriptor limit in the EMFILE test. */
  static final int MAX_FILES = 128;

  /** Clients opened against that limit: well past it, so that many wait unaccepted in the backlog. */
  static final int CLIENTS_PAST_LIMIT = 300;

  /** How long the clients are held while the child's CPU time is measured. */
  static final Duration CPU_WINDOW = Duration.ofSeconds(3);

  /** Before the accept back-off, a listener at EMFILE spun at 73–99% of a core. */
  static final double MAX_CPU_PERCENT = 30;

  /** Once per episode, not per attempt; a little slack for an episode that ends and starts again. */
  static final int MAX_ACCEPT_REPORTS = 3;

  /** The child's heap in the heap test, and what the hoarding clients send into it. */
  static final String SMALL_HEAP = "48m";
  static final int HOARDING_CLIENTS = 4;
  static final int FRAME_BYTES = 256 * 1024;
  /** 50 MiB a client: more than the whole heap, so that every hoarding connection must hit the limit. */
  static final int FRAMES_PER_CLIENT = 200;

  /** Open descriptors the child may have above its baseline once every client has gone. */
  static final int FD_SLACK = 2;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"blocking", "nio"})
  void acceptingAtTheFileLimitPausesReportsOnceAndResumesByItself(String transport) throws Exception {
    long ticksPerSecond = ChildJvm.clockTicksPerSecond();
    List<Socket> clients = new ArrayList<>();
    try (ChildJvm child = ChildJvm.start(transport, "echo", "64m", MAX_FILES)) {
      assertEchoes(child.address(), "before");
      int refused = 0;
      for (int i = 0; i < CLIENTS_PAST_LIMIT; i++) {
        Socket client = new Socket();
        clients.add(client);
        try {
          client.connect(child.address(), 2_000); // the kernel completes it from the backlog
        } catch (IOException e) {
          refused++;
        }
      }
      // The child is at its limit once its descriptors stop growing just short of it.
      Loopback.waitFor(() -> child.openFiles() >= MAX_FILES - 2);
      long peakFiles = child.openFiles();

      long ticksBefore = child.cpuTicks();
      long start = System.nanoTime();
      TimeUnit.MILLISECONDS.sleep(CPU_WINDOW.toMillis()); // the window measured: time must pass
      long ticks = child.cpuTicks() - ticksBefore;
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuPercent = 100.0 * ticks / ticksPerSecond / seconds;
      List<String> acceptReports = acceptFailureReports(child);

      for (Socket client : clients) {
        client.close();
      }
      long released = System.nanoTime();
      assertEchoes(child.address(), "after");
      long resumedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);

      System.out.printf("EMFILE %s: %d clients (%d refused), child fds %d (limit %d); child CPU %.1f%% of a core"
          + " over %.1f s (%d ticks at %d/s); %d accept-failure report(s); a fresh client echoed %d ms after the"
          + " clients closed%n", transport, CLIENTS_PAST_LIMIT, refused, peakFiles, MAX_FILES, cpuPercent, seconds,
          ticks, ticksPerSecond, acceptReports.size(), resumedMillis);
      acceptReports.forEach(r -> System.out.println("  " + r));

      assertTrue(child.isAlive(), "the child is alive");
      assertTrue(cpuPercent < MAX_CPU_PERCENT, "the listener at EMFILE used " + cpuPercent + "% of a core");
      assertTrue(!acceptReports.isEmpty(), () -> "accepting failed, and was reported: " + child.lines());
      assertTrue(acceptReports.size() <= MAX_ACCEPT_REPORTS, "accept failures are reported once per episode, not "
          + acceptReports.size() + " times");
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"blocking, G1", "blocking, Serial", "nio, G1", "nio, Serial"})
  void heapExhaustionCostsOnlyTheConnectionsItHitAndLeaksNoSocket(String transport, String collector) throws Exception {
    heapExhaustion(transport, collector);
  }

  private void heapExhaustion(String transport, String collector) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(HOARDING_CLIENTS);
    List<Socket> clients = new ArrayList<>();
    try (ChildJvm child = ChildJvm.start(transport, "hoard", SMALL_HEAP + " -XX:+Use" + collector + "GC", 0)) {
      long baselineFiles = child.openFiles();
      assertEchoes(child.address(), "before");

      List<Future<Integer>> hoarders = new ArrayList<>();
      for (int c = 0; c < HOARDING_CLIENTS; c++) {
        Socket client = new Socket();
        clients.add(client);
        hoarders.add(pool.submit(() -> framesSentBeforeCut(client, child.address())));
      }
      long peakFiles = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<Integer> sentBeforeCut = new ArrayList<>();
      for (Future<Integer> hoarder : hoarders) {
        while (!hoarder.isDone()) {
          peakFiles = Math.max(peakFiles, child.openFiles());
          assertTrue(System.nanoTime() < deadline, "the hoarding clients were not all cut off within 30 s");
          try {
            hoarder.get(50, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            // sample again
          }
        }
        sentBeforeCut.add(hoarder.get());
      }
      for (Socket client : clients) {
        client.close();
      }
      long cut = System.nanoTime();
      assertTrue(child.isAlive(), () -> "the child survived its heap's exhaustion: " + child.lines());
      assertEchoes(child.address(), "after");
      long resumedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
      Loopback.waitFor(() -> child.openFiles() <= baselineFiles + FD_SLACK);
      long finalFiles = child.openFiles();
      String threads = child.threads();

      List<String> memoryReports = child.lines("REPORT java.lang.OutOfMemoryError");
      List<String> errorCloses = child.lines("CLOSED ");
      System.out.printf("heap %s %s (-Xmx%s): %d clients of %d x %d KiB frames cut off after %s frames; %d"
          + " OutOfMemoryError report(s), %d report(s) in all; child fds %d before, %d at most, %d after; a fresh"
          + " client echoed %d ms after the clients closed%n", transport, collector, SMALL_HEAP, HOARDING_CLIENTS,
          FRAMES_PER_CLIENT, FRAME_BYTES / 1024, sentBeforeCut, memoryReports.size(), child.lines("REPORT ").size(),
          baselineFiles, peakFiles, finalFiles, resumedMillis);
      memoryReports.forEach(r -> System.out.println("  " + r));
      errorCloses.forEach(r -> System.out.println("  " + r));

      assertTrue(!memoryReports.isEmpty(), () -> "the heap ran out, and that was reported: " + child.lines());
      for (int sent : sentBeforeCut) {
        assertTrue(sent >= 0, "every hoarding connection was cut off (-1: one was not): " + sentBeforeCut);
      }
      if (transport.equals("blocking")) {
        assertTrue(threads.contains("parley-write-watchdog"), "the write watchdog outlived the heap's exhaustion: "
            + threads);
      } else {
        assertTrue(threads.contains("child-loop"), "the event loop outlived the heap's exhaustion: " + threads);
      }
      assertTrue(child.isAlive(), "the child is alive");
    } finally {
      for (Socket client : clients) {
        client.close();
      }
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "no client thread is left running");
    }
  }

  /** The reports of the child that say accepting failed. */
  private static List<String> acceptFailureReports(ChildJvm child) {
    List<String> found = new ArrayList<>();
    for (String report : child.lines("REPORT ")) {
      if (report.contains("accepting failed") || report.contains("Too many open files")) {
        found.add(report);
      }
    }
    return found;
  }

  /** A new client's frame comes back, within {@link #WAIT}. */
  private static void assertEchoes(InetSocketAddress server, String text) throws IOException {
    try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(server, ChildServer.PROTOCOL, WAIT)) {
      client.setReadTimeout(WAIT);
      client.send(Loopback.text(text));
      assertEquals(Optional.of(Loopback.text(text)), client.receive());
    }
  }

  /**
   * Sends {@link #FRAMES_PER_CLIENT} frames of {@link #FRAME_BYTES} that the server keeps, until the
   * server cuts the connection off (a write fails, or the stream ends or resets), waiting at most
   * {@link #WAIT} for the cut after the last frame.
   *
   * @return the frames written before the cut was seen, or -1 if the server kept them all
   */
  private static int framesSentBeforeCut(Socket client, InetSocketAddress server) throws IOException {
    client.connect(server, (int) WAIT.toMillis());
    client.setSoTimeout((int) WAIT.toMillis());
    byte[] frame = new byte[4 + FRAME_BYTES];
    ByteBuffer.wrap(frame).putInt(FRAME_BYTES);
    frame[4] = 1;
    OutputStream out = client.getOutputStream();
    int sent = 0;
    try {
      for (; sent < FRAMES_PER_CLIENT; sent++) {
        out.write(frame);
      }
    } catch (IOException e) {
      return sent; // reset or broken pipe: cut off
    }
    InputStream in = client.getInputStream();
    try {
      while (in.read() >= 0) {
        // the server sends nothing back for large frames; it only closes
      }
      return sent; // the stream ended after the last frame was written: cut off all the same
    } catch (SocketTimeoutException e) {
      return -1; // still open: the server kept all of it
    } catch (IOException e) {
      return sent;
    }
  }
}
