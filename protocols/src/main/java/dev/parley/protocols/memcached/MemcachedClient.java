package dev.parley.protocols.memcached;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Conversation;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * A memcached client over one connection, binary protocol. Every command has an asynchronous
 * form, which pipelines (requests leave as they are made, several in one write when they queue up,
 * and replies are matched as they come), and a blocking form bounded by the client's timeout.
 * Each reply is matched to its request by its opaque, which must be the oldest request still
 * waiting (memcached answers in order); a quiet request passed over by a later reply succeeded
 * (a GetQ: missed). A reply out of that order, to no request or with another opcode is a protocol
 * error: every waiting request fails and the connection closes.
 *
 * <p>Outcomes: a get's miss is an empty {@code Optional}, a delete's or touch's miss is
 * {@code false}; any other refusal completes the future with (and the blocking form throws) a
 * {@link MemcachedException} carrying the status, such as 0x0002 for an Add over an existing key
 * or a CAS mismatch. Writes return the item's new cas. The futures complete on the client's
 * reader thread: chain slow work with the {@code *Async} methods of {@link CompletableFuture}.
 * All methods may be called from any thread. Keys are UTF-8, 1 to 250 bytes.
 */
public final class MemcachedClient implements Closeable {

  /** The expiration of an increment or decrement that fails on an absent key instead of creating it. */
  public static final long NO_CREATE = MemcachedStore.NO_CREATE;

  private final BlockingConnection<MemcachedResponseMessage, MemcachedRequestMessage> connection;
  private final Duration timeout;
  private final Thread reader;
  private final Object lock = new Object();
  /** Requests sent, in the order they were written, waiting for their replies; under lock. */
  private final ArrayDeque<Pending<?>> pending = new ArrayDeque<>();
  /** Requests made and not yet written; under lock. */
  private List<MemcachedRequestMessage> unsent = new ArrayList<>();
  /** Whether a thread is writing what is unsent; under lock. */
  private boolean writing;
  /** Why the client stopped, once it has; under lock. */
  private IOException failure;
  private long lastOpaque;

  private MemcachedClient(BlockingConnection<MemcachedResponseMessage, MemcachedRequestMessage> connection,
      Duration timeout, String name) {
    this.connection = connection;
    this.timeout = timeout;
    this.reader = new Thread(this::read, name);
    this.reader.setDaemon(true);
  }

  /**
   * Connects to a memcached server; {@code timeout} bounds the connect and each blocking call.
   */
  public static MemcachedClient connect(InetSocketAddress address, Duration timeout) throws IOException {
    BlockingConnection<MemcachedResponseMessage, MemcachedRequestMessage> connection = BlockingConnection.connect(
        address, Conversation.of(MemcachedResponseProtocol.INSTANCE, MemcachedRequestProtocol.INSTANCE), timeout);
    MemcachedClient client = new MemcachedClient(connection, timeout, "memcached-client " + address);
    client.reader.start();
    return client;
  }

  // ---- get

  /** The item under {@code key}; empty on a miss. */
  public CompletableFuture<Optional<MemcachedItem>> getAsync(String key) {
    Bytes k = key(key);
    Pending<Optional<MemcachedItem>> get = new Pending<>(Get.TYPE_ID, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        GetResponse response = (GetResponse) r; // the opcode was checked: Get's response type
        if (r.status() == MemcachedStatus.KEY_NOT_FOUND.code()) {
          future.complete(Optional.empty());
        } else {
          future.complete(Optional.of(item(ok(r), response.extras(), response.value())));
        }
        return true;
      }
    };
    return submit(get, opaque -> new Get(0, 0, opaque, 0, k));
  }

  public Optional<MemcachedItem> get(String key) throws IOException {
    return await(getAsync(key));
  }

  /**
   * The items under {@code keys} that are there, in one pipelined batch: a GetQ per key (a miss
   * gets no reply), then a No-op, whose reply says every GetQ before it has been answered.
   */
  public CompletableFuture<Map<String, MemcachedItem>> getMultiAsync(Collection<String> keys) {
    Map<String, MemcachedItem> found = new LinkedHashMap<>(); // touched by the reader thread only
    List<Pending<?>> batch = new ArrayList<>();
    List<Bytes> encoded = new ArrayList<>();
    for (String key : new LinkedHashSet<>(keys)) {
      encoded.add(key(key));
      batch.add(new Pending<Void>(GetQ.TYPE_ID, true) {
        @Override
        boolean reply(MemcachedResponseMessage r) throws IOException {
          GetQResponse response = (GetQResponse) r;
          found.put(key, item(ok(r), response.extras(), response.value()));
          future.complete(null);
          return true;
        }
      });
    }
    Pending<Map<String, MemcachedItem>> noop = new Pending<>(Noop.TYPE_ID, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        ok(r);
        future.complete(found);
        return true;
      }
    };
    // A GetQ that fails (not a miss: a miss is silent) fails the batch.
    for (Pending<?> getq : batch) {
      getq.future.whenComplete((ok, error) -> {
        if (error != null) {
          noop.future.completeExceptionally(error);
        }
      });
    }
    batch.add(noop);
    List<LongFunction<MemcachedRequestMessage>> requests = new ArrayList<>();
    for (Bytes k : encoded) {
      requests.add(opaque -> new GetQ(0, 0, opaque, 0, k));
    }
    requests.add(opaque -> new Noop(0, 0, opaque, 0));
    submitAll(batch, requests);
    return noop.future;
  }

  public Map<String, MemcachedItem> getMulti(Collection<String> keys) throws IOException {
    return await(getMultiAsync(keys));
  }

  // ---- storage

  /** Stores {@code value} under {@code key}; the new cas. {@code expiration}: 0 never, else memcached's rule. */
  public CompletableFuture<Long> setAsync(String key, Bytes value, long flags, long expiration) {
    return casAsync(key, value, flags, expiration, 0);
  }

  public long set(String key, Bytes value, long flags, long expiration) throws IOException {
    return await(setAsync(key, value, flags, expiration));
  }

  /** Stores {@code value} only over the item whose cas is {@code cas}: else 0x0002 (another cas) or 0x0001 (none). */
  public CompletableFuture<Long> casAsync(String key, Bytes value, long flags, long expiration, long cas) {
    return store(Set.TYPE_ID, key, flags, expiration, (opaque, extras, k) -> new Set(0, 0, opaque, cas, extras, k, value));
  }

  public long cas(String key, Bytes value, long flags, long expiration, long cas) throws IOException {
    return await(casAsync(key, value, flags, expiration, cas));
  }

  /** Stores {@code value} only if {@code key} holds nothing: else 0x0002. */
  public CompletableFuture<Long> addAsync(String key, Bytes value, long flags, long expiration) {
    return store(Add.TYPE_ID, key, flags, expiration, (opaque, extras, k) -> new Add(0, 0, opaque, 0, extras, k, value));
  }

  public long add(String key, Bytes value, long flags, long expiration) throws IOException {
    return await(addAsync(key, value, flags, expiration));
  }

  /** Stores {@code value} only if {@code key} holds something: else 0x0001. */
  public CompletableFuture<Long> replaceAsync(String key, Bytes value, long flags, long expiration) {
    return store(Replace.TYPE_ID, key, flags, expiration,
        (opaque, extras, k) -> new Replace(0, 0, opaque, 0, extras, k, value));
  }

  public long replace(String key, Bytes value, long flags, long expiration) throws IOException {
    return await(replaceAsync(key, value, flags, expiration));
  }

  /** Appends {@code value} to what {@code key} holds: else 0x0005 (not stored). */
  public CompletableFuture<Long> appendAsync(String key, Bytes value) {
    Bytes k = key(key);
    return submit(casReply(Append.TYPE_ID), opaque -> new Append(0, 0, opaque, 0, k, value));
  }

  public long append(String key, Bytes value) throws IOException {
    return await(appendAsync(key, value));
  }

  /** Prepends {@code value} to what {@code key} holds: else 0x0005 (not stored). */
  public CompletableFuture<Long> prependAsync(String key, Bytes value) {
    Bytes k = key(key);
    return submit(casReply(Prepend.TYPE_ID), opaque -> new Prepend(0, 0, opaque, 0, k, value));
  }

  public long prepend(String key, Bytes value) throws IOException {
    return await(prependAsync(key, value));
  }

  /** Removes the item; false if there was none. */
  public CompletableFuture<Boolean> deleteAsync(String key) {
    Bytes k = key(key);
    return submit(found(Delete.TYPE_ID), opaque -> new Delete(0, 0, opaque, 0, k));
  }

  public boolean delete(String key) throws IOException {
    return await(deleteAsync(key));
  }

  /** Sets the item's expiration; false if there is no item. */
  public CompletableFuture<Boolean> touchAsync(String key, long expiration) {
    Bytes k = key(key);
    TouchExtras extras = new TouchExtras(expiration);
    return submit(found(Touch.TYPE_ID), opaque -> new Touch(0, 0, opaque, 0, extras, k));
  }

  public boolean touch(String key, long expiration) throws IOException {
    return await(touchAsync(key, expiration));
  }

  // ---- counters

  /**
   * Adds {@code delta} to the decimal value under {@code key} (wrapping at 2^64); an absent key is
   * created holding {@code initial}, unless {@code expiration} is {@link #NO_CREATE} (then 0x0001).
   * A value that is not a decimal number is 0x0006. The new value, unsigned.
   */
  public CompletableFuture<Long> incrementAsync(String key, long delta, long initial, long expiration) {
    return count(Increment.TYPE_ID, key, new CounterExtras(delta, initial, expiration),
        (opaque, extras, k) -> new Increment(0, 0, opaque, 0, extras, k));
  }

  public long increment(String key, long delta, long initial, long expiration) throws IOException {
    return await(incrementAsync(key, delta, initial, expiration));
  }

  /** As {@link #incrementAsync}, subtracting, and stopping at 0. */
  public CompletableFuture<Long> decrementAsync(String key, long delta, long initial, long expiration) {
    return count(Decrement.TYPE_ID, key, new CounterExtras(delta, initial, expiration),
        (opaque, extras, k) -> new Decrement(0, 0, opaque, 0, extras, k));
  }

  public long decrement(String key, long delta, long initial, long expiration) throws IOException {
    return await(decrementAsync(key, delta, initial, expiration));
  }

  // ---- the server

  /** The server's version. */
  public CompletableFuture<String> versionAsync() {
    Pending<String> version = new Pending<>(Version.TYPE_ID, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        future.complete(((VersionResponse) ok(r)).version());
        return true;
      }
    };
    return submit(version, opaque -> new Version(0, 0, opaque, 0));
  }

  public String version() throws IOException {
    return await(versionAsync());
  }

  /** The server's general statistics, by name, in the order it sent them. */
  public CompletableFuture<Map<String, String>> statsAsync() {
    Map<String, String> stats = new LinkedHashMap<>();
    Pending<Map<String, String>> stat = new Pending<>(Stat.TYPE_ID, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        StatResponse response = (StatResponse) ok(r);
        if (response.name().isEmpty()) {
          future.complete(stats); // the empty statistic ends the answer
          return true;
        }
        stats.put(response.name(), response.value());
        return false;
      }
    };
    return submit(stat, opaque -> new Stat(0, 0, opaque, 0, ""));
  }

  public Map<String, String> stats() throws IOException {
    return await(statsAsync());
  }

  /** Says goodbye: completes once the server has answered; the server then closes, and so does this client. */
  public CompletableFuture<Void> quitAsync() {
    Pending<Void> quit = new Pending<>(Quit.TYPE_ID, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        ok(r);
        future.complete(null);
        return true;
      }
    };
    return submit(quit, opaque -> new Quit(0, 0, opaque, 0));
  }

  public void quit() throws IOException {
    await(quitAsync());
    close();
  }

  /** Closes the connection; requests still waiting fail. Idempotent. */
  @Override
  public void close() throws IOException {
    stop(new IOException("the client was closed"));
  }

  /** Whether the client can still send. */
  public boolean isOpen() {
    synchronized (lock) {
      return failure == null;
    }
  }

  /** A request of one command from its opaque, its extras and its key: the command's record constructor. */
  private interface Request<E> {
    MemcachedRequestMessage make(long opaque, E extras, Bytes key);
  }

  private CompletableFuture<Long> store(int opcode, String key, long flags, long expiration,
      Request<StorageExtras> request) {
    StorageExtras extras = new StorageExtras(flags, expiration);
    Bytes k = key(key);
    return submit(casReply(opcode), opaque -> request.make(opaque, extras, k));
  }

  private CompletableFuture<Long> count(int opcode, String key, CounterExtras extras, Request<CounterExtras> request) {
    Bytes k = key(key);
    return submit(counterReply(opcode), opaque -> request.make(opaque, extras, k));
  }

  // ---- correlation

  /** A request waiting for its reply: its opcode, whether it is quiet, and what its reply means. */
  private abstract static class Pending<T> {
    final int opcode;
    final boolean quiet;
    final CompletableFuture<T> future = new CompletableFuture<>();
    long opaque;

    Pending(int opcode, boolean quiet) {
      this.opcode = opcode;
      this.quiet = quiet;
    }

    /** A reply with this request's opaque and opcode; true when it is the last (a Stat has several). */
    abstract boolean reply(MemcachedResponseMessage r) throws IOException;

    /** A later request's reply came first: a quiet request succeeded, a GetQ missed. */
    void passedOver() {
      future.complete(null);
    }
  }

  /** A write's reply: its cas, or the refusal. */
  private static Pending<Long> casReply(int opcode) {
    return new Pending<>(opcode, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        future.complete(ok(r).cas());
        return true;
      }
    };
  }

  /** A reply that says whether the key was there: not found is false. */
  private static Pending<Boolean> found(int opcode) {
    return new Pending<>(opcode, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        if (r.status() == MemcachedStatus.KEY_NOT_FOUND.code()) {
          future.complete(false);
        } else {
          ok(r);
          future.complete(true);
        }
        return true;
      }
    };
  }

  /** A counter's reply: the new value, 8 bytes. */
  private static Pending<Long> counterReply(int opcode) {
    return new Pending<>(opcode, false) {
      @Override
      boolean reply(MemcachedResponseMessage r) throws IOException {
        ok(r);
        Bytes value = r instanceof IncrementResponse i ? i.value() : ((DecrementResponse) r).value();
        if (value.size() != 8) {
          throw new IOException("a counter's reply holds " + value.size() + " bytes, not 8");
        }
        future.complete(value.asReadOnlyBuffer().getLong());
        return true;
      }
    };
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

  private <T> CompletableFuture<T> submit(Pending<T> request, LongFunction<MemcachedRequestMessage> message) {
    submitAll(List.of(request), List.of(message));
    return request.future;
  }

  /**
   * Sends the requests, each built with its opaque, in this order and with nothing between them.
   * Whoever finds no write under way writes what is unsent, in batches, until nothing is left;
   * the others return at once. The queue of waiting requests is in the order of the wire.
   */
  private void submitAll(List<? extends Pending<?>> requests,
      List<LongFunction<MemcachedRequestMessage>> messages) {
    synchronized (lock) {
      if (failure != null) {
        IOException failed = new IOException("the client is closed: " + failure.getMessage(), failure);
        requests.forEach(p -> p.future.completeExceptionally(failed));
        return;
      }
      for (int i = 0; i < requests.size(); i++) {
        Pending<?> request = requests.get(i);
        request.opaque = lastOpaque = (lastOpaque + 1) & 0xFFFF_FFFFL;
        unsent.add(messages.get(i).apply(request.opaque));
        pending.add(request);
      }
      if (writing) {
        return;
      }
      writing = true;
    }
    while (true) {
      List<MemcachedRequestMessage> batch;
      synchronized (lock) {
        if (unsent.isEmpty() || failure != null) {
          writing = false;
          return;
        }
        batch = unsent;
        unsent = new ArrayList<>();
      }
      try {
        connection.sendAll(batch);
      } catch (IOException | RuntimeException e) {
        synchronized (lock) {
          writing = false;
        }
        stop(e instanceof IOException io ? io : new IOException("a request did not encode", e));
        return;
      }
    }
  }

  /** The reader thread: each reply to its request, until the connection ends. */
  private void read() {
    IOException end;
    try {
      while (true) {
        Optional<MemcachedResponseMessage> reply = connection.receive();
        if (reply.isEmpty()) {
          end = new IOException("the server closed the connection");
          break;
        }
        dispatch(reply.get());
      }
    } catch (IOException e) {
      end = e;
    }
    stop(end);
  }

  private void dispatch(MemcachedResponseMessage r) throws IOException {
    List<Pending<?>> passed = new ArrayList<>(0);
    Pending<?> request;
    boolean last;
    synchronized (lock) {
      while (true) {
        request = pending.peek();
        if (request == null) {
          throw new IOException(String.format("a reply with opaque 0x%08x to no request waiting", r.opaque()));
        }
        if (request.opaque == r.opaque()) {
          break;
        }
        if (!request.quiet) {
          throw new IOException(String.format("a reply with opaque 0x%08x while the request with opaque 0x%08x "
              + "(opcode 0x%02x), sent before it, waits for its own", r.opaque(), request.opaque, request.opcode));
        }
        passed.add(pending.poll());
      }
      if (r.typeId() != request.opcode) {
        throw new IOException(String.format("a reply with opcode 0x%02x to the request with opcode 0x%02x (opaque 0x%08x)",
            r.typeId(), request.opcode, r.opaque()));
      }
    }
    for (Pending<?> quiet : passed) {
      quiet.passedOver();
    }
    try {
      last = request.reply(r);
    } catch (MemcachedException refused) {
      request.future.completeExceptionally(refused);
      last = true;
    }
    if (last) {
      synchronized (lock) {
        pending.remove(request);
      }
    }
  }

  /** Stops the client: the connection closes and every waiting request fails with {@code why}. */
  private void stop(IOException why) {
    List<Pending<?>> failed;
    synchronized (lock) {
      if (failure == null) {
        failure = why;
      }
      failed = new ArrayList<>(pending);
      pending.clear();
      unsent.clear();
    }
    try {
      connection.close();
    } catch (IOException e) {
      why.addSuppressed(e);
    }
    for (Pending<?> request : failed) {
      request.future.completeExceptionally(why);
    }
  }

  /** The future's value within the client's timeout; its failure as thrown. */
  private <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("no reply within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a reply");
    }
  }
}
