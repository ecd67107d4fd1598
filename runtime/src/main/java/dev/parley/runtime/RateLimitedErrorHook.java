package dev.parley.runtime;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/** An {@link ErrorHook} behind a one-second window of at most so many reports. */
final class RateLimitedErrorHook implements ErrorHook {

  private static final long WINDOW = TimeUnit.SECONDS.toNanos(1);

  private final ErrorHook hook;
  private final int perSecond;
  private long windowStart = System.nanoTime();
  private int inWindow;
  private long suppressed;

  RateLimitedErrorHook(ErrorHook hook, int perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be positive: " + perSecond);
    }
    this.hook = java.util.Objects.requireNonNull(hook, "hook");
    this.perSecond = perSecond;
  }

  @Override
  public void onError(SocketAddress where, Throwable error) {
    long dropped;
    synchronized (this) {
      long now = System.nanoTime();
      if (now - windowStart >= WINDOW) {
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= perSecond) {
        suppressed++;
        return;
      }
      inWindow++;
      dropped = suppressed;
      suppressed = 0;
    }
    if (dropped > 0) {
      pass(null, new Suppressed(dropped));
    }
    pass(where, error);
  }

  private void pass(SocketAddress where, Throwable error) {
    try {
      hook.onError(where, error);
    } catch (Throwable e) {
      // A hook's own failure has nowhere to go, an OutOfMemoryError building its message included;
      // the runtime goes on.
    }
  }
}
