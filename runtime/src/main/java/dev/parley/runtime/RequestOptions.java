package dev.parley.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of a {@link RequestClient}: how many requests may wait for their replies at once, how
 * long each may wait, and what a call past the bound does.
 *
 * @param maxInFlight the most requests waiting for a reply at once, between 1 and
 *     {@link #MAX_IN_FLIGHT}; a request whose timeout passed still counts until its reply comes
 *     or the connection ends (its reply must still be matched); 1024 by default
 * @param timeout how long a request waits for its reply (and for a slot, under
 *     {@link Overflow#WAIT}) before its future fails with a
 *     {@link java.util.concurrent.TimeoutException}; zero for no limit, the default. A call may
 *     give its own.
 * @param overflow what a call does when {@code maxInFlight} requests wait: {@link Overflow#WAIT}
 *     by default
 */
public record RequestOptions(int maxInFlight, Duration timeout, Overflow overflow) {

  /** The default bound on requests in flight. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;

  /** The largest bound on requests in flight that may be set. */
  public static final int MAX_IN_FLIGHT = 1 << 20;

  /** What a call does when the bound on requests in flight is reached. */
  public enum Overflow {
    /**
     * Waits until a reply frees a slot, within the request's timeout. On the thread that receives
     * the replies (the event loop's, or a blocking client's reader) waiting could never end, so a
     * call there fails as {@link #FAIL} says.
     */
    WAIT,
    /** Fails the call's future at once with a {@link java.util.concurrent.RejectedExecutionException}. */
    FAIL
  }

  public RequestOptions {
    if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
      throw new IllegalArgumentException("maxInFlight must be between 1 and " + MAX_IN_FLIGHT + ": " + maxInFlight);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout is negative: " + timeout);
    }
    Objects.requireNonNull(overflow, "overflow");
  }

  /** 1024 requests in flight at most, no timeout, a call past the bound waits. */
  public static RequestOptions defaults() {
    return new RequestOptions(DEFAULT_MAX_IN_FLIGHT, Duration.ZERO, Overflow.WAIT);
  }

  public RequestOptions withMaxInFlight(int requests) {
    return new RequestOptions(requests, timeout, overflow);
  }

  public RequestOptions withTimeout(Duration timeout) {
    return new RequestOptions(maxInFlight, timeout, overflow);
  }

  public RequestOptions withOverflow(Overflow overflow) {
    return new RequestOptions(maxInFlight, timeout, overflow);
  }
}
