package dev.parley.runtime.nio;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.internal.DirectBuffers;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A single thread with a {@link Selector} that serves many connections: it accepts, reads,
 * decodes, dispatches to each connection's {@link Handler}, and writes queued frames as the peers
 * take them (asking for {@code OP_WRITE} only while bytes wait). A connection that misbehaves
 * (oversized or malformed frame, reset, idle or too slow past its deadlines, not reading its
 * replies) is closed alone, with a reason its handler sees; the others carry on.
 *
 * <p>Every call into user code (handlers, tasks) is isolated: what it throws closes that
 * connection, or is reported, and the loop goes on. An {@link Error} such as
 * {@link OutOfMemoryError} while serving or accepting one connection closes that connection and
 * pauses accepting for a while. Accept failures (such as EMFILE, too many open files) pause the
 * listener with a growing, bounded pause and are reported once per episode. Reports go to the
 * loop's {@link ErrorHook}, rate-limited. If the loop itself must end, it closes every socket
 * first, tells the hook, and {@link #failure()} says why.
 *
 * <p>{@link #close(Duration)} stops gracefully: it stops accepting, lets queued frames drain for at
 * most the given time, closes every connection ({@link CloseReason#STOPPED}) and the selector, and
 * waits for the thread to end.
 */
public final class EventLoop implements Closeable {

  /** How often deadlines are checked. */
  private static final long TIMER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** The first pause after an accept failed; it doubles while accepting keeps failing. */
  static final long FIRST_ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** The longest pause between attempts to accept while accepting fails. */
  static final long MAX_ACCEPT_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Rounds in a row that may fail outside any one connection before the loop gives up. */
  private static final int MAX_FAILED_ROUNDS = 1000;

  /**
   * Memory kept back for the path that handles an {@link Error} such as OutOfMemoryError: given up
   * at once, so that closing the connection and reporting can allocate, and taken back later. A
   * mebibyte, so that G1 (which allocates new objects only in free regions) keeps it in regions of
   * its own, which giving it up frees.
   */
  private static final int RESERVE_BYTES = (1 << 20) - 1024;

  private final Selector selector;
  private final Thread thread;
  private final ErrorHook errors;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /**
   * Set just before the loop looks at {@link #tasks} for the last time before a select that may
   * sleep, cleared when it wakes: a task queued from another thread wakes the selector only then,
   * and only once, so that a thread that sends many messages does not make a system call for each.
   */
  private final AtomicBoolean mayBeSleeping = new AtomicBoolean();
  /** Open connections; each knows its slot, so that removing one is O(1). */
  private final ArrayList<NioConnection<?, ?>> connections = new ArrayList<>();
  private final List<Acceptor<?, ?>> acceptors = new ArrayList<>();
  private final ArrayDeque<NioConnection<?, ?>> toFlush = new ArrayDeque<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  /** Connections a listener of another loop accepted for this one, not yet taken; given back if this loop ends first. */
  private final Set<Handoff<?, ?>> handoffs = ConcurrentHashMap.newKeySet();
  /** In a group, the loop that accepts for this one: it pauses too when an {@link Error} costs this loop a connection. */
  volatile EventLoop accepting;
  private volatile boolean stopping;
  private volatile Throwable failure;
  /** Connections refused at a listener's limit, all listeners together. */
  private volatile long refused;
  private long drainDeadline;
  private long lastTimerCheck;
  /** The time of the current round, read once per round. */
  private long now = System.nanoTime();
  /** Whether {@link #now} has been read this round. */
  private boolean clockRead;
  /**
   * What a select does with each ready key, as the select finds it: no selected-key set to fill
   * and empty, and the same object every round, so that a round allocates nothing. The first key
   * of a round reads the clock.
   */
  private final Consumer<SelectionKey> serve = key -> {
    if (!clockRead) {
      now = System.nanoTime();
      clockRead = true;
    }
    handle(key);
  };
  private byte[] reserve = new byte[RESERVE_BYTES];
  private long lastReserveAttempt;
  private ByteBuffer scratch;
  /** The send queues' direct buffers, which this loop's connections take and give back. */
  private final DirectBuffers directBuffers;

  private EventLoop(String name, ErrorHook errors) throws IOException {
    this.selector = Selector.open();
    this.errors = ErrorHook.rateLimited(errors, ErrorHook.DEFAULT_REPORTS_PER_SECOND);
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.directBuffers = new DirectBuffers(thread);
  }

  /** Starts an event loop on a new thread called {@code name}, reporting to {@link ErrorHook#logging()}. */
  public static EventLoop start(String name) throws IOException {
    return start(name, ErrorHook.logging());
  }

  /** Starts an event loop on a new thread called {@code name} that reports to {@code errors}. */
  public static EventLoop start(String name, ErrorHook errors) throws IOException {
    EventLoop loop = new EventLoop(name, java.util.Objects.requireNonNull(errors, "errors"));
    loop.thread.start();
    return loop;
  }

  /** Listens on {@code bind} with the default options; every connection shares {@code handler}. */
  public <M> InetSocketAddress listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M, M> handler)
      throws IOException {
    return listen(bind, protocol, handler, ConnectionOptions.defaults());
  }

  /** Listens as {@link #listen(InetSocketAddress, Conversation, Supplier, ConnectionOptions, ListenOptions)} does, with {@link ListenOptions#defaults()}; every connection shares {@code handler}. */
  public <M> InetSocketAddress listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M, M> handler,
      ConnectionOptions options) throws IOException {
    return listen(bind, protocol, handler, options, ListenOptions.defaults());
  }

  /** Listens as {@link #listen(InetSocketAddress, Conversation, Supplier, ConnectionOptions, ListenOptions)} does; every connection shares {@code handler}. */
  public <M> InetSocketAddress listen(InetSocketAddress bind, Protocol<M> protocol, Handler<M, M> handler,
      ConnectionOptions options, ListenOptions limits) throws IOException {
    java.util.Objects.requireNonNull(handler, "handler");
    return listen(bind, Conversation.of(protocol), () -> handler, options, limits);
  }

  /**
   * Listens on {@code bind} (port 0 for any free port); each accepted connection receives and
   * sends as {@code conversation} says, gets a handler of its own from {@code handlers} (its fields
   * are the connection's state) and {@code options}; {@code limits} bounds the listener.
   * {@link dev.parley.runtime.BlockingServer#listen(InetSocketAddress, Conversation, Supplier,
   * ConnectionOptions, ListenOptions)} takes the same, to serve with a thread per connection.
   *
   * @return the address listened on, with its actual port
   */
  public <I, O> InetSocketAddress listen(InetSocketAddress bind, Conversation<I, O> conversation,
      Supplier<? extends Handler<I, O>> handlers, ConnectionOptions options, ListenOptions limits)
      throws IOException {
    return listen(bind, conversation, handlers, options, limits, null);
  }

  /**
   * Listens as the public method does, but serves each accepted connection on the loop
   * {@code workers} gives (null when none can), or on this loop when {@code workers} is null:
   * how an {@link EventLoopGroup} accepts on one loop and serves on all.
   */
  <I, O> InetSocketAddress listen(InetSocketAddress bind, Conversation<I, O> conversation,
      Supplier<? extends Handler<I, O>> handlers, ConnectionOptions options, ListenOptions limits,
      Supplier<EventLoop> workers) throws IOException {
    java.util.Objects.requireNonNull(conversation, "conversation");
    java.util.Objects.requireNonNull(handlers, "handlers");
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(bind, limits.backlog());
      server.configureBlocking(false);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    try {
      call(() -> {
        Acceptor<I, O> acceptor = new Acceptor<>(server, conversation, handlers, options, limits, workers);
        acceptor.key = server.register(selector, SelectionKey.OP_ACCEPT, acceptor);
        acceptors.add(acceptor);
        return null;
      });
    } catch (IOException | RuntimeException e) {
      server.close(); // the loop did not take it (it has ended, say): give the port back
      throw e;
    }
    return (InetSocketAddress) server.getLocalAddress();
  }

  /**
   * Connects to {@code address}. The connection is returned at once; messages sent before it is
   * established wait in its queue. {@link Handler#onOpen} says when it is up, {@link Handler#onClose}
   * with {@link CloseReason#IO_ERROR} when it could not be made.
   */
  public <M> NioConnection<M, M> connect(InetSocketAddress address, Protocol<M> protocol, Handler<M, M> handler,
      ConnectionOptions options) throws IOException {
    return connect(address, Conversation.of(protocol), handler, options);
  }

  /**
   * Connects to {@code address} to receive and send as {@code conversation} says; otherwise as
   * {@link #connect(InetSocketAddress, Protocol, Handler, ConnectionOptions)}. A client whose
   * server speaks first waits for the greeting in {@link Handler#onMessage}.
   */
  public <I, O> NioConnection<I, O> connect(InetSocketAddress address, Conversation<I, O> conversation,
      Handler<I, O> handler, ConnectionOptions options) throws IOException {
    SocketChannel channel = SocketChannel.open();
    NioConnection<I, O> connection;
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      connection = new NioConnection<>(this, channel, conversation, handler, options, null);
      connection.peerHost = address.getHostString();
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
      } catch (IOException | RuntimeException e) {
        // Refused, unreachable, or an address that cannot be connected to (unresolved, say).
        connection.close(CloseReason.IO_ERROR, e instanceof IOException io ? io : new IOException(e.toString(), e));
      }
    });
    return connection;
  }

  /**
   * Runs {@code task} on the loop's thread, soon; what it throws goes to the error hook. Wakes the
   * loop only if it may be sleeping: a loop that is awake runs the task before it next sleeps.
   */
  public void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && mayBeSleeping.compareAndSet(true, false)) {
      selector.wakeup();
    }
  }

  /** Connections open now; exact when read on the loop's thread. */
  public int connectionCount() {
    return connections.size();
  }

  /** Connections accepted and closed at once because their listener was at its limit, so far. */
  public long refusedConnections() {
    return refused;
  }

  /** Why the loop ended, if it ended for any reason but {@link #close}. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Whether the calling thread is this loop's: code that may run on either (a request client's
   * calls, say) must not wait for the loop there.
   */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** See {@link #directBuffers}. */
  DirectBuffers directBuffers() {
    return directBuffers;
  }

  /** A buffer for bytes read only to be dropped (a connection lingering before its close). */
  ByteBuffer scratch() {
    if (scratch == null) {
      scratch = ByteBuffer.allocate(8 * 1024);
    }
    return scratch;
  }

  /** The time of the current round, for deadlines. */
  long now() {
    return now;
  }

  void flushLater(NioConnection<?, ?> connection) {
    toFlush.add(connection);
  }

  void remember(NioConnection<?, ?> connection) {
    connection.slot = connections.size();
    connections.add(connection);
  }

  void forget(NioConnection<?, ?> connection) {
    int slot = connection.slot;
    if (slot < 0 || slot >= connections.size() || connections.get(slot) != connection) {
      return;
    }
    NioConnection<?, ?> last = connections.remove(connections.size() - 1);
    if (last != connection) {
      connections.set(slot, last);
      last.slot = slot;
    }
    connection.slot = -1;
    if (connection.origin != null) {
      connection.origin.open.decrementAndGet();
    }
  }

  /** Reports {@code problem}, found serving {@code connection} (or the loop, when null). */
  void report(NioConnection<?, ?> connection, Throwable problem) {
    try {
      SocketAddress where = connection == null ? null : connection.remoteAddress().orElse(null);
      errors.onError(where, problem);
    } catch (Throwable e) {
      // Reporting needs memory too; when there is none, the report is what gives way.
    }
  }

  /**
   * An {@link Error} cost one connection: report it and stop accepting for a while, since memory
   * or threads may be short for everyone.
   */
  void failedWith(NioConnection<?, ?> connection, Throwable error) {
    reserve = null; // room for the rest of this path, and for the collector to breathe
    pauseAccepting();
    EventLoop accepting = this.accepting;
    if (accepting != null) {
      try {
        accepting.execute(accepting::pauseAccepting);
      } catch (Throwable e) {
        // the memory for the task was not there: this loop's own pause stands
      }
    }
    report(connection, error);
  }

  private void pauseAccepting() {
    for (int i = 0; i < acceptors.size(); i++) {
      acceptors.get(i).pause(MAX_ACCEPT_PAUSE_NANOS);
    }
  }

  /** Whether the loop takes new connections: neither stopping nor ended. */
  boolean isServing() {
    return !stopping && !stopped.isDone() && failure == null;
  }

  /** Closes the selector under the loop, as a selector that fails would: for tests of what a loop's end costs. */
  void breakSelector() throws IOException {
    selector.close();
  }

  /** Takes back the memory reserve given up after an {@link Error}, once memory allows, at most once a second. */
  private void restoreReserve() {
    if (reserve != null || now - lastReserveAttempt < MAX_ACCEPT_PAUSE_NANOS) {
      return;
    }
    lastReserveAttempt = now;
    try {
      reserve = new byte[RESERVE_BYTES];
    } catch (OutOfMemoryError e) {
      // still short: try again later
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
    int failedRounds = 0;
    try {
      while (true) {
        try {
          if (round()) {
            break;
          }
          failedRounds = 0;
        } catch (IOException | ClosedSelectorException e) {
          throw e; // the selector failed: nothing more can be served
        } catch (Throwable e) {
          // The loop's own bookkeeping failed outside any one connection, such as for memory:
          // give up the reserve, pause accepting, and go on; only a loop that fails round after
          // round ends.
          if (++failedRounds > MAX_FAILED_ROUNDS) {
            throw e;
          }
          failedWith(null, e);
        }
      }
    } catch (Throwable e) {
      if (!(e instanceof ClosedSelectorException && stopping)) {
        reserve = null; // room to close the sockets and tell the owner
        failure = e;
      }
    } finally {
      closeEverything();
      giveBackHandoffs();
    }
  }

  /**
   * One round: wait for sockets (or tasks, or the next deadline), serve what is ready, run tasks,
   * flush, check deadlines.
   *
   * @return whether the loop is done stopping
   */
  private boolean round() throws IOException {
    long timeout = stopping ? 10 : nextWakeMillis();
    // Set before tasks are looked at, so that a task queued after the look sees it and wakes the
    // selector (a wakeup before the select makes the select return at once).
    mayBeSleeping.set(true);
    clockRead = false;
    try {
      if (tasks.isEmpty()) {
        selector.select(serve, timeout);
      } else {
        selector.selectNow(serve); // tasks wait: look at the sockets without sleeping
      }
    } finally {
      mayBeSleeping.set(false);
    }
    if (!clockRead) {
      now = System.nanoTime();
    }
    runTasks();
    flushAll();
    checkTimers();
    restoreReserve();
    return stopping && (System.nanoTime() - drainDeadline > 0 || nothingPending());
  }

  /**
   * Closes every socket, then tells each handler; nothing here may stop the others being closed.
   * The sockets go first, without a call into user code, so that even a loop that ran out of
   * memory leaves no socket open.
   */
  private void closeEverything() {
    for (int i = connections.size() - 1; i >= 0; i--) {
      connections.get(i).closeTransport();
    }
    for (Acceptor<?, ?> acceptor : acceptors) {
      closeQuietly(acceptor.server);
    }
    closeQuietly(selector);
    CloseReason reason = failure == null ? CloseReason.STOPPED : CloseReason.ERROR;
    while (!connections.isEmpty()) {
      NioConnection<?, ?> connection = connections.get(connections.size() - 1);
      try {
        connection.close(reason, failure);
      } catch (Throwable e) {
        // closed all the same
      }
      forget(connection); // in case closing failed half-way, or it was marked closed already
    }
    if (failure != null) {
      try {
        errors.onError(null, new IOException("event loop " + thread.getName() + " stopped: " + failure, failure));
      } catch (Throwable e) {
        // nowhere left to tell
      }
      stopped.completeExceptionally(failure);
    } else {
      stopped.complete(null);
    }
  }

  /** After the loop ended: connections handed to it and not taken are closed, and their listeners' counts given back. */
  private void giveBackHandoffs() {
    for (Handoff<?, ?> handoff : handoffs) {
      if (handoffs.remove(handoff)) {
        handoff.from.release(handoff.channel);
      }
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (Throwable e) {
      // closed all the same, or as closed as it can be
    }
  }

  /** How long the next select may sleep: until the next deadline check, or for ever when none is due. */
  private long nextWakeMillis() {
    long wake = Long.MAX_VALUE;
    if (!connections.isEmpty()) {
      wake = TIMER_NANOS;
    }
    for (Acceptor<?, ?> acceptor : acceptors) {
      if (acceptor.paused) {
        wake = Math.min(wake, Math.max(0, acceptor.resumeAt - System.nanoTime()));
      }
    }
    return wake == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake));
  }

  private void handle(SelectionKey key) {
    Object attachment = key.attachment();
    if (attachment instanceof Acceptor<?, ?> acceptor) {
      try {
        acceptor.accept();
      } catch (Throwable e) {
        acceptor.failed(e);
      }
      return;
    }
    NioConnection<?, ?> connection = (NioConnection<?, ?>) attachment;
    try {
      if (!key.isValid()) {
        return;
      }
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
    } catch (Throwable e) {
      key.attach(null); // so that what the connection holds can be collected as soon as it is closed
      failed(connection, e);
    }
  }

  /** The runtime failed serving {@code connection}: close it with {@link CloseReason#ERROR} and report. */
  private void failed(NioConnection<?, ?> connection, Throwable e) {
    try {
      connection.close(CloseReason.ERROR, e);
    } catch (Throwable again) {
      // closed as far as it could be
    }
    if (e instanceof Error) {
      failedWith(connection, e);
    } else {
      report(connection, e);
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
      } catch (Throwable e) {
        // A task's failure is its own; the loop and its other connections go on.
        if (e instanceof Error error) {
          failedWith(null, error);
        } else {
          report(null, new IllegalStateException("a task of event loop " + thread.getName() + " failed: " + e, e));
        }
      }
    }
  }

  /** Sends what handlers queued during this round: replies to one read leave together. */
  private void flushAll() {
    for (NioConnection<?, ?> connection = toFlush.poll(); connection != null; connection = toFlush.poll()) {
      try {
        connection.flush();
      } catch (Throwable e) {
        failed(connection, e);
      }
    }
  }

  private void checkTimers() {
    if (now - lastTimerCheck < TIMER_NANOS) {
      return;
    }
    lastTimerCheck = now;
    // Downwards, so that a connection closed here (moving the last one into its slot) skips nothing.
    for (int i = connections.size() - 1; i >= 0; i--) {
      if (i < connections.size()) {
        NioConnection<?, ?> connection = connections.get(i);
        try {
          connection.checkTimers(now);
        } catch (Throwable e) {
          failed(connection, e);
        }
      }
    }
    for (Acceptor<?, ?> acceptor : acceptors) {
      if (acceptor.paused && now - acceptor.resumeAt >= 0) {
        acceptor.resume();
      }
    }
  }

  private boolean nothingPending() {
    for (NioConnection<?, ?> connection : connections) {
      if (connection.hasPending()) {
        return false;
      }
    }
    return true;
  }

  private void closeListeners() {
    for (Acceptor<?, ?> acceptor : acceptors) {
      closeQuietly(acceptor.server);
    }
  }

  /**
   * Opens a connection over {@code endpoint} on the loop's thread: how tests run the connection
   * logic over bytes in memory. The endpoint is read when it says it can be (the caller calls
   * {@link NioConnection#readable()} and {@link NioConnection#flush()} as a selector would).
   */
  <I, O> NioConnection<I, O> embed(Conversation<I, O> conversation, Handler<I, O> handler, ConnectionOptions options,
      Endpoint endpoint, boolean accepted) throws IOException {
    return call(() -> {
      NioConnection<I, O> connection =
          new NioConnection<>(this, null, conversation, handler, options, null, accepted);
      remember(connection);
      connection.opened(endpoint);
      return connection;
    });
  }

  /** Runs {@code action} on the loop's thread and waits for it, and for the round it ran in to end. */
  <T> T callAndFlush(java.util.concurrent.Callable<T> action) throws IOException {
    T result = call(action);
    call(() -> null); // a later round: what the action's round queued has been flushed
    return result;
  }

  /** Bytes of read and write buffers held by all connections now; exact on the loop's thread. */
  long bufferBytes() {
    long bytes = 0;
    for (NioConnection<?, ?> connection : connections) {
      bytes += connection.bufferBytes();
    }
    return bytes;
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
    if (!stopped.isDone()) {
      execute(stop);
    }
    try {
      stopped.handle((ok, e) -> null).get(drain.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the event loop did not stop", e);
    }
  }

  /** Accepts connections for one listening socket, within its limits. */
  final class Acceptor<I, O> {
    private final ServerSocketChannel server;
    private final Conversation<I, O> conversation;
    private final Supplier<? extends Handler<I, O>> handlers;
    private final ConnectionOptions options;
    private final ListenOptions limits;
    /** Which loop serves the next connection; null: this one. */
    private final Supplier<EventLoop> workers;
    private SelectionKey key;
    /**
     * Connections of this listener open now, or on their way to the loop that serves them: counted
     * when accepted, given back when closed, on whichever loop serves them.
     */
    final AtomicInteger open = new AtomicInteger();
    /** Refusals since the listener was last below its limit; the first of an episode is reported. */
    private long refusedInEpisode;
    private boolean paused;
    private long resumeAt;
    /** The pause after the next failure; grows while accepting fails, back to the first on success. */
    private long nextPause = FIRST_ACCEPT_PAUSE_NANOS;
    private long failuresInEpisode;

    Acceptor(ServerSocketChannel server, Conversation<I, O> conversation, Supplier<? extends Handler<I, O>> handlers,
        ConnectionOptions options, ListenOptions limits, Supplier<EventLoop> workers) {
      this.server = server;
      this.conversation = conversation;
      this.handlers = handlers;
      this.options = options;
      this.limits = limits;
      this.workers = workers;
    }

    void accept() throws IOException {
      for (int accepted = 0; !stopping && !paused && accepted < 64; accepted++) {
        SocketChannel channel;
        try {
          channel = server.accept();
        } catch (IOException e) {
          if (!server.isOpen()) {
            return; // the listener closed; connections already accepted go on
          }
          acceptFailed(e);
          return;
        }
        if (channel == null) {
          return;
        }
        acceptSucceeded();
        if (open.get() >= limits.maxConnections()) {
          refuse(channel);
          continue;
        }
        if (refusedInEpisode > 0) {
          refusedInEpisode = 0;
        }
        open.incrementAndGet();
        serve(channel);
      }
    }

    /**
     * Makes {@code channel} ready and gets its handler here, on the accepting loop (so that the
     * factory is called on one thread, as it always is), then opens it on the loop that serves it.
     */
    private void serve(SocketChannel channel) {
      Handler<I, O> handler;
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        handler = handlers.get();
        if (handler == null) {
          throw new IllegalStateException("the handler factory of a listener gave null");
        }
      } catch (IOException | RuntimeException e) {
        release(channel); // this connection only; it never reached a handler
        if (e instanceof RuntimeException) {
          report(null, e); // a Protocol or options that cannot serve a connection: someone must hear
        }
        return;
      } catch (Error e) {
        release(channel);
        failedWith(null, e);
        return;
      }
      EventLoop on = workers == null ? EventLoop.this : workers.get();
      if (on == EventLoop.this) {
        open(on, channel, handler);
      } else if (on == null) {
        release(channel);
        report(null, new IOException("no loop of the group is left to serve a connection: closed it"));
      } else {
        new Handoff<>(on, this, channel, handler).send();
      }
    }

    /** Opens the connection of {@code channel} on {@code on}, on its thread. */
    void open(EventLoop on, SocketChannel channel, Handler<I, O> handler) {
      NioConnection<I, O> connection = null;
      boolean remembered = false; // once it is, the connection gives the listener's count back when it closes
      try {
        connection = new NioConnection<>(on, channel, conversation, handler, options, this);
        on.remember(connection);
        remembered = true;
        connection.opened(channel.register(on.selector, SelectionKey.OP_READ, connection));
      } catch (IOException | RuntimeException e) {
        closeQuietly(channel); // this connection only
        if (remembered) {
          on.forget(connection);
        } else {
          open.decrementAndGet();
        }
        if (e instanceof RuntimeException) {
          on.report(null, e); // a Protocol or options that cannot serve a connection: someone must hear
        }
      } catch (Error e) {
        closeQuietly(channel);
        if (connection != null) {
          connection.close(CloseReason.ERROR, e);
        }
        if (!remembered) {
          open.decrementAndGet();
        }
        on.failedWith(null, e);
      }
    }

    /** Closes an accepted connection that never opened, and gives back its count. */
    void release(SocketChannel channel) {
      closeQuietly(channel);
      open.decrementAndGet();
    }

    private void refuse(SocketChannel channel) {
      refused++; // only the loop's thread writes it
      refusedInEpisode++;
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0); // a reset: the peer learns at once
      } catch (IOException e) {
        // closed below all the same
      }
      closeQuietly(channel);
      if (refusedInEpisode == 1) {
        errors.onError(address(), new IOException("connection limit of " + limits.maxConnections()
            + " reached: closing new connections at once until one closes"));
      }
    }

    private void acceptSucceeded() {
      failuresInEpisode = 0;
      nextPause = FIRST_ACCEPT_PAUSE_NANOS;
    }

    /** Accepting failed (such as EMFILE): pause with a growing bound, report the episode once. */
    private void acceptFailed(Throwable e) {
      if (failuresInEpisode++ == 0) {
        errors.onError(address(), new IOException("accepting failed (" + e + "); pausing the listener for up to "
            + TimeUnit.NANOSECONDS.toMillis(MAX_ACCEPT_PAUSE_NANOS) + " ms at a time until it works again", e));
      }
      pause(nextPause);
      nextPause = Math.min(MAX_ACCEPT_PAUSE_NANOS, 2 * nextPause);
    }

    void failed(Throwable e) {
      if (e instanceof Error error) {
        failedWith(null, error);
      } else {
        acceptFailed(e);
      }
    }

    void pause(long nanos) {
      if (!key.isValid()) {
        return;
      }
      long until = System.nanoTime() + nanos;
      if (!paused || until - resumeAt > 0) {
        resumeAt = until;
      }
      paused = true;
      key.interestOps(0);
    }

    void resume() {
      paused = false;
      if (key.isValid()) {
        key.interestOps(SelectionKey.OP_ACCEPT);
      }
    }

    private SocketAddress address() {
      try {
        return server.getLocalAddress();
      } catch (IOException e) {
        return null;
      }
    }
  }

  /**
   * A connection accepted by a listener on one loop, on its way to the loop that serves it. It is
   * taken once: by that loop, which opens it (or closes it when stopping), or, when that loop ends
   * first, by whoever finds it untaken, which closes it and gives back the listener's count.
   */
  private static final class Handoff<I, O> implements Runnable {
    private final EventLoop to;
    private final Acceptor<I, O> from;
    private final SocketChannel channel;
    private final Handler<I, O> handler;

    Handoff(EventLoop to, Acceptor<I, O> from, SocketChannel channel, Handler<I, O> handler) {
      this.to = to;
      this.from = from;
      this.channel = channel;
      this.handler = handler;
    }

    void send() {
      try {
        to.handoffs.add(this);
        to.execute(this);
      } catch (RuntimeException | Error e) {
        if (to.handoffs.remove(this)) {
          from.release(channel); // not queued, or queued and no longer to be taken
        }
        throw e; // the accepting loop pauses, as for any failure while accepting
      }
      // Ended before or while it was queued: its last look at the hand-offs may have come before this one.
      if (to.stopped.isDone() && to.handoffs.remove(this)) {
        from.release(channel);
      }
    }

    @Override
    public void run() {
      if (!to.handoffs.remove(this)) {
        return;
      }
      if (to.stopping) {
        from.release(channel);
      } else {
        from.open(to, channel, handler);
      }
    }
  }
}
