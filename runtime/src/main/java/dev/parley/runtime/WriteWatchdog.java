package dev.parley.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that closes blocking connections whose current write has made no progress for
 * their write timeout. Blocking socket writes have no timeout of their own; a connection stamps
 * the start of each bounded chunk it writes, and this thread looks at the stamps a few times a
 * second, so a write costs two volatile stores and nothing else.
 */
final class WriteWatchdog {

  static final WriteWatchdog INSTANCE = new WriteWatchdog();

  /** How often the stamps are looked at while any connection is watched. */
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private final Set<BlockingConnection<?>> watched = ConcurrentHashMap.newKeySet();
  private Thread thread;

  private WriteWatchdog() {}

  void watch(BlockingConnection<?> connection) {
    watched.add(connection);
    Thread started;
    synchronized (this) {
      if (thread == null) {
        thread = new Thread(this::run, "parley-write-watchdog");
        thread.setDaemon(true);
        thread.start();
      }
      started = thread;
    }
    LockSupport.unpark(started);
  }

  void unwatch(BlockingConnection<?> connection) {
    watched.remove(connection);
  }

  private void run() {
    while (true) {
      if (watched.isEmpty()) {
        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
        continue;
      }
      long now = System.nanoTime();
      for (BlockingConnection<?> connection : watched) {
        try {
          connection.checkWrite(now);
        } catch (Throwable e) {
          // One connection's trouble must not stop the watch over the others.
        }
      }
      LockSupport.parkNanos(this, PERIOD_NANOS);
    }
  }
}
