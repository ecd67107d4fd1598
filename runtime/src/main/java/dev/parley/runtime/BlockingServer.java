package dev.parley.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A thread-per-connection server: one thread accepts, and each connection runs its handler on the
 * {@link Executor} the caller chooses (a fixed pool, a cached pool, or virtual threads on Java 21
 * and later). A handler's exception closes its own connection only. {@link #close()} stops
 * accepting, closes every connection (unblocking their handlers) and waits for the accepting
 * thread; an executor the caller gave stays the caller's to shut down.
 *
 * <p>Bounds: each connection has a frame deadline and a write timeout (30 s by default, see
 * {@link BlockingConnection}) and a read timeout (none by default); the listener has a connection
 * limit and a backlog ({@link ListenOptions}). Accept failures (such as EMFILE, too many open
 * files) and {@link Error}s while accepting pause the accepting thread with a growing, bounded
 * pause and are reported once per episode; the server accepts again by itself. Everything the
 * server drops goes to its {@link ErrorHook}, rate-limited.
 *
 * @param <M> the protocol's messages
 */
public final class BlockingServer<M> implements Closeable {

  /** What a server does with each connection. */
  @FunctionalInterface
  public interface Handler<M> {
    /** Serves one connection; it is closed when this returns or throws. */
    void handle(BlockingConnection<M> connection) throws IOException;
  }

  /** The first pause after an accept failed; it doubles while accepting keeps failing. */
  static final long FIRST_ACCEPT_PAUSE_MILLIS = 50;

  /** The longest pause between attempts to accept while accepting fails. */
  static final long MAX_ACCEPT_PAUSE_MILLIS = 1_000;

  private final ServerSocket serverSocket;
  private final Builder<M> settings;
  private final Executor executor;
  private final ExecutorService ownExecutor;
  private final ErrorHook errors;
  private final Set<BlockingConnection<M>> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final AtomicLong refused = new AtomicLong();
  private final Object pauseLock = new Object();
  /** The listening address, kept: asking a closed or failing socket allocates, or fails. */
  private final InetSocketAddress address;
  private volatile boolean closed;

  private BlockingServer(ServerSocket serverSocket, Builder<M> settings) {
    this.serverSocket = serverSocket;
    this.address = (InetSocketAddress) serverSocket.getLocalSocketAddress();
    this.settings = settings;
    if (settings.executor == null) {
      AtomicInteger threads = new AtomicInteger();
      this.ownExecutor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "parley-connection-" + serverSocket.getLocalPort() + "-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
      this.executor = ownExecutor;
    } else {
      this.ownExecutor = null;
      this.executor = settings.executor;
    }
    this.errors = ErrorHook.rateLimited(settings.errors, ErrorHook.DEFAULT_REPORTS_PER_SECOND);
    this.acceptor = new Thread(this::acceptLoop, "parley-accept-" + serverSocket.getLocalPort());
    this.acceptor.setDaemon(true);
  }

  /**
   * A server of {@code protocol} whose connections run {@code handler}; set what differs from the
   * defaults, then {@link Builder#start}.
   */
  public static <M> Builder<M> builder(Protocol<M> protocol, Handler<M> handler) {
    return new Builder<>(Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Starts a server on {@code bind} (port 0 for any free port), with the default limits.
   *
   * @param readTimeout the read timeout of each connection; {@link Duration#ZERO} for none
   * @param onError told of each connection that ended with an error (a protocol error, a reset,
   *     a handler's exception) and of what the server dropped, rate-limited; it must not block
   */
  public static <M> BlockingServer<M> start(InetSocketAddress bind, Protocol<M> protocol, Executor executor,
      Duration readTimeout, BiConsumer<SocketAddress, Throwable> onError, Handler<M> handler) throws IOException {
    Objects.requireNonNull(onError, "onError");
    return builder(protocol, handler).executor(executor).readTimeout(readTimeout).errorHook(onError::accept)
        .start(bind);
  }

  /** The address the server listens on, with its actual port. */
  public InetSocketAddress address() {
    return address;
  }

  /** Connections open now. */
  public int connectionCount() {
    return connections.size();
  }

  /** Connections accepted and closed at once because the server was at its limit, so far. */
  public long refusedConnections() {
    return refused.get();
  }

  private void acceptLoop() {
    long pause = FIRST_ACCEPT_PAUSE_MILLIS;
    boolean failing = false;
    boolean refusing = false;
    while (!closed) {
      Socket socket = null;
      try {
        socket = serverSocket.accept();
        pause = FIRST_ACCEPT_PAUSE_MILLIS;
        failing = false;
        if (connections.size() >= settings.limits.maxConnections()) {
          refuse(socket, !refusing);
          refusing = true;
          continue;
        }
        refusing = false;
        serve(socket);
      } catch (Throwable e) {
        if (closed) {
          return;
        }
        // Nothing here may end the accepting thread, not even running out of memory while reporting.
        try {
          if (socket != null) {
            closeQuietly(socket); // this connection only
          }
          if (!failing || e instanceof Error) {
            errors.onError(address, e instanceof Error
                ? e
                : new IOException("accepting failed (" + e + "); pausing for up to " + MAX_ACCEPT_PAUSE_MILLIS
                    + " ms at a time until it works again", e));
          }
        } catch (Throwable again) {
          // the pause below still happens
        }
        failing = true;
        pause(pause);
        pause = Math.min(MAX_ACCEPT_PAUSE_MILLIS, 2 * pause);
      }
    }
  }

  private void refuse(Socket socket, boolean firstOfEpisode) {
    refused.incrementAndGet();
    try {
      socket.setSoLinger(true, 0); // a reset: the peer learns at once
    } catch (IOException e) {
      // closed below all the same
    }
    closeQuietly(socket);
    if (firstOfEpisode) {
      errors.onError(address, new IOException("connection limit of " + settings.limits.maxConnections()
          + " reached: closing new connections at once until one closes"));
    }
  }

  /** Waits {@code millis} unless the server closes first. */
  private void pause(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (pauseLock) {
      for (long left = millis; !closed && left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
        try {
          pauseLock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void serve(Socket socket) throws IOException {
    BlockingConnection<M> connection = BlockingConnection.accepted(socket, settings.protocol, settings.readTimeout,
        settings.frameTimeout, settings.writeTimeout);
    connections.add(connection);
    if (closed) {
      connections.remove(connection);
      closeQuietly(connection);
      return;
    }
    SocketAddress peer = socket.getRemoteSocketAddress();
    try {
      executor.execute(() -> run(connection, peer));
    } catch (RuntimeException | Error e) {
      connections.remove(connection);
      closeQuietly(connection);
      if (e instanceof Error) {
        throw e; // no thread for it, such as "unable to create native thread": back off
      }
      errors.onError(peer, e);
    }
  }

  private void run(BlockingConnection<M> connection, SocketAddress peer) {
    try {
      settings.handler.handle(connection);
    } catch (Throwable e) {
      if (!closed) {
        errors.onError(peer, e);
      }
    } finally {
      connections.remove(connection);
      closeQuietly(connection);
    }
  }

  /** Stops accepting, closes every connection, and waits up to 5 s for the accepting thread. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (pauseLock) {
      pauseLock.notifyAll();
    }
    serverSocket.close();
    for (BlockingConnection<M> connection : connections) {
      closeQuietly(connection);
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownExecutor != null) {
      ownExecutor.shutdown();
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Closing a broken socket can fail; it is closed all the same.
    }
  }

  /** The settings of a server to start; each has a default a public server can live with. */
  public static final class Builder<M> {
    private final Protocol<M> protocol;
    private final Handler<M> handler;
    private Executor executor;
    private Duration readTimeout = Duration.ZERO;
    private Duration frameTimeout = BlockingConnection.DEFAULT_TIMEOUT;
    private Duration writeTimeout = BlockingConnection.DEFAULT_TIMEOUT;
    private ListenOptions limits = ListenOptions.defaults();
    private ErrorHook errors = ErrorHook.logging();

    private Builder(Protocol<M> protocol, Handler<M> handler) {
      this.protocol = protocol;
      this.handler = handler;
    }

    /** Where the handlers run; by default a cached pool of daemon threads the server shuts down. */
    public Builder<M> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Each read of a connection waits at most this long; {@link Duration#ZERO}, the default, for ever. */
    public Builder<M> readTimeout(Duration timeout) {
      this.readTimeout = nonNegative(timeout, "readTimeout");
      return this;
    }

    /**
     * A frame must arrive whole within this time of its first byte, and a connection's first frame
     * within it of the accept; 30 s by default, {@link Duration#ZERO} for none.
     */
    public Builder<M> frameTimeout(Duration timeout) {
      this.frameTimeout = nonNegative(timeout, "frameTimeout");
      return this;
    }

    /** A peer that takes no bytes of a reply for this long is closed; 30 s by default, zero for none. */
    public Builder<M> writeTimeout(Duration timeout) {
      this.writeTimeout = nonNegative(timeout, "writeTimeout");
      return this;
    }

    /** The listener's connection limit and backlog; {@link ListenOptions#defaults()} by default. */
    public Builder<M> limits(ListenOptions limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Where the server reports what it drops; {@link ErrorHook#logging()} by default. */
    public Builder<M> errorHook(ErrorHook hook) {
      this.errors = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /** Binds to {@code bind} (port 0 for any free port) and starts accepting. */
    public BlockingServer<M> start(InetSocketAddress bind) throws IOException {
      ServerSocket serverSocket = new ServerSocket();
      try {
        serverSocket.setReuseAddress(true);
        serverSocket.bind(bind, limits.backlog());
      } catch (IOException e) {
        serverSocket.close();
        throw e;
      }
      BlockingServer<M> server = new BlockingServer<>(serverSocket, copy());
      server.acceptor.start();
      return server;
    }

    /** The settings as they are now, for a server that later changes to this builder do not touch. */
    private Builder<M> copy() {
      Builder<M> copy = new Builder<>(protocol, handler);
      copy.executor = executor;
      copy.readTimeout = readTimeout;
      copy.frameTimeout = frameTimeout;
      copy.writeTimeout = writeTimeout;
      copy.limits = limits;
      copy.errors = errors;
      return copy;
    }

    private static Duration nonNegative(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(name + " is negative: " + timeout);
      }
      return timeout;
    }
  }
}
