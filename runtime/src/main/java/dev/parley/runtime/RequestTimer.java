package dev.parley.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that times out the requests of every {@link RequestClient}: a client with
 * requests that have a timeout is watched, and this thread looks at their deadlines every
 * {@link #PERIOD_NANOS}. Scheduling a task per request would cost each request a heap insertion
 * and a cancellation; a sweep costs it a queue node, and a timeout fires at most a period late.
 */
final class RequestTimer {

  static final RequestTimer INSTANCE = new RequestTimer();

  /** How often deadlines are looked at while any client has a timed request. */
  static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Set<RequestClient<?, ?>> watched = ConcurrentHashMap.newKeySet();
  private volatile Thread thread;

  private RequestTimer() {}

  void watch(RequestClient<?, ?> client) {
    watched.add(client);
    if (thread == null) {
      start();
    }
    LockSupport.unpark(thread); // it may be parked for want of anything to watch
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
        look(System.nanoTime());
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

  private void look(long now) {
    for (RequestClient<?, ?> client : watched) {
      try {
        if (!client.expire(now)) {
          // Nothing timed is left. Removed first, then the flag cleared, then a last look: a
          // request added meanwhile either saw the flag set (and this look sees the request) or
          // saw it clear and watches its client again itself.
          watched.remove(client);
          client.timerWatching = false;
          if (client.hasTimed()) {
            client.timerWatching = true;
            watched.add(client);
          }
        }
      } catch (Throwable e) {
        // One client's trouble must not stop the watch over the others.
      }
    }
  }
}
