package dev.parley.runtime;

import java.net.SocketAddress;

/**
 * The one place where a server or an event loop reports what it dropped, refused or could not do:
 * a connection that ended with an error, a connection refused past the limit, an episode of
 * failing accepts (once, not per attempt), a task or a handler callback that threw, an
 * {@link Error} while serving. Reports are rate-limited (see {@link #rateLimited}); a hook that
 * throws is ignored. A hook must not block: it runs on the thread that found the problem.
 */
@FunctionalInterface
public interface ErrorHook {

  /** The most reports a second the runtime passes to a hook; the rest are counted. */
  int DEFAULT_REPORTS_PER_SECOND = 20;

  /**
   * @param where the peer's address, the listener's for accept problems, or null when the problem
   *     is the server's or the loop's as a whole
   * @param error what happened; its message says what was dropped
   */
  void onError(SocketAddress where, Throwable error);

  /** Reports through {@link System.Logger} {@code dev.parley.runtime} at level WARNING. */
  static ErrorHook logging() {
    System.Logger logger = System.getLogger("dev.parley.runtime");
    return (where, error) -> logger.log(System.Logger.Level.WARNING,
        (where == null ? "" : where + ": ") + error, error);
  }

  /**
   * {@code hook}, passed at most {@code perSecond} reports in any second; past that they are
   * counted, and the next report let through is preceded by a {@link Suppressed} with the count.
   * Safe to call from several threads; exceptions from {@code hook} are swallowed.
   */
  static ErrorHook rateLimited(ErrorHook hook, int perSecond) {
    return hook instanceof RateLimitedErrorHook limited ? limited : new RateLimitedErrorHook(hook, perSecond);
  }

  /** The count of reports a rate-limited hook did not pass on. */
  final class Suppressed extends Exception {
    private static final long serialVersionUID = 1L;

    private final long count;

    public Suppressed(long count) {
      super(count + " more error" + (count == 1 ? " was" : "s were") + " not reported (rate limit)", null, false, false);
      this.count = count;
    }

    /** How many reports were dropped. */
    public long count() {
      return count;
    }
  }
}
