package dev.parley.runtime.nio;

import dev.parley.runtime.Protocol;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A single thread with a {@link Selector} that serves many connections: it accepts, reads,
 * decodes, dispatches to each connection's {@link Handler}, and writes queued frames as the peers
 * take them (asking for {@code OP_WRITE} only while bytes wait). A connection that misbehaves
 * (oversized or malformed frame, reset, idle past its timeout, too slow to read its replies) is
 * closed alone, with a reason its handler sees; the others carry on.
 *
 * <p>{@link #close(Duration)} stops gracefully: it stops accepting, lets queued frames drain for at
 * most the given time, closes every connection ({@link CloseReason#STOPPED}) and the selector, and
 * waits for the thread to end.
 */
public final class EventLoop implements Closeable {

  /** How often idle timeouts are checked, at the finest. */
  private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Set<NioConnection<?>> connections = new LinkedHashSet<>();
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final ArrayDeque<NioConnection<?>> toFlush = new ArrayDeque<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean stopping;
  private long drainDeadline;
  private long lastIdleCheck;
  /** Connections with an idle timeout: while there are none, the loop sleeps until woken. */
  private int idleTimed;

  private EventLoop(String name) throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /** Starts an event loop on a new thread called {@code name}. */
  public static EventLoop start(String name) throws IOException {
    EventLoop loop = new EventLoop(name);
    loop.thread.start();
    return loop;
  }

  /**
   * Listens on {@code bind} (port 0 for any free port); each accepted connection gets
   * {@code handler} and {@code options}.
   *
   * @return the address listened on, with its actual port
   */
  public <M> InetSocketAddress listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M> handler,
      ConnectionOptions options) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(bind);
      server.configureBlocking(false);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    call(() -> {
      listeners.add(server);
      server.register(selector, SelectionKey.OP_ACCEPT, new Acceptor<>(server, protocol, handler, options));
      return null;
    });
    return (InetSocketAddress) server.getLocalAddress();
  }

  /**
   * Connects to {@code address}. The connection is returned at once; messages sent before it is
   * established wait in its queue. {@link Handler#onOpen} says when it is up, {@link Handler#onClose}
   * with {@link CloseReason#IO_ERROR} when it could not be made.
   */
  public <M> NioConnection<M> connect(InetSocketAddress address, Protocol<M> protocol, Handler<M> handler,
      ConnectionOptions options) throws IOException {
    SocketChannel channel = SocketChannel.open();
    NioConnection<M> connection;
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      connection = new NioConnection<>(this, channel, protocol, handler, options);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    execute(() -> {
      remember(connection);
      try {
        if (channel.connect(address)) {
          connection.opened(channel.register(selector, SelectionKey.OP_READ, connection));
        } else {
          channel.register(selector, SelectionKey.OP_CONNECT, connection);
        }
      } catch (IOException e) {
        connection.close(CloseReason.IO_ERROR, e);
      }
    });
    return connection;
  }

  /** Runs {@code task} on the loop's thread, soon. */
  public void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Connections open now; exact when read on the loop's thread. */
  public int connectionCount() {
    return connections.size();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  void flushLater(NioConnection<?> connection) {
    toFlush.add(connection);
  }

  void remember(NioConnection<?> connection) {
    connections.add(connection);
    if (!connection.options().idleTimeout().isZero()) {
      idleTimed++;
    }
  }

  void forget(NioConnection<?> connection) {
    if (connections.remove(connection) && !connection.options().idleTimeout().isZero()) {
      idleTimed--;
    }
  }

  /** Runs {@code action} on the loop and waits for it, rethrowing what it threw. */
  private <T> T call(java.util.concurrent.Callable<T> action) throws IOException {
    if (inLoop()) {
      try {
        return action.call();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    execute(() -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the event loop did not answer within 30 s", e);
    }
  }

  // ---- The loop -------------------------------------------------------------------------------

  private void run() {
    try {
      while (true) {
        long timeout = stopping ? 10 : hasIdleTimeouts() ? 20 : 0;
        if (tasks.isEmpty()) {
          selector.select(timeout);
        } else {
          selector.selectNow(); // tasks wait: look at the sockets without sleeping
        }
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key);
        }
        selector.selectedKeys().clear();
        runTasks();
        flushAll();
        checkIdle();
        if (stopping && (System.nanoTime() - drainDeadline > 0 || nothingPending())) {
          break;
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      // The selector failed: nothing more can be served. Close everything below.
    } finally {
      for (NioConnection<?> connection : new ArrayList<>(connections)) {
        connection.close(CloseReason.STOPPED, null);
      }
      closeListeners();
      try {
        selector.close();
      } catch (IOException e) {
        // closed all the same
      }
      stopped.complete(null);
    }
  }

  private void handle(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    Object attachment = key.attachment();
    if (attachment instanceof Acceptor<?> acceptor) {
      acceptor.accept();
      return;
    }
    NioConnection<?> connection = (NioConnection<?>) attachment;
    if (key.isConnectable()) {
      try {
        connection.channel().finishConnect();
        connection.opened(key);
      } catch (IOException e) {
        connection.close(CloseReason.IO_ERROR, e);
      }
      return;
    }
    if (key.isValid() && key.isWritable()) {
      connection.flush();
    }
    if (key.isValid() && key.isReadable()) {
      connection.readable();
    }
  }

  /** Runs the tasks queued before this round; tasks they queue wait for the next, after a select. */
  private void runTasks() {
    for (int n = tasks.size(); n > 0; n--) {
      Runnable task = tasks.poll();
      if (task == null) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        // A task's failure is its own; the loop and its other connections go on.
      }
    }
  }

  /** Sends what handlers queued during this round: replies to one read leave together. */
  private void flushAll() {
    for (NioConnection<?> connection = toFlush.poll(); connection != null; connection = toFlush.poll()) {
      connection.flush();
    }
  }

  private boolean hasIdleTimeouts() {
    return idleTimed > 0;
  }

  private void checkIdle() {
    long now = System.nanoTime();
    if (now - lastIdleCheck < IDLE_CHECK_NANOS) {
      return;
    }
    lastIdleCheck = now;
    for (NioConnection<?> connection : new ArrayList<>(connections)) {
      Duration idle = connection.options().idleTimeout();
      if (!idle.isZero() && connection.idleLongerThan(idle.toNanos(), now)) {
        connection.close(CloseReason.IDLE_TIMEOUT,
            new IOException("nothing received for more than " + idle.toMillis() + " ms"));
      }
    }
  }

  private boolean nothingPending() {
    for (NioConnection<?> connection : connections) {
      if (connection.hasPending()) {
        return false;
      }
    }
    return true;
  }

  private void closeListeners() {
    for (ServerSocketChannel server : listeners) {
      try {
        server.close();
      } catch (IOException e) {
        // closed all the same
      }
    }
    listeners.clear();
  }

  /** Stops gracefully, letting queued frames drain for up to one second. */
  @Override
  public void close() {
    close(Duration.ofSeconds(1));
  }

  /**
   * Stops accepting, lets queued frames drain for at most {@code drain}, closes every connection
   * and the selector, and waits for the loop's thread to end. Idempotent.
   */
  public void close(Duration drain) {
    Runnable stop = () -> {
      if (!stopping) {
        stopping = true;
        drainDeadline = System.nanoTime() + drain.toNanos();
        closeListeners();
      }
    };
    if (inLoop()) {
      stop.run(); // the loop ends after the current round; nothing to wait for here
      return;
    }
    execute(stop);
    try {
      stopped.get(drain.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the event loop did not stop", e);
    }
  }

  /** Accepts connections for one listening socket. */
  private final class Acceptor<M> {
    private final ServerSocketChannel server;
    private final Protocol<M> protocol;
    private final Handler<M> handler;
    private final ConnectionOptions options;

    Acceptor(ServerSocketChannel server, Protocol<M> protocol, Handler<M> handler, ConnectionOptions options) {
      this.server = server;
      this.protocol = protocol;
      this.handler = handler;
      this.options = options;
    }

    void accept() {
      while (!stopping) {
        SocketChannel channel;
        try {
          channel = server.accept();
        } catch (IOException e) {
          return; // the listener failed or closed; connections already accepted go on
        }
        if (channel == null) {
          return;
        }
        try {
          channel.configureBlocking(false);
          channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
          NioConnection<M> connection = new NioConnection<>(EventLoop.this, channel, protocol, handler, options);
          remember(connection);
          connection.opened(channel.register(selector, SelectionKey.OP_READ, connection));
        } catch (IOException e) {
          try {
            channel.close();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
    }
  }
}
