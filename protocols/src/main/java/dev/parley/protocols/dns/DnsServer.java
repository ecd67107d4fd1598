package dev.parley.protocols.dns;

import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.nio.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * An authoritative DNS server over TCP (RFC 1035 4.2.2, RFC 7766) for one {@link Zone}, on
 * Parley's {@link EventLoop}, a handler per connection: many queries on one connection,
 * pipelined, each answer carrying its query's id. What it answers is {@link DnsResponder}'s: the
 * zone's records, CNAME chains followed inside it, NXDOMAIN and NODATA with the SOA, REFUSED
 * outside the zone, FORMERR and NOTIMP. A frame shorter than a DNS header closes its connection.
 *
 * <pre>{@code
 * try (DnsServer server = DnsServer.builder(Zone.parse(Path.of("parley.zone")))
 *     .start(new InetSocketAddress("127.0.0.1", 0))) {
 *   InetSocketAddress address = server.address();
 * }
 * }</pre>
 */
public final class DnsServer implements Closeable {

  /**
   * How long a connection may stay idle before the server closes it: RFC 7766 6.2.3 asks servers
   * to close idle connections, and leaves the time to them.
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  private final EventLoop loop;
  private final InetSocketAddress address;

  private DnsServer(Builder builder, InetSocketAddress bind) throws IOException {
    DnsResponder responder = new DnsResponder(builder.zone);
    this.loop = EventLoop.start("dns-server", builder.errors);
    try {
      this.address = loop.listen(bind, Conversation.of(DnsRequestProtocol.INSTANCE, DnsProtocol.INSTANCE),
          () -> new DnsSession(responder), builder.options, builder.limits);
    } catch (IOException | RuntimeException e) {
      loop.close(Duration.ZERO);
      throw e;
    }
  }

  /** A builder of a server for {@code zone}. */
  public static Builder builder(Zone zone) {
    return new Builder(Objects.requireNonNull(zone, "zone"));
  }

  /** The address listened on, with its actual port. */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops accepting, lets queued answers drain for up to {@code drain}, closes every connection. Idempotent. */
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
    private final Zone zone;
    private ConnectionOptions options = ConnectionOptions.defaults().withIdleTimeout(DEFAULT_IDLE_TIMEOUT);
    private ListenOptions limits = ListenOptions.defaults();
    private ErrorHook errors = ErrorHook.logging();

    private Builder(Zone zone) {
      this.zone = zone;
    }

    /** Each connection's limits: the runtime's defaults, with an idle timeout of {@link #DEFAULT_IDLE_TIMEOUT}. */
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
    public DnsServer start(InetSocketAddress bind) throws IOException {
      return new DnsServer(this, Objects.requireNonNull(bind, "bind"));
    }
  }
}
