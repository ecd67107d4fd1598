package dev.parley.protocols.pg;

import dev.parley.protocols.pg.answer.PgEncryptionAnswerMessage;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerProtocol;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.frontend.PgFrontendMessage;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.sasl.PgSaslInitialMessage;
import dev.parley.protocols.pg.sasl.PgSaslInitialProtocol;
import dev.parley.protocols.pg.sasl.PgSaslResponseMessage;
import dev.parley.protocols.pg.sasl.PgSaslResponseProtocol;
import dev.parley.protocols.pg.startup.PgStartupMessage;
import dev.parley.protocols.pg.startup.PgStartupProtocol;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.Tls;
import dev.parley.runtime.nio.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small PostgreSQL server (protocol 3.0) on an {@link EventLoop}, one handler per connection,
 * whose phases are {@code switchTo}s: SSLRequest answered 'S' and TLS started when the server
 * has a certificate ({@link #start(InetSocketAddress, PgAuth, ErrorHook, Tls)}), 'N' otherwise,
 * as GSSENCRequest always is; the startup
 * message, the password (MD5) or SCRAM-SHA-256's two rounds, then the session, with the simple
 * and the extended query protocols. Its SQL is small ({@link Sql}): SELECT of literals and
 * parameters, the table {@code kv(k text PRIMARY KEY, v text)} shared by all sessions, and SET,
 * RESET and SHOW; any other statement is an ErrorResponse with PostgreSQL's SQLSTATE, and a frame
 * that does not decode is answered with 08P01 before the connection closes. Every database name
 * is the one database; there are no transactions (ReadyForQuery always says idle).
 */
public final class PgServer implements Closeable {

  static final Conversation<Inbound<PgStartupMessage>, PgEncryptionAnswerMessage> STARTUP =
      Conversation.of(Inbound.reading(PgStartupProtocol.INSTANCE), PgEncryptionAnswerProtocol.INSTANCE);
  static final Conversation<Inbound<PgFrontendMessage>, PgBackendMessage> SESSION =
      Conversation.of(Inbound.reading(PgFrontendProtocol.INSTANCE), PgBackendProtocol.INSTANCE);
  static final Conversation<Inbound<PgSaslInitialMessage>, PgBackendMessage> SASL_INITIAL =
      Conversation.of(Inbound.reading(PgSaslInitialProtocol.INSTANCE), PgBackendProtocol.INSTANCE);
  static final Conversation<Inbound<PgSaslResponseMessage>, PgBackendMessage> SASL_RESPONSE =
      Conversation.of(Inbound.reading(PgSaslResponseProtocol.INSTANCE), PgBackendProtocol.INSTANCE);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final EventLoop loop;
  private final PgAuth auth;
  private final Optional<Tls> tls;
  private final Optional<Scram.Verifier> verifier;
  private final Database database = new Database();
  private final AtomicInteger processIds = new AtomicInteger(1000);
  private InetSocketAddress address;

  private PgServer(EventLoop loop, PgAuth auth, Optional<Tls> tls) {
    this.loop = loop;
    this.auth = auth;
    this.tls = tls;
    // Computed once: 4096 rounds of HMAC would stall the event loop at every connection.
    this.verifier = auth.method() == PgAuth.Method.SCRAM_SHA_256
        ? Optional.of(new Scram.Verifier(auth.password().orElseThrow())) : Optional.empty();
  }

  /** Starts a server on {@code bind} (port 0 for any free one), reporting to {@link ErrorHook#logging()}. */
  public static PgServer start(InetSocketAddress bind, PgAuth auth) throws IOException {
    return start(bind, auth, ErrorHook.logging());
  }

  /** Starts a server on {@code bind} on an event loop of its own, which reports to {@code errors}. */
  public static PgServer start(InetSocketAddress bind, PgAuth auth, ErrorHook errors) throws IOException {
    return start(bind, auth, errors, Optional.empty());
  }

  /**
   * Starts a server that answers SSLRequest with 'S' and starts TLS as {@code tls} says (a
   * server's); clients that send no SSLRequest are still served in plaintext.
   */
  public static PgServer start(InetSocketAddress bind, PgAuth auth, ErrorHook errors, Tls tls) throws IOException {
    return start(bind, auth, errors, Optional.of(tls));
  }

  private static PgServer start(InetSocketAddress bind, PgAuth auth, ErrorHook errors, Optional<Tls> tls)
      throws IOException {
    EventLoop loop = EventLoop.start("pg-server", errors);
    PgServer server = new PgServer(loop, auth, tls);
    try {
      server.address = loop.listen(bind, STARTUP, () -> new ServerStartup(server), ConnectionOptions.defaults(),
          ListenOptions.defaults());
    } catch (IOException | RuntimeException e) {
      loop.close(Duration.ZERO);
      throw e;
    }
    return server;
  }

  /** The address listened on, with its actual port. */
  public InetSocketAddress address() {
    return address;
  }

  /** The rows of the table kv now, by k; a NULL v is empty. */
  public Map<String, Optional<String>> kv() {
    return database.kv();
  }

  PgAuth auth() {
    return auth;
  }

  Optional<Tls> tls() {
    return tls;
  }

  Optional<Scram.Verifier> verifier() {
    return verifier;
  }

  Database database() {
    return database;
  }

  /** A new session's process id and secret key, for BackendKeyData. */
  int nextProcessId() {
    return processIds.incrementAndGet();
  }

  static int secretKey() {
    return RANDOM.nextInt();
  }

  /** Stops as {@link #close(Duration)} with two seconds to drain. */
  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }

  /**
   * Stops accepting, lets what is queued for the clients leave for at most {@code drain}, then
   * closes every connection. Idempotent.
   */
  public void close(Duration drain) {
    loop.close(drain);
  }
}
