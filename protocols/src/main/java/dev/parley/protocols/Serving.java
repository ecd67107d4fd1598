package dev.parley.protocols;

import java.util.concurrent.CountDownLatch;

/** How each server of the jar runs: until SIGTERM (or Ctrl-C), which stops it cleanly. */
public final class Serving {

  private Serving() {}

  /**
   * Waits until the JVM is asked to exit, then runs {@code stop} (closing the server, letting
   * queued replies leave) on a shutdown hook called {@code name}-stop; the JVM then exits with the
   * signal's status.
   *
   * @return 0, the command's exit code, should the wait ever end otherwise
   */
  public static int untilTerminated(String name, Runnable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.run();
      } finally {
        stopped.countDown();
      }
    }, name + "-stop"));
    stopped.await();
    return 0;
  }
}
