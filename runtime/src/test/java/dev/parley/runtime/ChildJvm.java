package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@link ChildServer} running in a JVM of its own, seen from the test: its port, the lines it
 * printed, and what Linux's {@code /proc} says about it (CPU time, open file descriptors).
 * {@link #close()} ends it, forcibly, within a bound.
 */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final int port;

  private ChildJvm(Process process) throws InterruptedException {
    this.process = process;
    BlockingQueue<String> ports = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
          if (line.startsWith("PORT ")) {
            ports.add(line.substring(5));
          } else if (line.startsWith("THREADS ")) {
            answers.add(line);
          }
        }
      } catch (IOException e) {
        // the child is gone
      }
    }, "child-jvm-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    String port = ports.poll(30, TimeUnit.SECONDS);
    if (port == null) {
      process.destroyForcibly();
    }
    assertNotNull(port, () -> "the child printed no port within 30 s; it printed " + lines);
    this.port = Integer.parseInt(port);
  }

  /**
   * Starts {@code ChildServer transport mode} with heap {@code maxHeap} (such as "48m", and any
   * further JVM options after it) under a
   * file-descriptor limit of {@code maxFiles} (soft and hard, so the JVM cannot raise it), or the
   * inherited limit when {@code maxFiles} is 0; waits for its port.
   */
  static ChildJvm start(String transport, String mode, String maxHeap, int maxFiles) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = quote(java) + " -Xmx" + maxHeap + " -cp " + quote(System.getProperty("java.class.path")) + " "
        + ChildServer.class.getName() + " " + transport + " " + mode;
    String script = maxFiles > 0 ? "ulimit -n " + maxFiles + " && exec " + command : "exec " + command;
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    return new ChildJvm(builder.start());
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Every line the child printed so far, stderr included. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines the child printed that start with {@code prefix}. */
  List<String> lines(String prefix) {
    List<String> found = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        found.add(line);
      }
    }
    return found;
  }

  /** The names of the child's live threads, asked for and answered within ten seconds. */
  String threads() throws IOException, InterruptedException {
    OutputStream in = process.getOutputStream();
    in.write("threads\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    String answer = answers.poll(10, TimeUnit.SECONDS);
    assertNotNull(answer, "the child did not list its threads within 10 s");
    return answer.substring("THREADS ".length());
  }

  /** The file descriptors the child has open now. */
  long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CPU time the child has used so far, user and system, in clock ticks ({@link #clockTicksPerSecond}). */
  long cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      // The command name in parentheses may hold spaces; the fields after it start at the 3rd.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code getconf CLK_TCK}: the unit of {@link #cpuTicks()}, 100 on usual Linux systems. */
  static long clockTicksPerSecond() throws IOException, InterruptedException {
    Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
    try {
      assertTrue(getconf.waitFor(10, TimeUnit.SECONDS), "getconf did not answer within 10 s");
      return Long.parseLong(new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
    } finally {
      getconf.destroyForcibly();
    }
  }

  /** Ends the child: its stdin first, then forcibly; waits at most ten seconds. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // it may be gone already
    }
    process.destroyForcibly();
    try {
      assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the child did not end within 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
