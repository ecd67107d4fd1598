package dev.parley.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Limits for the connections of a listener or of one connect, on either transport. Every limit a
 * peer can push against has a default that a public server can live with; the README's "Limits
 * and timeouts" table lists them with what happens past each. On threads ({@link BlockingServer},
 * {@link BlockingConnection#apply}) the idle timeout is each read's timeout and the queue bounds do
 * not apply: a thread's write blocks until the peer takes it, within the write timeout.
 *
 * @param idleTimeout close a connection that received nothing for this long
 *     ({@link CloseReason#IDLE_TIMEOUT}); zero for never, the default
 * @param frameTimeout once the first byte of a frame has arrived, the whole frame must arrive
 *     within this time, and an accepted connection's first frame within it from the accept
 *     ({@link CloseReason#FRAME_TIMEOUT}); zero for never; 30 s by default
 * @param writeTimeout close a connection whose peer takes no byte of what is queued for it for this
 *     long ({@link CloseReason#WRITE_TIMEOUT}); zero for never; 30 s by default
 * @param maxPendingBytes (event loop) the hard bound on bytes queued for a peer: a send past it closes the
 *     connection with {@link CloseReason#SLOW_PEER}; 4 MiB by default
 * @param highWaterMark (event loop) when this many bytes are queued, the connection stops reading and handing
 *     over frames (they wait in the socket and in its read buffer); 1 MiB by default
 * @param lowWaterMark (event loop) it takes up again once fewer than this many are queued; 256 KiB by default,
 *     at least 1
 * @param tls TLS from the first byte, the handshake under the frame deadline; empty for plaintext, the
 *     default
 */
public record ConnectionOptions(Duration idleTimeout, Duration frameTimeout, Duration writeTimeout,
    int maxPendingBytes, int highWaterMark, int lowWaterMark, Optional<Tls> tls) {

  /** The default frame deadline and write timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The default high-water mark of the queue: 1 MiB. */
  public static final int DEFAULT_HIGH_WATER_MARK = 1 << 20;

  /** The default low-water mark of the queue: 256 KiB. */
  public static final int DEFAULT_LOW_WATER_MARK = 256 << 10;

  /** Options without TLS. */
  public ConnectionOptions(Duration idleTimeout, Duration frameTimeout, Duration writeTimeout, int maxPendingBytes,
      int highWaterMark, int lowWaterMark) {
    this(idleTimeout, frameTimeout, writeTimeout, maxPendingBytes, highWaterMark, lowWaterMark, Optional.empty());
  }

  public ConnectionOptions {
    Objects.requireNonNull(tls, "tls");
    nonNegative(idleTimeout, "idleTimeout");
    nonNegative(frameTimeout, "frameTimeout");
    nonNegative(writeTimeout, "writeTimeout");
    if (maxPendingBytes < 1) {
      throw new IllegalArgumentException("maxPendingBytes must be positive: " + maxPendingBytes);
    }
    if (lowWaterMark < 1 || lowWaterMark > highWaterMark || highWaterMark > maxPendingBytes) {
      throw new IllegalArgumentException("need 1 <= lowWaterMark <= highWaterMark <= maxPendingBytes, not "
          + lowWaterMark + ", " + highWaterMark + ", " + maxPendingBytes);
    }
  }

  private static void nonNegative(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(name + " is negative: " + timeout);
    }
  }

  /**
   * No idle timeout; a 30 s frame deadline and write timeout; 4 MiB of queued bytes at most per
   * connection; reading pauses at 1 MiB queued and resumes below 256 KiB.
   */
  public static ConnectionOptions defaults() {
    return new ConnectionOptions(Duration.ZERO, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, FrameWriter.DEFAULT_MAX_PENDING,
        DEFAULT_HIGH_WATER_MARK, DEFAULT_LOW_WATER_MARK);
  }

  public ConnectionOptions withIdleTimeout(Duration timeout) {
    return new ConnectionOptions(timeout, frameTimeout, writeTimeout, maxPendingBytes, highWaterMark, lowWaterMark, tls);
  }

  public ConnectionOptions withFrameTimeout(Duration timeout) {
    return new ConnectionOptions(idleTimeout, timeout, writeTimeout, maxPendingBytes, highWaterMark, lowWaterMark, tls);
  }

  public ConnectionOptions withWriteTimeout(Duration timeout) {
    return new ConnectionOptions(idleTimeout, frameTimeout, timeout, maxPendingBytes, highWaterMark, lowWaterMark, tls);
  }

  /**
   * The hard bound on queued bytes. Water marks above half of it come down with it: the high mark
   * to half the bound (room for the replies to the frames handed over before reading paused), the
   * low mark to at most a quarter of the new high mark.
   */
  public ConnectionOptions withMaxPendingBytes(int bytes) {
    if (2L * highWaterMark <= bytes) {
      return new ConnectionOptions(idleTimeout, frameTimeout, writeTimeout, bytes, highWaterMark, lowWaterMark, tls);
    }
    int high = Math.max(1, bytes / 2);
    return new ConnectionOptions(idleTimeout, frameTimeout, writeTimeout, bytes, high,
        Math.max(1, Math.min(lowWaterMark, high / 4)), tls);
  }

  /** Reading pauses when {@code high} bytes are queued and resumes below {@code low}. */
  public ConnectionOptions withWaterMarks(int low, int high) {
    return new ConnectionOptions(idleTimeout, frameTimeout, writeTimeout, maxPendingBytes, high, low, tls);
  }

  /** Connections that speak TLS from their first byte, as {@code settings} says (a client's, or a server's). */
  public ConnectionOptions withTls(Tls settings) {
    return new ConnectionOptions(idleTimeout, frameTimeout, writeTimeout, maxPendingBytes, highWaterMark, lowWaterMark,
        Optional.of(settings));
  }

  /** Connections in plaintext. */
  public ConnectionOptions withoutTls() {
    return new ConnectionOptions(idleTimeout, frameTimeout, writeTimeout, maxPendingBytes, highWaterMark, lowWaterMark,
        Optional.empty());
  }
}
