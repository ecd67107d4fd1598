package dev.parley.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
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
    // In one read from offset 0: Linux answers a read of a /proc/sys number at a later offset with
    // nothing, and Files.readString first reads one byte of a file whose size is 0, so it saw "4"
    // of "4096" (a backlog of 4, and connects that waited a second for SYN retransmits).
    try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/core/somaxconn"))) {
      int somaxconn = Integer.parseInt(new String(in.readNBytes(32), StandardCharsets.US_ASCII).trim());
      return somaxconn > 0 ? somaxconn : 128;
    } catch (IOException | NumberFormatException | SecurityException e) {
      return 128;
    }
  }
}
