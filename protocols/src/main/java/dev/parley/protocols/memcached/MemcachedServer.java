package dev.parley.protocols.memcached;

import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.nio.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * A small memcached server speaking the binary protocol on Parley's {@link EventLoop}, over an
 * in-memory store: get, set, add, replace, append, prepend, delete, increment, decrement, touch,
 * their quiet variants, noop, version, stat and quit; flags, expiry (relative seconds up to 30
 * days, a Unix time above) and CAS. What it refuses gets memcached's status: not found, exists,
 * too large, invalid arguments, not stored, non-numeric, unknown command (0x0081), out of memory.
 * A frame that is not a request (another magic) closes its connection without a reply.
 *
 * <pre>{@code
 * try (MemcachedServer server = MemcachedServer.builder().start(new InetSocketAddress("127.0.0.1", 0))) {
 *   InetSocketAddress address = server.address();
 * }
 * }</pre>
 */
public final class MemcachedServer implements Closeable {

  /**
   * What Version answers. Clients read a version as major.minor.micro, and some enable commands
   * by it, so it names the memcached level this server follows, and says it is not memcached.
   */
  public static final String VERSION = "1.6.0-parley";

  /** memcached's default largest value, 1 MiB ({@code -I 1m}). */
  public static final int DEFAULT_MAX_ITEM_SIZE = 1 << 20;

  /** memcached's default memory for items, 64 MiB ({@code -m 64}). */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  private final EventLoop loop;
  private final MemcachedStore store;
  private final ServerStats stats;
  private final InetSocketAddress address;

  private MemcachedServer(Builder builder, InetSocketAddress bind) throws IOException {
    this.store = new MemcachedStore(builder.clock, builder.maxItemSize, builder.maxBytes);
    this.stats = new ServerStats(builder.clock);
    this.loop = EventLoop.start("memcached-server", builder.errors);
    try {
      this.address = loop.listen(bind, ServerConversation.SERVER, () -> new MemcachedSession(this), builder.options,
          builder.limits);
    } catch (IOException | RuntimeException e) {
      loop.close(Duration.ZERO);
      throw e;
    }
  }

  /** A builder with memcached's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address listened on, with its actual port. */
  public InetSocketAddress address() {
    return address;
  }

  MemcachedStore store() {
    return store;
  }

  ServerStats stats() {
    return stats;
  }

  /** Stops accepting, lets queued replies drain for up to {@code drain}, closes every connection. Idempotent. */
  public void close(Duration drain) {
    loop.close(drain);
  }

  /** Closes with a one-second drain. */
  @Override
  public void close() {
    close(Duration.ofSeconds(1));
  }

  /** How a server is made; each setter returns this builder. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private ConnectionOptions options = ConnectionOptions.defaults();
    private ListenOptions limits = ListenOptions.defaults();
    private ErrorHook errors = ErrorHook.logging();

    private Builder() {}

    /** The clock expiry is measured by: the system's by default; a test's to move time without waiting. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The largest value stored; a larger one is refused with status 0x0003. At most 1 MiB less than
     * the requests' frame bound (2 MiB), so that a value above it is answered, not cut off.
     */
    public Builder maxItemSize(int bytes) {
      int most = MemcachedRequestProtocol.INSTANCE.frameFormat().maxFrameLength() - DEFAULT_MAX_ITEM_SIZE;
      if (bytes < 1 || bytes > most) {
        throw new IllegalArgumentException("maxItemSize must be 1 to " + most + ": " + bytes);
      }
      this.maxItemSize = bytes;
      return this;
    }

    /** The bytes of keys, values and per-item overhead the store holds; past it writes get 0x0082. */
    public Builder maxBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBytes must be positive: " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    /** Each connection's limits (the runtime's defaults: no idle timeout, 30 s frame and write deadlines). */
    public Builder options(ConnectionOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The listener's limits. */
    public Builder limits(ListenOptions limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Where the event loop reports what goes wrong; {@link ErrorHook#logging()} by default. */
    public Builder errorHook(ErrorHook errors) {
      this.errors = Objects.requireNonNull(errors, "errors");
      return this;
    }

    /** Starts a server listening on {@code bind} (port 0 for any free port). */
    public MemcachedServer start(InetSocketAddress bind) throws IOException {
      return new MemcachedServer(this, Objects.requireNonNull(bind, "bind"));
    }
  }
}
