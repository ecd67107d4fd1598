package dev.parley.runtime.nio;

import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.Protocol;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Several {@link EventLoop}s that serve as one, so that a server of many connections can use more
 * than one core: each connection is bound to one loop for its life, and its handler is only ever
 * called on that loop's thread.
 *
 * <p>A listener of the group has one listening socket, accepted on a loop of its own (a thread
 * called <i>name</i>{@code -accept}, started with the first listener, which runs no handler),
 * which hands each accepted connection to the group's loops in turn, skipping any that has stopped
 * or failed. Its {@link ListenOptions} bound the listener across the group: at most
 * {@code maxConnections} of its connections are open at once, on all loops together, and the
 * refusals are counted once ({@link #refusedConnections()}). Clients {@link #connect} on the loop
 * {@link #next()} picks, from the same turn. A loop that fails ({@link EventLoop#failure()}) costs
 * its own connections only: the others, and accepting, go on. The accepting loop runs no user
 * code but the error hook; should it fail all the same (its selector, say), the group's listening
 * sockets close with it, and the next {@link #listen} starts another.
 *
 * <p>Handlers: a listener's factory is called on the accepting thread, one call at a time, as on a
 * single loop; each handler it makes is then called on its connection's loop only. A handler
 * shared by every connection (the {@link Protocol} overloads of {@link #listen}) is called from
 * every loop's thread at once, so it must be safe for that.
 *
 * <p>{@link #close(Duration)} stops accepting, then stops every loop at once, each draining its
 * queued frames for at most the given time.
 */
public final class EventLoopGroup implements Closeable {

  private final String name;
  private final ErrorHook errors;
  private final List<EventLoop> loops;
  /** The turn, shared by listeners and clients: what the loops serve stays even across both. */
  private final AtomicInteger turn = new AtomicInteger();
  /** The loop that accepts for the group's listeners; started with the first. */
  private EventLoop accepting;
  private boolean closed;

  private EventLoopGroup(String name, ErrorHook errors, List<EventLoop> loops) {
    this.name = name;
    this.errors = errors;
    this.loops = loops;
  }

  /** Starts a loop per core ({@link Runtime#availableProcessors()}), reporting to {@link ErrorHook#logging()}. */
  public static EventLoopGroup start(String name) throws IOException {
    return start(name, Runtime.getRuntime().availableProcessors());
  }

  /** Starts {@code loops} loops, reporting to {@link ErrorHook#logging()}. */
  public static EventLoopGroup start(String name, int loops) throws IOException {
    return start(name, loops, ErrorHook.logging());
  }

  /**
   * Starts {@code loops} loops on threads called <i>name</i>{@code -0}, <i>name</i>{@code -1}, ...
   * that report to {@code errors}, rate-limited for the group as a whole.
   *
   * @throws IllegalArgumentException if {@code loops} is not positive
   * @throws IOException if a loop's selector could not be opened (the loops started are stopped)
   */
  public static EventLoopGroup start(String name, int loops, ErrorHook errors) throws IOException {
    Objects.requireNonNull(name, "name");
    if (loops < 1) {
      throw new IllegalArgumentException("loops must be positive: " + loops);
    }
    ErrorHook shared = ErrorHook.rateLimited(Objects.requireNonNull(errors, "errors"), ErrorHook.DEFAULT_REPORTS_PER_SECOND);
    List<EventLoop> started = new ArrayList<>(loops);
    try {
      for (int i = 0; i < loops; i++) {
        started.add(EventLoop.start(name + "-" + i, shared));
      }
    } catch (IOException | RuntimeException e) {
      started.forEach(loop -> loop.close(Duration.ZERO));
      throw e;
    }
    return new EventLoopGroup(name, shared, List.copyOf(started));
  }

  /** The group's loops, in the order {@link #next()} takes them. */
  public List<EventLoop> loops() {
    return loops;
  }

  /** The loop at {@code index}, from 0 to {@link #size()} - 1. */
  public EventLoop loop(int index) {
    return loops.get(index);
  }

  /** How many loops the group has (those that ended included). */
  public int size() {
    return loops.size();
  }

  /**
   * The next loop in turn that still serves, for a client or any work that should stay on one
   * loop: a {@link dev.parley.runtime.RequestClient} connects on it, say.
   *
   * @throws IllegalStateException if every loop has stopped or failed
   */
  public EventLoop next() {
    EventLoop loop = nextServing();
    if (loop == null) {
      throw new IllegalStateException("every loop of group " + name + " has stopped");
    }
    return loop;
  }

  /** The next loop in turn that still serves, or null when none does. */
  private EventLoop nextServing() {
    for (int tries = 0; tries < loops.size(); tries++) {
      EventLoop loop = loops.get(Math.floorMod(turn.getAndIncrement(), loops.size()));
      if (loop.isServing()) {
        return loop;
      }
    }
    return null;
  }

  /** Listens on {@code bind} with the default options; every connection shares {@code handler}, on every loop's thread. */
  public <M> InetSocketAddress listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M, M> handler)
      throws IOException {
    return listen(bind, protocol, handler, ConnectionOptions.defaults());
  }

  /** Listens as {@link #listen(InetSocketAddress, Conversation, Supplier, ConnectionOptions, ListenOptions)} does, with {@link ListenOptions#defaults()}; every connection shares {@code handler}, on every loop's thread. */
  public <M> InetSocketAddress listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M, M> handler,
      ConnectionOptions options) throws IOException {
    return listen(bind, protocol, handler, options, ListenOptions.defaults());
  }

  /** Listens as {@link #listen(InetSocketAddress, Conversation, Supplier, ConnectionOptions, ListenOptions)} does; every connection shares {@code handler}, on every loop's thread. */
  public <M> InetSocketAddress listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M, M> handler,
      ConnectionOptions options, ListenOptions limits) throws IOException {
    Objects.requireNonNull(handler, "handler");
    return listen(bind, Conversation.of(protocol), () -> handler, options, limits);
  }

  /**
   * Listens on {@code bind} (port 0 for any free port) as
   * {@link EventLoop#listen(InetSocketAddress, Conversation, Supplier, ConnectionOptions, ListenOptions)}
   * does, but serves each accepted connection on the group's loops in turn; {@code limits} bound
   * the listener across the group.
   *
   * @return the address listened on, with its actual port
   */
  public <I, O> InetSocketAddress listen(InetSocketAddress bind, Conversation<I, O> conversation,
      Supplier<? extends Handler<I, O>> handlers, ConnectionOptions options, ListenOptions limits)
      throws IOException {
    return accepting().listen(bind, conversation, handlers, options, limits, this::nextServing);
  }

  /** Connects on the loop {@link #next()} picks, as {@link EventLoop#connect(InetSocketAddress, Protocol, Handler, ConnectionOptions)} does. */
  public <M> NioConnection<M, M> connect(InetSocketAddress address, Protocol<M> protocol, Handler<M, M> handler,
      ConnectionOptions options) throws IOException {
    return next().connect(address, protocol, handler, options);
  }

  /** Connects on the loop {@link #next()} picks, as {@link EventLoop#connect(InetSocketAddress, Conversation, Handler, ConnectionOptions)} does. */
  public <I, O> NioConnection<I, O> connect(InetSocketAddress address, Conversation<I, O> conversation,
      Handler<I, O> handler, ConnectionOptions options) throws IOException {
    return next().connect(address, conversation, handler, options);
  }

  /** Connections open now on all loops; each loop's part is exact when read on its thread. */
  public int connectionCount() {
    return loops.stream().mapToInt(EventLoop::connectionCount).sum();
  }

  /** Connections the group's listeners accepted and closed at once because they were at their limits, so far. */
  public long refusedConnections() {
    EventLoop accepting = acceptingLoop();
    return accepting == null ? 0 : accepting.refusedConnections();
  }

  private synchronized EventLoop acceptingLoop() {
    return accepting;
  }

  /** The loop that accepts for the group, started now for the first listener (or the first since it failed). */
  private synchronized EventLoop accepting() throws IOException {
    if (closed) {
      throw new IOException("event loop group " + name + " is closed");
    }
    if (accepting == null || !accepting.isServing()) {
      accepting = EventLoop.start(name + "-accept", errors);
      for (EventLoop loop : loops) {
        loop.accepting = accepting;
      }
    }
    return accepting;
  }

  /** Stops gracefully, letting queued frames drain for up to one second. */
  @Override
  public void close() {
    close(Duration.ofSeconds(1));
  }

  /**
   * Stops accepting on every listener, then stops every loop at once: each lets its queued frames
   * drain for at most {@code drain} and closes its connections ({@code STOPPED}); returns when all
   * have ended, or at once when called on one of the group's threads (they end soon after).
   * Idempotent.
   */
  public void close(Duration drain) {
    Objects.requireNonNull(drain, "drain");
    EventLoop accepting;
    synchronized (this) {
      closed = true;
      accepting = this.accepting;
    }
    if (accepting != null) {
      accepting.close(drain); // it holds no connection: it ends within a round
    }
    boolean onOwnThread = loops.stream().anyMatch(EventLoop::inLoop);
    Queue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
    List<Thread> stoppers = new ArrayList<>(loops.size());
    for (EventLoop loop : loops) {
      Thread stopper = new Thread(() -> {
        try {
          loop.close(drain);
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }, name + "-stop");
      stopper.setDaemon(true);
      stopper.start();
      stoppers.add(stopper);
    }
    if (onOwnThread) {
      return; // waiting here would keep this loop from draining
    }
    try {
      for (Thread stopper : stoppers) {
        stopper.join(); // each loop's close has its own bound
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!failures.isEmpty()) {
      IllegalStateException failure = new IllegalStateException(failures.size() + " loops of group " + name + " did not stop");
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }
}
