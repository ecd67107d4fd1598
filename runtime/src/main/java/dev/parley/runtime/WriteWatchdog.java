package dev.parley.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that closes blocking connections whose current write has made no progress for
 * their write timeout. Blocking socket writes have no timeout of their own; a connection is
 * watched only while it writes, stamps the start of each bounded chunk, and this thread looks at
 * the stamps a few times a second.
 */
final class WriteWatchdog {

  static final WriteWatchdog INSTANCE = new WriteWatchdog();

  /** How often the stamps are looked at while any connection is watched. */
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private final Set<BlockingConnection<?, ?>> watched = ConcurrentHashMap.newKeySet();
  private volatile Thread thread;

  private WriteWatchdog() {}

  void watch(BlockingConnection<?, ?> connection) {
    watched.add(connection);
    if (thread == null) {
      start();
    }
  }

  private synchronized void start() {
    if (thread == null) {
      Thread started = new Thread(this::run, "parley-write-watchdog");
      started.setDaemon(true);
      started.start();
      thread = started;
    }
  }

  void unwatch(BlockingConnection<?, ?> connection) {
    watched.remove(connection);
  }

  private void run() {
    while (true) {
      // No wake-up from writers (it would cost each write a system call): the thread looks a
      // few times a second, whether or not anything is watched.
      try {
        look(System.nanoTime());
      } catch (Throwable e) {
        // Even walking the set allocates an iterator: when the heap is exhausted that fails, and
        // the thread must outlive it, or no blocked write is ever cut off again.
      }
      LockSupport.parkNanos(this, PERIOD_NANOS);
    }
  }

  private void look(long now) {
    for (BlockingConnection<?, ?> connection : watched) {
      try {
        connection.checkWrite(now);
      } catch (Throwable e) {
        // One connection's trouble must not stop the watch over the others.
      }
    }
  }
}
