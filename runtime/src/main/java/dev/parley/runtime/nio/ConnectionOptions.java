package dev.parley.runtime.nio;

import dev.parley.runtime.FrameWriter;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits for the connections of a listener or of one connect.
 *
 * @param idleTimeout close a connection that received nothing for this long; zero for never
 * @param maxPendingBytes the most bytes queued for a peer; a send past it closes the connection
 *     with {@link CloseReason#SLOW_PEER}
 */
public record ConnectionOptions(Duration idleTimeout, int maxPendingBytes) {

  public ConnectionOptions {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout is negative: " + idleTimeout);
    }
    if (maxPendingBytes < 1) {
      throw new IllegalArgumentException("maxPendingBytes must be positive: " + maxPendingBytes);
    }
  }

  /** No idle timeout; 4 MiB of queued bytes per connection. */
  public static ConnectionOptions defaults() {
    return new ConnectionOptions(Duration.ZERO, FrameWriter.DEFAULT_MAX_PENDING);
  }

  public ConnectionOptions withIdleTimeout(Duration timeout) {
    return new ConnectionOptions(timeout, maxPendingBytes);
  }

  public ConnectionOptions withMaxPendingBytes(int bytes) {
    return new ConnectionOptions(idleTimeout, bytes);
  }
}
