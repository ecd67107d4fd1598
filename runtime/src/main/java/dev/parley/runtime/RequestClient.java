package dev.parley.runtime;

import dev.parley.runtime.nio.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Requests and their replies over one connection, many in flight at once: each call writes its
 * request and returns a future of its reply, matched as the {@link Correlation} says (in order,
 * or by a key the replies carry). A request expects one reply frame ({@link #call}), several until
 * one the caller recognises as the last ({@link #callMany}: PostgreSQL's rows until
 * ReadyForQuery, memcached's Stat answers until the empty key), none ({@link #send}), or at most
 * one ({@link #callQuiet}: memcached's GetQ). {@link #request} is the blocking call.
 *
 * <p>Over a {@link BlockingConnection} ({@link #over}), a daemon thread of the client's own reads
 * the replies and completes the futures; each call writes its request on the caller's thread
 * before it returns. On an {@link EventLoop} ({@link #connect}), the loop's thread reads, writes
 * and completes. Either way the stages that depend on a future run on that thread when they are
 * added before the reply comes: they must not block there (on the event loop every connection of
 * the loop would wait), and a blocking call there would wait for ever and is refused; use the
 * {@code *Async} stages to run elsewhere. (A call from such a stage on a blocking client writes
 * on the reader's thread: a peer that stops reading until its replies are read would stall both.)
 * Calls may come from any number of threads at once.
 *
 * <p>Bounds: at most {@link RequestOptions#maxInFlight()} requests wait for replies; a call past
 * it waits for a slot or fails at once, as {@link RequestOptions#overflow()} says (on the thread
 * that receives the replies it can only fail). A request with a timeout whose reply has not come
 * in time fails alone, with a {@link TimeoutException}, within about 10 ms of its deadline (on a
 * blocking client the future is completed on the shared timer thread, on the event loop on the
 * loop's). It still takes its slot, and its key,
 * until its reply comes, which is then dropped, or the connection ends: in order, its reply must
 * still be matched for the ones after it to be. A future cancelled by its caller is the same.
 *
 * <p>A reply that matches no request is a protocol error: the client closes the connection and
 * every request waiting fails. When the connection ends, for whatever reason, every request
 * waiting and every later call fails with an {@link IOException} that says why, its cause being
 * the connection's failure if there was one. {@link #close()} is idempotent.
 *
 * @param <Q> the requests sent
 * @param <R> the replies received
 */
public abstract sealed class RequestClient<Q, R> implements Closeable permits BlockingRequestClient, NioRequestClient {

  /** The most a timeout may be, so that deadlines in {@link System#nanoTime()} do not overflow. */
  private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

  /** Released at the close to wake every call waiting for a slot; far from overflowing the count. */
  private static final int CLOSING_PERMITS = Integer.MAX_VALUE / 2;

  private final Correlation<Q, R> correlation;
  private final RequestOptions options;
  /** A permit for each request that may still be put in flight. */
  private final Semaphore slots;
  /**
   * Guards {@link #inFlight} and the close, on a client whose callers' threads register requests;
   * none on one whose every table operation runs on one thread (the event loop's). Held only for a
   * table operation: never while writing, completing a future or running the caller's code.
   */
  private final Lock lock;
  private final InFlight<Q, R> inFlight;
  /** Set once, under the lock, when the connection ended: what every waiting and later call fails with. */
  private volatile IOException failure;
  /** Quiet requests a reply proved unanswered: the receiving thread's, reused for each reply. */
  private final ArrayList<PendingRequest<R, ?>> unanswered = new ArrayList<>();
  /**
   * Whether {@link RequestTimer} watches this client: from the first timed request put in flight
   * until a sweep finds none left. Guarded by the lock (on the event loop, the loop's thread).
   */
  private boolean watched;
  /** Completed with {@link #failure} once the requests waiting at the end have failed with it. */
  private final CompletableFuture<IOException> closed = new CompletableFuture<>();

  /** The default timeout in nanoseconds, worked out once. */
  private final long defaultTimeoutNanos;

  /**
   * @param confined whether one thread makes every call into the table ({@link #register},
   *     {@link #withdraw}, {@link #received}, {@link #closeWith}), so that it needs no lock
   */
  RequestClient(Correlation<Q, R> correlation, RequestOptions options, boolean confined) {
    this.correlation = Objects.requireNonNull(correlation, "correlation");
    this.options = Objects.requireNonNull(options, "options");
    this.slots = new Semaphore(options.maxInFlight());
    this.inFlight = correlation.newInFlight(options.maxInFlight());
    this.lock = confined ? Unguarded.INSTANCE : new ReentrantLock();
    this.defaultTimeoutNanos = nanos(options.timeout());
  }

  /** A client over {@code connection}, which it now owns and reads on a thread of its own; default options. */
  public static <Q, R> RequestClient<Q, R> over(BlockingConnection<R, Q> connection, Correlation<Q, R> correlation) {
    return over(connection, correlation, RequestOptions.defaults());
  }

  /**
   * A client over {@code connection}, which it now owns: a daemon thread of the client's reads the
   * replies from now on (a handshake must be over by then), and {@link #close()} closes the
   * connection. The connection's read timeout, if it has one, closes nothing: the thread reads on.
   */
  public static <Q, R> RequestClient<Q, R> over(BlockingConnection<R, Q> connection, Correlation<Q, R> correlation,
      RequestOptions options) {
    return BlockingRequestClient.start(connection, correlation, options);
  }

  /** Connects on {@code loop} with the default connection and request options. */
  public static <Q, R> RequestClient<Q, R> connect(EventLoop loop, InetSocketAddress address,
      Conversation<R, Q> conversation, Correlation<Q, R> correlation) throws IOException {
    return connect(loop, address, conversation, correlation, ConnectionOptions.defaults(), RequestOptions.defaults());
  }

  /**
   * Connects to {@code address} on {@code loop}, receiving replies and sending requests as
   * {@code conversation} says. The client is returned at once; calls made before the connection
   * is established wait in its queue, and fail if it cannot be made.
   *
   * @throws IOException if no socket could be opened
   */
  public static <Q, R> RequestClient<Q, R> connect(EventLoop loop, InetSocketAddress address,
      Conversation<R, Q> conversation, Correlation<Q, R> correlation, ConnectionOptions connectionOptions,
      RequestOptions options) throws IOException {
    return NioRequestClient.open(loop, address, conversation, correlation, connectionOptions, options);
  }

  /** Sends {@code request}; its future completes with the one reply frame, within the default timeout. */
  public CompletableFuture<R> call(Q request) {
    return submit(new PendingRequest.One<>(), request, defaultTimeoutNanos);
  }

  /**
   * Sends {@code request}; its future completes with the one reply frame, or fails after
   * {@code timeout} (zero: none).
   */
  public CompletableFuture<R> call(Q request, Duration timeout) {
    return submit(new PendingRequest.One<>(), request, nanos(timeout));
  }

  /**
   * Sends {@code request}, whose reply is several frames: its future completes with them, in
   * order, once {@code last} says one is the last (that one included). The list is the caller's.
   * {@code last} runs on the receiving thread.
   */
  public CompletableFuture<List<R>> callMany(Q request, Predicate<? super R> last) {
    return callMany(request, last, options.timeout());
  }

  /**
   * As {@link #callMany(Object, Predicate)}, failing after {@code timeout} (zero: none) if the last
   * frame has not come.
   */
  public CompletableFuture<List<R>> callMany(Q request, Predicate<? super R> last, Duration timeout) {
    return submit(new PendingRequest.Many<>(Objects.requireNonNull(last, "last")), request, nanos(timeout));
  }

  /**
   * Sends a quiet request, one the server answers only when it has something to say (memcached's
   * GetQ on a hit): its future completes with the reply, or empty once a reply to a later request
   * arrives (the server answers in order; see {@link Correlation}). A request that must settle it,
   * such as a No-op, usually follows.
   *
   * @throws IllegalStateException if replies are matched in order: they could not tell a quiet
   *     request's reply from the next request's
   */
  public CompletableFuture<Optional<R>> callQuiet(Q request) {
    return callQuiet(request, options.timeout());
  }

  /** As {@link #callQuiet(Object)}, failing after {@code timeout} (zero: none) if nothing settled it. */
  public CompletableFuture<Optional<R>> callQuiet(Q request, Duration timeout) {
    if (!correlation.isByKey()) {
      throw new IllegalStateException("quiet requests need replies matched by key: in order, a reply cannot say"
          + " whether it answers the quiet request or the one after it");
    }
    return submit(new PendingRequest.Quiet<>(), request, nanos(timeout));
  }

  /**
   * Sends a request that expects no reply. It takes no slot; its future completes once it is
   * written (on the event loop, once it is queued on the loop's thread, to leave with the round's
   * writes), and fails if the connection ended first or the request does not encode.
   */
  public CompletableFuture<Void> send(Q request) {
    return submit(new PendingRequest.None<>(), request, 0);
  }

  /** Sends {@code request} and waits for its reply, within the default timeout. */
  public R request(Q request) throws IOException, InterruptedException {
    return request(request, options.timeout());
  }

  /**
   * Sends {@code request} and waits for its one reply frame, at most {@code timeout} (zero: no
   * limit). An interrupted wait cancels the future; the request keeps its slot until its reply.
   *
   * @throws SocketTimeoutException if no reply came in time (its cause the {@link TimeoutException})
   * @throws IOException if the connection ended, or a write failed
   * @throws IllegalStateException if called on the thread that receives the replies, which would
   *     wait for ever; also as {@link #call} fails (a key already in flight)
   * @throws RejectedExecutionException if every slot is taken and the overflow policy is to fail
   */
  public R request(Q request, Duration timeout) throws IOException, InterruptedException {
    if (onReceivingThread()) {
      throw new IllegalStateException("a blocking request on the thread that receives its reply would wait for"
          + " ever: use call and a stage");
    }
    return await(call(request, timeout));
  }

  /**
   * Waits for {@code reply}, the future of a call, and returns its value or throws its failure as
   * {@link #request} does: a timeout as a {@link SocketTimeoutException} (its cause the
   * {@link TimeoutException}), an {@link IOException} or an unchecked exception as itself. An
   * interrupted wait cancels the future. For a blocking call over {@link #callMany}, say; it must
   * not run on the thread that receives the replies.
   */
  public static <T> T await(CompletableFuture<T> reply) throws IOException, InterruptedException {
    try {
      return reply.get();
    } catch (InterruptedException e) {
      reply.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    }
  }

  private static IOException rethrown(Throwable failure) {
    if (failure instanceof TimeoutException timeout) {
      SocketTimeoutException thrown = new SocketTimeoutException(timeout.getMessage());
      thrown.initCause(timeout);
      return thrown;
    }
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IOException(failure.toString(), failure);
  }

  /**
   * Requests waiting for their replies now, those that timed out included; on the event loop,
   * exact when read on the loop's thread.
   */
  public int inFlight() {
    lock.lock();
    try {
      return inFlight.size();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the connection is open, or still connecting: false once it ended or {@link #close()} was called. */
  public boolean isOpen() {
    return failure == null;
  }

  /**
   * Completes when the connection has ended, once every request waiting has failed, with the
   * {@link IOException} they failed with and every later call fails with: the moment to connect
   * again. Its stages run on the thread that saw the end.
   */
  public CompletionStage<IOException> whenClosed() {
    return closed.minimalCompletionStage();
  }

  /** The peer's address, once connected. */
  public abstract Optional<SocketAddress> remoteAddress();

  /**
   * Closes the connection; every request waiting fails with an {@link IOException} saying the
   * client was closed (on the event loop, on the loop's thread, soon after this returns from
   * another thread; {@link #whenClosed()} says when). Idempotent.
   */
  @Override
  public final void close() {
    closeRequested();
  }

  // ---- What the transports implement ----------------------------------------------------------

  /**
   * Writes {@code message} as {@code request}'s: {@link #register} it first, unless it is
   * refused, {@link #withdraw} it if it does not encode, and complete it, as
   * {@link #register} says or with {@link PendingRequest#written()}, with no lock held. In order,
   * requests must be registered in the order they are written.
   */
  abstract void transmit(PendingRequest<R, ?> request, Q message);

  /** Whether the caller is the thread that receives the replies, which must never wait for one. */
  abstract boolean onReceivingThread();

  /** Closes the connection, if it is not closed yet; the futures are the client's business. */
  abstract void closeTransport();

  /** {@link #close()}: {@link #closeWith} {@link CloseReason#CLOSED}, on the thread that may. */
  abstract void closeRequested();

  // ---- Shared by the transports ---------------------------------------------------------------

  private <T> CompletableFuture<T> submit(PendingRequest<R, T> request, Q message, long timeoutNanos) {
    Objects.requireNonNull(message, "request");
    long start = timeoutNanos == 0 ? 0 : System.nanoTime();
    IOException ended = failure;
    if (ended != null) {
      request.completeExceptionally(ended);
      return request;
    }
    if (request.expectsReply()) {
      inFlight.keyOf(request, message);
      Throwable refused = takeSlot(timeoutNanos, start);
      if (refused != null) {
        request.completeExceptionally(refused);
        return request;
      }
      if (timeoutNanos != 0) {
        request.timeoutNanos = timeoutNanos;
        request.deadline = start + timeoutNanos;
      }
    }
    transmit(request, message);
    return request;
  }

  private static long nanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative timeout: " + timeout);
    }
    try {
      return Math.min(timeout.toNanos(), MAX_TIMEOUT_NANOS);
    } catch (ArithmeticException e) {
      return MAX_TIMEOUT_NANOS;
    }
  }

  /** Takes a slot for a request, waiting if the options say so; null once taken, else why not. */
  private Throwable takeSlot(long timeoutNanos, long start) {
    if (slots.tryAcquire()) {
      return null;
    }
    boolean mayWait = options.overflow() == RequestOptions.Overflow.WAIT;
    if (!mayWait || onReceivingThread()) {
      return new RejectedExecutionException(options.maxInFlight() + " requests are in flight, the most allowed"
          + " (those that timed out count until their replies come)"
          + (mayWait ? "; a call on the thread that receives the replies cannot wait for a slot" : ""));
    }
    try {
      if (timeoutNanos == 0) {
        slots.acquire();
      } else if (!slots.tryAcquire(start + timeoutNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return new TimeoutException("no slot came free within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms: " + options.maxInFlight() + " requests are in flight");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for one of "
          + options.maxInFlight() + " slots");
      interrupted.initCause(e);
      return interrupted;
    }
    return null; // if the connection ended meanwhile, registering refuses the request
  }

  /**
   * On the timer's thread, every {@link RequestTimer#PERIOD_NANOS} while watched: {@link #sweep}
   * here, or have the thread that owns the table do it.
   */
  abstract void tick();

  /**
   * Fails, with a {@link TimeoutException}, the requests whose time has passed (they stay in
   * flight until their replies come), and stops the watch once no timed request is left.
   */
  final void sweep() {
    List<PendingRequest<R, ?>> expired = new ArrayList<>();
    lock.lock();
    try {
      if (failure == null && !inFlight.expire(System.nanoTime(), expired) && watched) {
        watched = false;
        RequestTimer.INSTANCE.unwatch(this);
      }
    } finally {
      lock.unlock();
    }
    for (PendingRequest<R, ?> request : expired) {
      request.completeExceptionally(new TimeoutException(
          "no reply within " + TimeUnit.NANOSECONDS.toMillis(request.timeoutNanos) + " ms"));
    }
  }

  /**
   * Puts {@code request} in flight, just before its message is written.
   *
   * @return null if it may be written; else why not, and it is not in flight
   */
  final Throwable register(PendingRequest<R, ?> request) {
    String refused;
    lock.lock();
    try {
      if (failure != null) {
        return failure;
      }
      if (!request.expectsReply()) {
        return null;
      }
      refused = inFlight.add(request);
      if (refused == null) {
        if (request.timeoutNanos != 0 && !watched) {
          watched = true;
          RequestTimer.INSTANCE.watch(this);
        }
        return null;
      }
    } finally {
      lock.unlock();
    }
    slots.release();
    return new IllegalStateException(refused);
  }

  /** {@code request}'s message was not written (it did not encode): it leaves the flight. */
  final void withdraw(PendingRequest<R, ?> request) {
    if (remove(request)) {
      slots.release();
    }
  }

  private boolean remove(PendingRequest<R, ?> request) {
    lock.lock();
    try {
      return inFlight.remove(request);
    } finally {
      lock.unlock();
    }
  }

  /**
   * On the receiving thread: hands {@code reply} to its request, and completes it if that was its
   * last frame, after freeing its slot (so that a stage that calls again finds it free).
   *
   * @throws ProtocolException if the reply matches no request; the transport closes the connection
   */
  final void received(R reply) throws ProtocolException {
    PendingRequest<R, ?> request;
    lock.lock();
    try {
      if (failure != null) {
        return; // frames still buffered after the end are dropped
      }
      request = inFlight.match(reply, unanswered);
    } finally {
      lock.unlock();
    }
    if (!unanswered.isEmpty()) {
      slots.release(unanswered.size());
      for (PendingRequest<R, ?> quiet : unanswered) {
        quiet.unanswered();
      }
      unanswered.clear();
    }
    if (request == null) {
      throw new ProtocolException(inFlight.unmatched(reply), -1);
    }
    if (request.takesOneFrame()) {
      slots.release(); // matching removed it
      request.take(reply);
      request.finish();
    } else if (request.take(reply)) {
      if (remove(request)) {
        slots.release();
      }
      request.finish();
    }
  }

  /** The failure every call gets once the connection ended, if it has. */
  final IOException failure() {
    return failure;
  }

  /**
   * The connection ended, or must: closes it, and fails every request waiting with why. Only the
   * first call counts.
   *
   * @param cause what went wrong, or null for a close without a failure
   */
  final void closeWith(CloseReason reason, Throwable cause) {
    IOException failed = new IOException("connection to " + remoteAddress().map(String::valueOf).orElse("the peer")
        + " closed: " + why(reason) + (cause == null ? "" : " (" + cause + ")"), cause);
    List<PendingRequest<R, ?>> waiting = new ArrayList<>();
    lock.lock();
    try {
      if (failure != null) {
        return;
      }
      failure = failed;
      inFlight.drainTo(waiting);
      if (watched) {
        watched = false;
        RequestTimer.INSTANCE.unwatch(this);
      }
    } finally {
      lock.unlock();
    }
    slots.release(CLOSING_PERMITS);
    closeTransport();
    for (PendingRequest<R, ?> request : waiting) {
      request.completeExceptionally(failed);
    }
    closed.complete(failed);
  }

  private static String why(CloseReason reason) {
    return switch (reason) {
      case CLOSED -> "the request client was closed";
      case PEER_CLOSED -> "the peer closed it";
      case STOPPED -> "the event loop stopped";
      case PROTOCOL_ERROR -> "protocol error";
      case IO_ERROR -> "I/O error";
      case HANDLER_ERROR -> "a key function or a last-frame predicate threw";
      default -> reason.toString();
    };
  }

  /** The lock of a table only one thread touches: none. */
  private static final class Unguarded implements Lock {
    static final Unguarded INSTANCE = new Unguarded();

    @Override
    public void lock() {}

    @Override
    public void lockInterruptibly() {}

    @Override
    public boolean tryLock() {
      return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) {
      return true;
    }

    @Override
    public void unlock() {}

    @Override
    public Condition newCondition() {
      throw new UnsupportedOperationException("nothing waits on a table one thread owns");
    }
  }
}
