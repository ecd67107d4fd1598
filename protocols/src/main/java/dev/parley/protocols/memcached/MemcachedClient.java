package dev.parley.protocols.memcached;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.Correlation;
import dev.parley.runtime.RequestClient;
import dev.parley.runtime.RequestOptions;
import dev.parley.runtime.nio.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A memcached client over one connection, binary protocol. Every command has an asynchronous
 * form, which pipelines (requests leave as they are made, those made meanwhile in one write, and
 * replies are matched as they come), and a blocking form bounded by the client's timeout. The
 * runtime's {@link RequestClient} does the work, on an {@link EventLoop} of the client's own, and
 * matches the replies on a key made of the request's opaque and its opcode: a reply that
 * carries no key in flight (an opaque nobody waits for, or another opcode than its request's) is a
 * protocol error, and every waiting request fails as the connection closes. A quiet request
 * passed over by a later reply got no answer: a GetQ missed.
 *
 * <p>Outcomes: a get's miss is an empty {@code Optional}, a delete's or touch's miss is
 * {@code false}; any other refusal completes the future with (and the blocking form throws) a
 * {@link MemcachedException} carrying the status, such as 0x0002 for an Add over an existing key
 * or a CAS mismatch. Writes return the item's new cas. The futures complete on the client's
 * loop thread, where a blocking call would wait for ever and is refused: chain slow work with the
 * {@code *Async} methods of {@link CompletableFuture}. All methods may be called from any thread. Keys are UTF-8, 1 to 250 bytes. At most
 * {@link #MAX_IN_FLIGHT} requests wait for replies at once (each key of a {@link #getMulti} is
 * one); a call past it waits for a slot.
 */
public final class MemcachedClient implements Closeable {

  /** The expiration of an increment or decrement that fails on an absent key instead of creating it. */
  public static final long NO_CREATE = MemcachedStore.NO_CREATE;

  /** The most requests waiting for their replies at once. */
  public static final int MAX_IN_FLIGHT = 1 << 16;

  /**
   * Opaques run over 23 bits, so that the key, {@code opaque << 8 | opcode}, is never negative:
   * a reply whose opaque no request of ours carries gets the key -1, which matches none.
   */
  private static final int OPAQUE_MASK = (1 << 23) - 1;

  private static final Correlation<MemcachedRequestMessage, MemcachedResponseMessage> BY_OPAQUE_AND_OPCODE =
      Correlation.byIntKey(r -> key(r.opaque(), r.typeId()), r -> key(r.opaque(), r.typeId()));

  /** The client's own loop: it reads, writes and completes the futures. */
  private final EventLoop loop;
  private final RequestClient<MemcachedRequestMessage, MemcachedResponseMessage> requests;
  private final Duration timeout;
  private final AtomicInteger lastOpaque = new AtomicInteger();

  private MemcachedClient(EventLoop loop, RequestClient<MemcachedRequestMessage, MemcachedResponseMessage> requests,
      Duration timeout) {
    this.loop = loop;
    this.requests = requests;
    this.timeout = timeout;
  }

  /**
   * Connects to a memcached server and waits for the reply to a No-op, so that a server that is
   * not there fails here; {@code timeout} bounds that and each blocking call.
   */
  public static MemcachedClient connect(InetSocketAddress address, Duration timeout) throws IOException {
    EventLoop loop = EventLoop.start("memcached-client " + address);
    RequestClient<MemcachedRequestMessage, MemcachedResponseMessage> requests;
    try {
      requests = RequestClient.connect(loop, address,
          Conversation.of(MemcachedResponseProtocol.INSTANCE, MemcachedRequestProtocol.INSTANCE), BY_OPAQUE_AND_OPCODE,
          ConnectionOptions.defaults(), RequestOptions.defaults().withMaxInFlight(MAX_IN_FLIGHT));
    } catch (IOException | RuntimeException e) {
      loop.close();
      throw e;
    }
    requests.whenClosed().thenRun(loop::close); // the loop is the client's alone: it ends with the connection
    MemcachedClient client = new MemcachedClient(loop, requests, timeout);
    try {
      client.request(new Command<>(new Noop(0, 0, client.nextOpaque(), 0), MemcachedClient::ok)); // connected
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** The correlation key of a message with {@code opaque} and {@code opcode}; -1 for an opaque outside ours. */
  private static int key(long opaque, int opcode) {
    return (opaque & ~OPAQUE_MASK) != 0 ? -1 : (int) opaque << 8 | opcode;
  }

  private long nextOpaque() {
    return lastOpaque.incrementAndGet() & OPAQUE_MASK;
  }

  // ---- get

  /** The item under {@code key}; empty on a miss. */
  public CompletableFuture<Optional<MemcachedItem>> getAsync(String key) {
    return call(getCommand(key));
  }

  public Optional<MemcachedItem> get(String key) throws IOException {
    return request(getCommand(key));
  }

  private Command<Optional<MemcachedItem>> getCommand(String key) {
    return new Command<>(new Get(0, 0, nextOpaque(), 0, key(key)), r -> {
      if (r.status() == MemcachedStatus.KEY_NOT_FOUND.code()) {
        return Optional.empty();
      }
      GetResponse hit = (GetResponse) ok(r); // the opcode is in the key: Get's response type
      return Optional.of(item(hit, hit.extras(), hit.value()));
    });
  }

  /**
   * The items under {@code keys} that are there, in one pipelined batch: a GetQ per key (a miss
   * gets no reply), then a No-op, whose reply says every GetQ before it has been answered.
   */
  public CompletableFuture<Map<String, MemcachedItem>> getMultiAsync(Collection<String> keys) {
    return getMultiAsync(keys, Duration.ZERO);
  }

  public Map<String, MemcachedItem> getMulti(Collection<String> keys) throws IOException {
    refuseOnLoop();
    return await(getMultiAsync(keys, timeout));
  }

  private CompletableFuture<Map<String, MemcachedItem>> getMultiAsync(Collection<String> keys, Duration within) {
    List<String> names = new ArrayList<>(new LinkedHashSet<>(keys));
    List<Bytes> encoded = names.stream().map(MemcachedClient::key).toList(); // every key checked before any is sent
    List<CompletableFuture<Optional<MemcachedResponseMessage>>> hits = new ArrayList<>(names.size());
    for (Bytes k : encoded) {
      hits.add(requests.callQuiet(new GetQ(0, 0, nextOpaque(), 0, k), within));
    }
    return read(requests.call(new Noop(0, 0, nextOpaque(), 0), within), noop -> {
      ok(noop);
      // The No-op's reply settled every GetQ before it: each has its hit, or is empty.
      Map<String, MemcachedItem> found = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        Optional<MemcachedResponseMessage> hit = settled(hits.get(i));
        if (hit.isPresent()) {
          GetQResponse response = (GetQResponse) ok(hit.get()); // a GetQ that fails (a miss is silent) fails the batch
          found.put(names.get(i), item(response, response.extras(), response.value()));
        }
      }
      return found;
    });
  }

  // ---- storage

  /** Stores {@code value} under {@code key}; the new cas. {@code expiration}: 0 never, else memcached's rule. */
  public CompletableFuture<Long> setAsync(String key, Bytes value, long flags, long expiration) {
    return casAsync(key, value, flags, expiration, 0);
  }

  public long set(String key, Bytes value, long flags, long expiration) throws IOException {
    return cas(key, value, flags, expiration, 0);
  }

  /** Stores {@code value} only over the item whose cas is {@code cas}: else 0x0002 (another cas) or 0x0001 (none). */
  public CompletableFuture<Long> casAsync(String key, Bytes value, long flags, long expiration, long cas) {
    return call(casCommand(key, value, flags, expiration, cas));
  }

  public long cas(String key, Bytes value, long flags, long expiration, long cas) throws IOException {
    return request(casCommand(key, value, flags, expiration, cas));
  }

  private Command<Long> casCommand(String key, Bytes value, long flags, long expiration, long cas) {
    return stored(new Set(0, 0, nextOpaque(), cas, new StorageExtras(flags, expiration), key(key), value));
  }

  /** Stores {@code value} only if {@code key} holds nothing: else 0x0002. */
  public CompletableFuture<Long> addAsync(String key, Bytes value, long flags, long expiration) {
    return call(addCommand(key, value, flags, expiration));
  }

  public long add(String key, Bytes value, long flags, long expiration) throws IOException {
    return request(addCommand(key, value, flags, expiration));
  }

  private Command<Long> addCommand(String key, Bytes value, long flags, long expiration) {
    return stored(new Add(0, 0, nextOpaque(), 0, new StorageExtras(flags, expiration), key(key), value));
  }

  /** Stores {@code value} only if {@code key} holds something: else 0x0001. */
  public CompletableFuture<Long> replaceAsync(String key, Bytes value, long flags, long expiration) {
    return call(replaceCommand(key, value, flags, expiration));
  }

  public long replace(String key, Bytes value, long flags, long expiration) throws IOException {
    return request(replaceCommand(key, value, flags, expiration));
  }

  private Command<Long> replaceCommand(String key, Bytes value, long flags, long expiration) {
    return stored(new Replace(0, 0, nextOpaque(), 0, new StorageExtras(flags, expiration), key(key), value));
  }

  /** Appends {@code value} to what {@code key} holds: else 0x0005 (not stored). */
  public CompletableFuture<Long> appendAsync(String key, Bytes value) {
    return call(stored(new Append(0, 0, nextOpaque(), 0, key(key), value)));
  }

  public long append(String key, Bytes value) throws IOException {
    return request(stored(new Append(0, 0, nextOpaque(), 0, key(key), value)));
  }

  /** Prepends {@code value} to what {@code key} holds: else 0x0005 (not stored). */
  public CompletableFuture<Long> prependAsync(String key, Bytes value) {
    return call(stored(new Prepend(0, 0, nextOpaque(), 0, key(key), value)));
  }

  public long prepend(String key, Bytes value) throws IOException {
    return request(stored(new Prepend(0, 0, nextOpaque(), 0, key(key), value)));
  }

  /** Removes the item; false if there was none. */
  public CompletableFuture<Boolean> deleteAsync(String key) {
    return call(found(new Delete(0, 0, nextOpaque(), 0, key(key))));
  }

  public boolean delete(String key) throws IOException {
    return request(found(new Delete(0, 0, nextOpaque(), 0, key(key))));
  }

  /** Sets the item's expiration; false if there is no item. */
  public CompletableFuture<Boolean> touchAsync(String key, long expiration) {
    return call(found(new Touch(0, 0, nextOpaque(), 0, new TouchExtras(expiration), key(key))));
  }

  public boolean touch(String key, long expiration) throws IOException {
    return request(found(new Touch(0, 0, nextOpaque(), 0, new TouchExtras(expiration), key(key))));
  }

  // ---- counters

  /**
   * Adds {@code delta} to the decimal value under {@code key} (wrapping at 2^64); an absent key is
   * created holding {@code initial}, unless {@code expiration} is {@link #NO_CREATE} (then 0x0001).
   * A value that is not a decimal number is 0x0006. The new value, unsigned.
   */
  public CompletableFuture<Long> incrementAsync(String key, long delta, long initial, long expiration) {
    return call(counted(new Increment(0, 0, nextOpaque(), 0, new CounterExtras(delta, initial, expiration), key(key))));
  }

  public long increment(String key, long delta, long initial, long expiration) throws IOException {
    return request(counted(new Increment(0, 0, nextOpaque(), 0, new CounterExtras(delta, initial, expiration), key(key))));
  }

  /** As {@link #incrementAsync}, subtracting, and stopping at 0. */
  public CompletableFuture<Long> decrementAsync(String key, long delta, long initial, long expiration) {
    return call(counted(new Decrement(0, 0, nextOpaque(), 0, new CounterExtras(delta, initial, expiration), key(key))));
  }

  public long decrement(String key, long delta, long initial, long expiration) throws IOException {
    return request(counted(new Decrement(0, 0, nextOpaque(), 0, new CounterExtras(delta, initial, expiration), key(key))));
  }

  // ---- the server

  /** The server's version. */
  public CompletableFuture<String> versionAsync() {
    return call(versionCommand());
  }

  public String version() throws IOException {
    return request(versionCommand());
  }

  private Command<String> versionCommand() {
    return new Command<>(new Version(0, 0, nextOpaque(), 0), r -> ((VersionResponse) ok(r)).version());
  }

  /** The server's general statistics, by name, in the order it sent them. */
  public CompletableFuture<Map<String, String>> statsAsync() {
    return statsAsync(Duration.ZERO);
  }

  public Map<String, String> stats() throws IOException {
    refuseOnLoop();
    return await(statsAsync(timeout));
  }

  private CompletableFuture<Map<String, String>> statsAsync(Duration within) {
    // The answer ends with the empty statistic, or with a refusal.
    CompletableFuture<List<MemcachedResponseMessage>> answer = requests.callMany(new Stat(0, 0, nextOpaque(), 0, ""),
        r -> r.status() != MemcachedStatus.NO_ERROR.code() || ((StatResponse) r).name().isEmpty(), within);
    return read(answer, frames -> {
      Map<String, String> stats = new LinkedHashMap<>();
      for (MemcachedResponseMessage frame : frames) {
        StatResponse stat = (StatResponse) ok(frame);
        if (!stat.name().isEmpty()) {
          stats.put(stat.name(), stat.value());
        }
      }
      return stats;
    });
  }

  /** Says goodbye: completes once the server has answered; the server then closes, and so does this client. */
  public CompletableFuture<Void> quitAsync() {
    return call(quitCommand());
  }

  public void quit() throws IOException {
    request(quitCommand());
    close();
  }

  private Command<Void> quitCommand() {
    return new Command<>(new Quit(0, 0, nextOpaque(), 0), r -> {
      ok(r);
      return null;
    });
  }

  /**
   * Closes the connection; requests still waiting fail. Returns once they have (but at once on
   * the client's own thread, in a stage, where they fail as soon as the stage returns). Idempotent.
   */
  @Override
  public void close() throws IOException {
    requests.close();
    loop.close(); // runs the close queued just before it, then waits for the loop's thread to end
  }

  /** Whether the client can still send. */
  public boolean isOpen() {
    return requests.isOpen();
  }

  // ---- replies

  /** What a reply (or the frames of one) means to the caller: the command's outcome, or the refusal it says. */
  private interface Reading<F, T> {
    T read(F reply) throws IOException;
  }

  /** A request of one reply frame and what that reply means. */
  private record Command<T>(MemcachedRequestMessage request, Reading<MemcachedResponseMessage, T> reading) {}

  /** A write's command: its reply is the item's new cas, or the refusal. */
  private static Command<Long> stored(MemcachedRequestMessage request) {
    return new Command<>(request, r -> ok(r).cas());
  }

  /** A command whose reply says whether the key was there: not found is false. */
  private static Command<Boolean> found(MemcachedRequestMessage request) {
    return new Command<>(request, r -> {
      if (r.status() == MemcachedStatus.KEY_NOT_FOUND.code()) {
        return false;
      }
      ok(r);
      return true;
    });
  }

  /** A counter's command: its reply is the new value, 8 bytes. */
  private static Command<Long> counted(MemcachedRequestMessage request) {
    return new Command<>(request, r -> {
      ok(r);
      Bytes value = r instanceof IncrementResponse i ? i.value() : ((DecrementResponse) r).value();
      if (value.size() != 8) {
        throw new IOException("a counter's reply holds " + value.size() + " bytes, not 8");
      }
      return value.asReadOnlyBuffer().getLong();
    });
  }

  /** {@code r} if it is a success, else the refusal it says. */
  private static MemcachedResponseMessage ok(MemcachedResponseMessage r) throws MemcachedException {
    if (r.status() != MemcachedStatus.NO_ERROR.code()) {
      throw new MemcachedException(r.status(),
          MemcachedStatus.of(r.status()).map(MemcachedStatus::text).orElse("an unknown status"));
    }
    return r;
  }

  private static MemcachedItem item(MemcachedResponseMessage r, Bytes extras, Bytes value) throws IOException {
    if (extras.size() != 4) {
      throw new IOException("a hit carries " + extras.size() + " bytes of extras, not its 4 bytes of flags");
    }
    return new MemcachedItem(value, extras.asReadOnlyBuffer().getInt() & 0xFFFF_FFFFL, r.cas());
  }

  private static Bytes key(String key) {
    Objects.requireNonNull(key, "key");
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > MemcachedSession.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("key takes " + bytes.length + " bytes of UTF-8: a key takes 1 to "
          + MemcachedSession.MAX_KEY_LENGTH);
    }
    return Bytes.of(bytes);
  }

  // ---- calls

  /** Sends the command; its future completes with what the reply means, on the reader thread. */
  private <T> CompletableFuture<T> call(Command<T> command) {
    return read(requests.call(command.request()), command.reading());
  }

  /** Sends the command and waits for its reply, within the client's timeout. */
  private <T> T request(Command<T> command) throws IOException {
    try {
      return command.reading().read(requests.request(command.request(), timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a reply");
    }
  }

  /**
   * A future of what {@code reply} means once it comes. Its failure is the reading's exception
   * itself (a {@link MemcachedException}, say), not wrapped, as a caller of {@code whenComplete} sees it.
   */
  private static <F, T> CompletableFuture<T> read(CompletableFuture<F> reply, Reading<? super F, T> reading) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    reply.whenComplete((r, failure) -> {
      if (failure != null) {
        outcome.completeExceptionally(failure);
        return;
      }
      try {
        outcome.complete(reading.read(r));
      } catch (IOException | RuntimeException e) {
        outcome.completeExceptionally(e);
      }
    });
    return outcome;
  }

  /** A quiet request's outcome, which a later reply has settled; its failure thrown as it was. */
  private static <T> T settled(CompletableFuture<T> quiet) throws IOException {
    try {
      return quiet.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  /** As {@link RequestClient#request} refuses: on the loop, the reply could never be read. */
  private void refuseOnLoop() {
    if (loop.inLoop()) {
      throw new IllegalStateException("a blocking call on the client's loop thread would wait for ever: use the"
          + " *Async form and a stage");
    }
  }

  /** The future's outcome, which its own timeout bounds; its failure as thrown. */
  private static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        throw (SocketTimeoutException) new SocketTimeoutException(cause.getMessage()).initCause(cause);
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a reply");
    }
  }
}
