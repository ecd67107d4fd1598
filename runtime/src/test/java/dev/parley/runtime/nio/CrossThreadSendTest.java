package dev.parley.runtime.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Loopback;
import dev.parley.runtime.RawProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sends from threads other than the loop's, which go through the connection's outbox, and tasks
 * queued while the loop goes to sleep, which must wake it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossThreadSendTest {

  private static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 16);
  private static final long WAIT_SECONDS = 10;

  private final BlockingQueue<Throwable> reported = new LinkedBlockingQueue<>();
  private EventLoop loop;
  private ServerSocket server;

  @BeforeEach
  void start() throws IOException {
    loop = EventLoop.start("parley-cross-thread", (where, error) -> reported.add(error));
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    loop.close(Duration.ofSeconds(1));
  }

  /** Connects a loop connection to the test's server; returns it with the server's blocking end. */
  private record Pair(NioConnection<Bytes, Bytes> loopSide, BlockingConnection<Bytes, Bytes> peer) {}

  private Pair connect(Handler<Bytes, Bytes> handler) throws IOException {
    return connect(handler, ConnectionOptions.defaults());
  }

  private Pair connect(Handler<Bytes, Bytes> handler, ConnectionOptions options) throws IOException {
    NioConnection<Bytes, Bytes> loopSide = loop.connect((InetSocketAddress) server.getLocalSocketAddress(), PROTOCOL,
        handler, options);
    Socket accepted = server.accept();
    return new Pair(loopSide, BlockingConnection.over(accepted, PROTOCOL));
  }

  private static Handler<Bytes, Bytes> quiet() {
    return (connection, message) -> {};
  }

  private static String string(Bytes bytes) {
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void aProducerThatStopsWhenTheConnectionIsNotWritableHearsOnWritableBelowTheLowMark() throws Exception {
    java.util.concurrent.Semaphore writable = new java.util.concurrent.Semaphore(0);
    List<Integer> pendingWhenWritable = new java.util.concurrent.CopyOnWriteArrayList<>();
    Pair pair = connect(new Handler<>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {}

      @Override
      public void onWritable(Connection<Bytes, Bytes> connection) {
        pendingWhenWritable.add(connection.pendingBytes());
        writable.release();
      }
    }, ConnectionOptions.defaults().withWaterMarks(64 << 10, 256 << 10));
    pair.peer().setReadTimeout(Duration.ofSeconds(WAIT_SECONDS));
    Bytes frame = Bytes.of(new byte[4096]);
    int sent = 0;
    int read = 0;
    for (int stops = 0; stops < 3; stops++) {
      // Send until not writable with the high mark reached and held. A look at isWritable() can
      // also come while the loop holds a batch it has just taken from the outbox, which it then
      // writes to a socket with room: the count that said "not writable" has gone down by the
      // next look, and onWritable may come for that moment. Only the socket's being full holds it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        assertTrue(System.nanoTime() - deadline < 0, "the queue reached the high mark and stayed");
        if (pair.loopSide().isWritable()) {
          assertTrue(pair.loopSide().send(frame));
          sent++;
        } else if (pair.loopSide().pendingBytes() >= 256 << 10) {
          break;
        } else {
          Thread.onSpinWait();
        }
      }
      // The peer reads nothing yet, so nothing leaves, and no onWritable can come until it reads.
      writable.drainPermits();
      pendingWhenWritable.clear();
      boolean heard = false;
      while (!heard && read < sent) {
        assertEquals(4096, pair.peer().receive().orElseThrow().size()); // the peer reads a frame at a time
        read++;
        heard = writable.tryAcquire();
      }
      // The loop may write the last frames a moment before it tells the handler.
      assertTrue(heard || writable.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS), "onWritable came");
      assertTrue(pendingWhenWritable.get(0) < 64 << 10, "below the low mark: " + pendingWhenWritable);
    }
    assertTrue(reported.isEmpty(), reported.toString());
  }

  @Test
  void sendsFromManyThreadsAllArriveEachThreadsInItsOrder() throws Exception {
    int threads = 8;
    int each = 5_000;
    Pair pair = connect(quiet());
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    try (BlockingConnection<Bytes, Bytes> peer = pair.peer()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> sent = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        sent.add(senders.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) {
            assertTrue(pair.loopSide().send(Loopback.text(thread + ":" + i)));
          }
          return null;
        }));
      }
      go.countDown();
      int[] next = new int[threads];
      for (int n = 0; n < threads * each; n++) {
        Optional<Bytes> message = peer.receive();
        assertTrue(message.isPresent(), "frame " + n + " arrived");
        String[] parts = string(message.get()).split(":");
        int thread = Integer.parseInt(parts[0]);
        assertEquals(next[thread]++, Integer.parseInt(parts[1]), "thread " + thread + "'s frames in its order");
      }
      for (Future<?> future : sent) {
        future.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } finally {
      senders.shutdownNow();
    }
  }

  @Test
  void pendingBytesCountsWhatAnotherThreadSentBeforeTheLoopTakesIt() throws Exception {
    Pair pair = connect(quiet());
    try (BlockingConnection<Bytes, Bytes> peer = pair.peer()) {
      Loopback.waitFor(() -> pair.loopSide().remoteAddress().isPresent());
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      loop.execute(() -> {
        busy.countDown();
        try {
          release.await(WAIT_SECONDS, TimeUnit.SECONDS); // the loop takes nothing meanwhile
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertTrue(busy.await(WAIT_SECONDS, TimeUnit.SECONDS));
      for (int i = 0; i < 10; i++) {
        pair.loopSide().send(Bytes.of(new byte[96]));
      }
      assertEquals(10 * 100, pair.loopSide().pendingBytes(), "ten frames of a 4-byte prefix and 96 bytes wait");
      release.countDown();
      for (int i = 0; i < 10; i++) {
        assertEquals(96, peer.receive().orElseThrow().size());
      }
      Loopback.waitFor(() -> pair.loopSide().pendingBytes() == 0);
    }
  }

  @Test
  void threadsThatSendWhileWritableKeepTheQueueWithinTheHighMarkAndAFrameEach() throws Exception {
    // The peer reads nothing: the kernel's buffers fill, then the queue. Each thread sends while
    // isWritable() is true; whatever the loop was doing when a thread looked (flushing, taking
    // the outbox), the count it saw must have included every byte queued or in the outbox.
    int threads = 3;
    int high = 64 << 10;
    Bytes frame = Bytes.of(new byte[1000]);
    int frameBytes = 4 + 1000;
    Pair pair = connect(quiet(), ConnectionOptions.defaults().withWaterMarks(16 << 10, high));
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    try (BlockingConnection<Bytes, Bytes> unread = pair.peer()) {
      List<Future<Integer>> most = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        most.add(senders.submit(() -> {
          int seen = 0;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
          for (int full = 0; full < 20 && System.nanoTime() - deadline < 0; ) {
            if (pair.loopSide().isWritable()) {
              assertTrue(pair.loopSide().send(frame));
              continue;
            }
            full++;
            CompletableFuture<Integer> exact = new CompletableFuture<>();
            loop.execute(() -> exact.complete(pair.loopSide().pendingBytes()));
            seen = Math.max(seen, exact.get(WAIT_SECONDS, TimeUnit.SECONDS));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
          return seen;
        }));
      }
      int seen = 0;
      for (Future<Integer> future : most) {
        seen = Math.max(seen, future.get(2 * WAIT_SECONDS, TimeUnit.SECONDS));
      }
      assertTrue(seen >= high, "the queue reached the high mark: " + seen);
      assertTrue(seen <= high + threads * frameBytes, "at most a frame each past the high mark: " + seen);
      assertTrue(unread.isOpen(), "the peer read nothing and is still there");
    } finally {
      senders.shutdownNow();
    }
    assertTrue(reported.isEmpty(), reported.toString());
  }

  @Test
  void closeWhenSentFromAThreadSendsWhatThatThreadSentFirst() throws Exception {
    Pair pair = connect(quiet());
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (BlockingConnection<Bytes, Bytes> peer = pair.peer()) {
      // Another thread sends meanwhile, so that the outbox is often not empty when this one sends.
      Future<?> noise = other.submit(() -> {
        while (pair.loopSide().send(Loopback.text("noise"))) {
          Thread.onSpinWait();
        }
      });
      for (int i = 0; i < 1_000; i++) {
        pair.loopSide().send(Loopback.text("mine " + i));
      }
      pair.loopSide().closeWhenSent();
      int mine = 0;
      for (Optional<Bytes> message = peer.receive(); message.isPresent(); message = peer.receive()) {
        String text = string(message.get());
        if (!text.equals("noise")) {
          assertEquals("mine " + mine++, text);
        }
      }
      assertEquals(1_000, mine, "every frame sent before closeWhenSent arrived before the end");
      noise.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aMessageFromAnotherThreadThatDoesNotEncodeIsReportedAndTheOthersGoOn() throws Exception {
    Pair pair = connect(quiet());
    try (BlockingConnection<Bytes, Bytes> peer = pair.peer()) {
      pair.loopSide().send(Loopback.text("before"));
      pair.loopSide().send(Bytes.of(new byte[(1 << 16) + 1])); // above the protocol's maximum frame
      pair.loopSide().send(Loopback.text("after"));
      assertEquals("before", string(peer.receive().orElseThrow()));
      assertEquals("after", string(peer.receive().orElseThrow()));
      Throwable problem = reported.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertTrue(problem instanceof IllegalArgumentException, "reported: " + problem);
    }
  }

  @Test
  void aTaskQueuedAsTheLoopGoesToSleepWakesIt() throws Exception {
    // With no connection the loop sleeps until woken: a lost wakeup would leave a task waiting for ever.
    for (int i = 0; i < 20_000; i++) {
      CountDownLatch ran = new CountDownLatch(1);
      loop.execute(ran::countDown);
      assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS), "task " + i + " ran");
    }
  }

  @Test
  void tasksFromTwoThreadsAtOnceAllRun() throws Exception {
    int each = 20_000;
    CountDownLatch ran = new CountDownLatch(2 * each);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int t = 0; t < 2; t++) {
        threads.submit(() -> {
          for (int i = 0; i < each; i++) {
            loop.execute(ran::countDown);
            if (i % 64 == 0) {
              Thread.yield(); // let the loop fall asleep now and then
            }
          }
        });
      }
      assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS), ran.getCount() + " tasks did not run");
    } finally {
      threads.shutdownNow();
    }
  }
}
