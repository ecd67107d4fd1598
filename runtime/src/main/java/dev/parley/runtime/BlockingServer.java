package dev.parley.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A thread-per-connection server: one thread accepts, and each connection runs its handler on the
 * {@link Executor} the caller chooses (a fixed pool, a cached pool, or virtual threads on Java 21
 * and later). A connection is served either by a {@link Session}, code that owns the connection's
 * thread and may block ({@code receive}, then {@code send}, in any order), or by a {@link Handler},
 * the event loop's kind, one per connection, whose methods the thread calls as frames arrive: a
 * handler moves between this server and the event loop unchanged. A session's or handler's
 * exception closes its own connection only. {@link #close()} stops
 * accepting, closes every connection (unblocking their handlers) and waits for the accepting
 * thread; an executor the caller gave stays the caller's to shut down.
 *
 * <p>Bounds: each connection has a frame deadline and a write timeout (30 s by default, see
 * {@link BlockingConnection}) and an idle timeout, each read's (none by default), as
 * {@link ConnectionOptions} say; the listener has a connection limit and a backlog
 * ({@link ListenOptions}). Accept failures (such as EMFILE, too many open
 * files) and {@link Error}s while accepting pause the accepting thread with a growing, bounded
 * pause and are reported once per episode; the server accepts again by itself. Everything the
 * server drops goes to its {@link ErrorHook}, rate-limited.
 *
 * @param <I> the messages the server receives
 * @param <O> the messages it sends
 */
public final class BlockingServer<I, O> implements Closeable {

  /** What a server does with each connection, on the connection's own thread. */
  @FunctionalInterface
  public interface Session<I, O> {
    /** Serves one connection; it is closed when this returns or throws. */
    void serve(BlockingConnection<I, O> connection) throws IOException;
  }

  /** The first pause after an accept failed; it doubles while accepting keeps failing. */
  static final long FIRST_ACCEPT_PAUSE_MILLIS = 50;

  /** The longest pause between attempts to accept while accepting fails. */
  static final long MAX_ACCEPT_PAUSE_MILLIS = 1_000;

  private final ServerSocket serverSocket;
  private final Builder<I, O> settings;
  private final Executor executor;
  private final ExecutorService ownExecutor;
  private final ErrorHook errors;
  private final Set<BlockingConnection<?, ?>> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final AtomicLong refused = new AtomicLong();
  private final Object pauseLock = new Object();
  /** The listening address, kept: asking a closed or failing socket allocates, or fails. */
  private final InetSocketAddress address;
  private volatile boolean closed;

  private BlockingServer(ServerSocket serverSocket, Builder<I, O> settings) {
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
   * A server of {@code protocol} whose connections each run {@code session} on a thread; set what
   * differs from the defaults, then {@link Builder#listen}.
   */
  public static <M> Builder<M, M> builder(Protocol<M> protocol, Session<M, M> session) {
    return builder(Conversation.of(protocol), session);
  }

  /** A server that receives and sends as {@code conversation} says, each connection running {@code session}. */
  public static <I, O> Builder<I, O> builder(Conversation<I, O> conversation, Session<I, O> session) {
    return new Builder<>(Objects.requireNonNull(conversation, "conversation"), Objects.requireNonNull(session, "session"));
  }

  /**
   * A server whose connections each get a handler from {@code handlers}, called on the
   * connection's thread as {@link dev.parley.runtime.nio.EventLoop#listen} calls it on the loop's.
   */
  public static <I, O> Builder<I, O> builder(Conversation<I, O> conversation,
      Supplier<? extends Handler<I, O>> handlers) {
    Objects.requireNonNull(handlers, "handlers");
    return builder(conversation, HandlerSession.of(handlers));
  }

  /**
   * Listens on {@code bind} (port 0 for any free port) with the default options: each connection
   * runs {@code handler} (one for all) on a thread of its own.
   */
  public static <M> BlockingServer<M, M> listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M, M> handler)
      throws IOException {
    Objects.requireNonNull(handler, "handler");
    return builder(Conversation.of(protocol), () -> handler).listen(bind);
  }

  /**
   * Listens on {@code bind} as {@link dev.parley.runtime.nio.EventLoop#listen(InetSocketAddress,
   * Conversation, Supplier, ConnectionOptions, ListenOptions)} does, with a thread per connection.
   */
  public static <I, O> BlockingServer<I, O> listen(InetSocketAddress bind, Conversation<I, O> conversation,
      Supplier<? extends Handler<I, O>> handlers, ConnectionOptions options, ListenOptions limits)
      throws IOException {
    return builder(conversation, handlers).options(options).limits(limits).listen(bind);
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
    BlockingConnection<I, O> connection = BlockingConnection.accepted(socket, settings.conversation,
        settings.options);
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

  private void run(BlockingConnection<I, O> connection, SocketAddress peer) {
    try {
      // TLS on this thread, under the frame deadline: a slow handshake holds no other connection.
      Optional<Tls> tls = settings.options.tls();
      if (tls.isPresent() && settings.session instanceof HandlerSession.Sessions<I, O> handlers) {
        handlers.serve(connection, tls.get());
      } else {
        if (tls.isPresent()) {
          connection.startTls(tls.get());
        }
        settings.session.serve(connection);
      }
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
    for (BlockingConnection<?, ?> connection : connections) {
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
  public static final class Builder<I, O> {
    private final Conversation<I, O> conversation;
    private final Session<I, O> session;
    private Executor executor;
    private ConnectionOptions options = ConnectionOptions.defaults();
    private ListenOptions limits = ListenOptions.defaults();
    private ErrorHook errors = ErrorHook.logging();

    private Builder(Conversation<I, O> conversation, Session<I, O> session) {
      this.conversation = conversation;
      this.session = session;
    }

    /** Where the connections are served; by default a cached pool of daemon threads the server shuts down. */
    public Builder<I, O> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Each connection's timeouts, as on the event loop: the idle timeout bounds each read (none by
     * default), a frame must arrive whole within the frame timeout of its first byte and a
     * connection's first frame within it of the accept (30 s), and a peer that takes no bytes of a
     * reply for the write timeout is closed (30 s). {@link ConnectionOptions#defaults()} by default.
     */
    public Builder<I, O> options(ConnectionOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The listener's connection limit and backlog; {@link ListenOptions#defaults()} by default. */
    public Builder<I, O> limits(ListenOptions limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Where the server reports what it drops; {@link ErrorHook#logging()} by default. */
    public Builder<I, O> errorHook(ErrorHook hook) {
      this.errors = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /** Binds to {@code bind} (port 0 for any free port) and starts accepting. */
    public BlockingServer<I, O> listen(InetSocketAddress bind) throws IOException {
      ServerSocket serverSocket = new ServerSocket();
      try {
        serverSocket.setReuseAddress(true);
        serverSocket.bind(bind, limits.backlog());
      } catch (IOException e) {
        serverSocket.close();
        throw e;
      }
      BlockingServer<I, O> server = new BlockingServer<>(serverSocket, copy());
      server.acceptor.start();
      return server;
    }

    /** The settings as they are now, for a server that later changes to this builder do not touch. */
    private Builder<I, O> copy() {
      Builder<I, O> copy = new Builder<>(conversation, session);
      copy.executor = executor;
      copy.options = options;
      copy.limits = limits;
      copy.errors = errors;
      return copy;
    }
  }
}
