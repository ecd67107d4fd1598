package dev.parley.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that has the deadlines of every {@link RequestClient} looked at: a client is
 * watched from its first timed request in flight until a sweep finds none left, and ticked every
 * {@link #PERIOD_NANOS} meanwhile. The timed requests are on a list of their table's, so that a
 * request with a timeout costs no task, no queue node and no cancellation, and a sweep looks at
 * those in flight alone; a timeout fires at most a period late.
 */
final class RequestTimer {

  static final RequestTimer INSTANCE = new RequestTimer();

  /** How often deadlines are looked at while any client has a timed request. */
  static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Set<RequestClient<?, ?>> watched = ConcurrentHashMap.newKeySet();
  private volatile Thread thread;

  private RequestTimer() {}

  /** From the client's table guard (its lock, or its loop's thread), as {@link #unwatch} is. */
  void watch(RequestClient<?, ?> client) {
    watched.add(client);
    if (thread == null) {
      start();
    }
    LockSupport.unpark(thread); // it may be parked for want of anything to watch
  }

  void unwatch(RequestClient<?, ?> client) {
    watched.remove(client);
  }

  private synchronized void start() {
    if (thread == null) {
      Thread started = new Thread(this::run, "parley-request-timer");
      started.setDaemon(true);
      started.start();
      thread = started;
    }
  }

  private void run() {
    while (true) {
      try {
        for (RequestClient<?, ?> client : watched) {
          tick(client);
        }
      } catch (Throwable e) {
        // Walking the set allocates: when the heap is exhausted that fails, and the thread must
        // outlive it, or no request would time out again.
      }
      if (watched.isEmpty()) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, PERIOD_NANOS);
      }
    }
  }

  private static void tick(RequestClient<?, ?> client) {
    try {
      client.tick();
    } catch (Throwable e) {
      // One client's trouble (a stage of a timed-out future that throws an Error, say) must not
      // stop the watch over the others.
    }
  }
}
