package dev.parley.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Limits of one listening socket, for {@link BlockingServer} and the event loop alike.
 *
 * @param maxConnections the most connections from this listener open at once; one more is accepted
 *     and closed at once, counted, and reported once per episode to the error hook. By default
 *     10,000, or three quarters of the process's file-descriptor limit when that is lower, so that
 *     the limit is met before the kernel's (EMFILE)
 * @param backlog the listen backlog: connections the kernel completes before they are accepted.
 *     By default the system's maximum ({@code /proc/sys/net/core/somaxconn}, else 128), as Netty
 *     does; the kernel caps it at that maximum in any case
 */
public record ListenOptions(int maxConnections, int backlog) {

  public ListenOptions {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be positive: " + backlog);
    }
  }

  /** The defaults described on the record's components. */
  public static ListenOptions defaults() {
    return new ListenOptions(defaultMaxConnections(), defaultBacklog());
  }

  public ListenOptions withMaxConnections(int connections) {
    return new ListenOptions(connections, backlog);
  }

  public ListenOptions withBacklog(int connections) {
    return new ListenOptions(maxConnections, connections);
  }

  private static int defaultMaxConnections() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long fds = unix.getMaxFileDescriptorCount();
      if (fds > 0) {
        return (int) Math.max(1, Math.min(10_000, fds * 3 / 4));
      }
    }
    return 10_000;
  }

  private static int defaultBacklog() {
    // Read as a stream: /proc files report a size of 0, which whole-file reads can trip over.
    try (java.io.BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/core/somaxconn"))) {
      String line = in.readLine();
      int somaxconn = line == null ? 0 : Integer.parseInt(line.trim());
      return somaxconn > 0 ? somaxconn : 128;
    } catch (IOException | NumberFormatException | SecurityException e) {
      return 128;
    }
  }
}
