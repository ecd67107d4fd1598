package dev.parley.protocols.pg;

import dev.parley.protocols.pg.answer.PgEncryptionAnswerMessage;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerProtocol;
import dev.parley.protocols.pg.answer.Unwilling;
import dev.parley.protocols.pg.answer.WillingSsl;
import dev.parley.protocols.pg.backend.Authentication;
import dev.parley.protocols.pg.backend.AuthenticationCleartextPassword;
import dev.parley.protocols.pg.backend.AuthenticationMd5Password;
import dev.parley.protocols.pg.backend.AuthenticationOk;
import dev.parley.protocols.pg.backend.AuthenticationRequest;
import dev.parley.protocols.pg.backend.AuthenticationSasl;
import dev.parley.protocols.pg.backend.AuthenticationSaslContinue;
import dev.parley.protocols.pg.backend.AuthenticationSaslFinal;
import dev.parley.protocols.pg.backend.BackendKeyData;
import dev.parley.protocols.pg.backend.ErrorResponse;
import dev.parley.protocols.pg.backend.ParameterStatus;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.frontend.Bind;
import dev.parley.protocols.pg.frontend.Close;
import dev.parley.protocols.pg.frontend.Describe;
import dev.parley.protocols.pg.frontend.Execute;
import dev.parley.protocols.pg.frontend.Parse;
import dev.parley.protocols.pg.frontend.PasswordMessage;
import dev.parley.protocols.pg.frontend.PgFrontendMessage;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.frontend.Query;
import dev.parley.protocols.pg.frontend.Sync;
import dev.parley.protocols.pg.frontend.Terminate;
import dev.parley.protocols.pg.sasl.PgSaslInitialMessage;
import dev.parley.protocols.pg.sasl.PgSaslInitialProtocol;
import dev.parley.protocols.pg.sasl.PgSaslResponseMessage;
import dev.parley.protocols.pg.sasl.PgSaslResponseProtocol;
import dev.parley.protocols.pg.sasl.SaslInitialResponse;
import dev.parley.protocols.pg.sasl.SaslResponse;
import dev.parley.protocols.pg.startup.Parameter;
import dev.parley.protocols.pg.startup.PgStartupMessage;
import dev.parley.protocols.pg.startup.PgStartupProtocol;
import dev.parley.protocols.pg.startup.SslRequest;
import dev.parley.protocols.pg.startup.StartupMessage;
import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.Correlation;
import dev.parley.runtime.RequestClient;
import dev.parley.runtime.RequestOptions;
import dev.parley.runtime.Tls;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small PostgreSQL client (protocol 3.0) over a {@link BlockingConnection}: it starts a session
 * with trust, a clear-text or MD5 password, or SCRAM-SHA-256, then runs simple queries
 * ({@link #query}, or pipelined: {@link #queryAsync}) and extended-protocol statements with text
 * parameters ({@link #execute}), and returns their rows as text. Each phase of the conversation is
 * a {@code switchTo}: the one-byte answer to SSLRequest, the untagged startup message, SASL's
 * answers (which share PasswordMessage's tag), then the tagged session.
 *
 * <p>Pipelining: PostgreSQL answers in order, each Query (or group ending in Sync) up to its
 * ReadyForQuery, so {@link #queryAsync} writes its query and returns at once, and many may be in
 * flight on the connection (1024 at most; a call past it waits). The first {@code queryAsync}
 * hands the connection to a {@link RequestClient}, whose thread reads every reply from then on,
 * matching them in order; until then the blocking calls read their replies on the caller's
 * thread, which spares each round trip a hand-off between threads. A simple Query is its own
 * transaction unless it opens one: an error fails that query's future alone, and the ones after
 * it run. Frames PostgreSQL sends of its own accord (NoticeResponse, ParameterStatus,
 * NotificationResponse) are part of the reply they arrive in, up to its ReadyForQuery; one that
 * arrives with no query in flight answers nothing, which the request client takes for a protocol
 * error: it closes the connection, and every later call fails. PostgreSQL sends them only within
 * a reply, except a NotificationResponse to a session that ran LISTEN (this client is not for
 * LISTEN) and the FATAL ErrorResponse of a server shutting down, which ends the session anyway.
 *
 * <p>{@link #query} and {@link #queryAsync} may be called from any threads at once (a blocking
 * call holds the connection until its reply while nothing is pipelined);
 * {@link #execute}, which keeps the prepared statements, from one thread at a time. A blocking
 * call must not be made from a stage of one of this client's futures, which may run on the thread
 * that reads the replies: it would wait out its timeout. No TLS, no COPY.
 */
public final class PgClient implements Closeable {

  private static final Conversation<PgBackendMessage, PgStartupMessage> STARTUP =
      Conversation.of(PgBackendProtocol.INSTANCE, PgStartupProtocol.INSTANCE);
  private static final Conversation<PgBackendMessage, PgFrontendMessage> SESSION =
      Conversation.of(PgBackendProtocol.INSTANCE, PgFrontendProtocol.INSTANCE);
  private static final Conversation<PgBackendMessage, PgSaslInitialMessage> SASL_INITIAL =
      Conversation.of(PgBackendProtocol.INSTANCE, PgSaslInitialProtocol.INSTANCE);
  private static final Conversation<PgBackendMessage, PgSaslResponseMessage> SASL_RESPONSE =
      Conversation.of(PgBackendProtocol.INSTANCE, PgSaslResponseProtocol.INSTANCE);
  private static final Sync SYNC = new Sync();
  private static final Describe DESCRIBE_PORTAL = new Describe('P', "");
  private static final Execute EXECUTE_ALL = new Execute("", 0);
  /** The most named statements a client keeps prepared. */
  static final int MAX_PREPARED = 256;

  /** A statement prepared by name, and its columns once described (null before). */
  private record Prepared(String name, List<PgResult.Column> columns) {}

  private final BlockingConnection<PgBackendMessage, PgFrontendMessage> connection;
  private final Duration timeout;
  /**
   * Reads every reply from the first {@link #queryAsync} on, and owns the connection from then
   * on; null before. Written under {@link #writing}.
   */
  private volatile RequestClient<PgFrontendMessage, PgBackendMessage> requests;
  /**
   * Held while a request's messages are written, so that a group of several (Parse to Sync) is
   * not split by another thread's query (in order, every frame up to ReadyForQuery answers the
   * group's first message); and, while nothing is pipelined, until its reply is read.
   */
  private final Object writing = new Object();
  /** Written on the thread that reads the replies, as they come. */
  private final Map<String, String> parameters = new ConcurrentHashMap<>();
  private int processId;
  private int secretKey;
  private volatile int status = 'I';
  private boolean endedByServer;
  /** The statements prepared, by SQL text, the one used last at the end. */
  private final LinkedHashMap<String, Prepared> prepared = new LinkedHashMap<>(16, 0.75f, true);
  /** Statements to close with the next execute: evicted, or no longer usable. */
  private final List<String> unused = new ArrayList<>();
  private int statements;

  private PgClient(BlockingConnection<PgBackendMessage, PgFrontendMessage> connection, Duration timeout) {
    this.connection = connection;
    this.timeout = timeout;
  }

  /**
   * How to connect.
   *
   * @param timeout for connecting, for each read of the startup, and for each query's reply
   * @param sslRequest whether to send SSLRequest first without TLS: the server must answer 'N'
   * @param parameters run-time parameters for the startup message besides user, database and
   *     client_encoding, such as application_name
   * @param tls TLS to require: SSLRequest, the server's 'S', the handshake (under the timeout), then
   *     the startup message inside TLS; a server that answers 'N' is refused. Empty for plaintext
   */
  public record Options(Duration timeout, boolean sslRequest, Map<String, String> parameters, Optional<Tls> tls) {
    public Options {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(tls, "tls");
      parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** 30 s, no SSLRequest, no TLS, no extra parameters. */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(30), false, Map.of(), Optional.empty());
    }

    public Options withTimeout(Duration timeout) {
      return new Options(timeout, sslRequest, parameters, tls);
    }

    public Options withSslRequest(boolean sslRequest) {
      return new Options(timeout, sslRequest, parameters, tls);
    }

    public Options withParameter(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(parameters);
      more.put(name, value);
      return new Options(timeout, sslRequest, more, tls);
    }

    /** TLS, as PostgreSQL's {@code sslmode=verify-full} asks when {@code settings} verifies the host name. */
    public Options withTls(Tls settings) {
      return new Options(timeout, sslRequest, parameters, Optional.of(settings));
    }
  }

  /** Connects as {@link #connect(InetSocketAddress, String, String, String, Options)} with the default options. */
  public static PgClient connect(InetSocketAddress address, String user, String password, String database)
      throws IOException {
    return connect(address, user, password, database, Options.defaults());
  }

  /**
   * Connects to {@code address} and starts a session as {@code user} in {@code database}.
   *
   * @param password the password, for a server that asks for one; null for none (trust)
   * @throws PgException the server refused the session: 28P01 for a wrong password, 3D000 for an
   *     unknown database, ...
   * @throws IOException the connection failed, the server asked for a password and none was
   *     given, or asked for what this client cannot do (TLS, Kerberos)
   */
  public static PgClient connect(InetSocketAddress address, String user, String password, String database,
      Options options) throws IOException {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(database, "database");
    BlockingConnection<PgBackendMessage, PgStartupMessage> started;
    if (options.sslRequest() || options.tls().isPresent()) {
      BlockingConnection<PgEncryptionAnswerMessage, PgStartupMessage> asking = BlockingConnection.connect(address,
          Conversation.of(PgEncryptionAnswerProtocol.INSTANCE, PgStartupProtocol.INSTANCE), options.timeout());
      try {
        asking.setReadTimeout(options.timeout());
        asking.setFrameTimeout(options.timeout());
        asking.send(new SslRequest());
        PgEncryptionAnswerMessage answer = next(asking);
        if (options.tls().isPresent()) {
          if (!(answer instanceof WillingSsl)) {
            throw new IOException("the server answered SSLRequest with " + answer + ", and TLS is required");
          }
          asking.startTls(options.tls().get()); // refuses plaintext sent after the 'S' (CVE-2021-23222)
        } else if (!(answer instanceof Unwilling)) {
          throw new IOException("the server answered SSLRequest with " + answer + ", and TLS was not asked for");
        }
      } catch (IOException | RuntimeException e) {
        asking.close();
        throw e;
      }
      started = asking.switchTo(STARTUP);
    } else {
      started = BlockingConnection.connect(address, STARTUP, options.timeout());
    }
    try {
      started.setReadTimeout(options.timeout());
      List<Parameter> startup = new ArrayList<>();
      startup.add(new Parameter("user", user));
      startup.add(new Parameter("database", database));
      startup.add(new Parameter("client_encoding", "UTF8"));
      options.parameters().forEach((name, value) -> startup.add(new Parameter(name, value)));
      started.send(new StartupMessage(startup));
      PgClient client = new PgClient(authenticate(started.switchTo(SESSION), user, password), options.timeout());
      client.startSession();
      return client;
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /** Answers what the server asks until AuthenticationOk; the session, in the tagged phase. */
  private static BlockingConnection<PgBackendMessage, PgFrontendMessage> authenticate(
      BlockingConnection<PgBackendMessage, PgFrontendMessage> session, String user, String password)
      throws IOException {
    while (true) {
      AuthenticationRequest request = authentication(next(session));
      if (request instanceof AuthenticationOk) {
        return session;
      } else if (request instanceof AuthenticationCleartextPassword) {
        session.send(new PasswordMessage(required(password)));
      } else if (request instanceof AuthenticationMd5Password md5) {
        session.send(new PasswordMessage(Md5Password.answer(user, required(password), md5.salt().toByteArray())));
      } else if (request instanceof AuthenticationSasl sasl) {
        session = scram(session, sasl, required(password));
      } else {
        throw new IOException("the server asks for an authentication PgClient does not know: " + request);
      }
    }
  }

  /** SCRAM-SHA-256: its two answers are phases of their own, since they share PasswordMessage's tag. */
  private static BlockingConnection<PgBackendMessage, PgFrontendMessage> scram(
      BlockingConnection<PgBackendMessage, PgFrontendMessage> session, AuthenticationSasl offer, String password)
      throws IOException {
    if (!offer.mechanisms().contains(Scram.MECHANISM)) {
      throw new IOException("the server offers SASL mechanisms " + offer.mechanisms() + ", not " + Scram.MECHANISM);
    }
    Scram.Client scram = new Scram.Client(password);
    BlockingConnection<PgBackendMessage, PgSaslInitialMessage> initial = session.switchTo(SASL_INITIAL);
    initial.send(new SaslInitialResponse(Scram.MECHANISM, Optional.of(Bytes.of(scram.first()))));
    BlockingConnection<PgBackendMessage, PgSaslResponseMessage> responding = initial.switchTo(SASL_RESPONSE);
    if (!(authentication(next(responding)) instanceof AuthenticationSaslContinue challenge)) {
      throw new IOException("SCRAM: the server did not send its first message");
    }
    responding.send(new SaslResponse(Bytes.of(scram.last(challenge.data().toByteArray()))));
    if (!(authentication(next(responding)) instanceof AuthenticationSaslFinal outcome)) {
      throw new IOException("SCRAM: the server did not send its final message");
    }
    scram.verify(outcome.data().toByteArray());
    return responding.switchTo(SESSION);
  }

  /** The authentication request in {@code message}; an ErrorResponse is thrown. */
  private static AuthenticationRequest authentication(PgBackendMessage message) throws IOException {
    if (message instanceof Authentication authentication) {
      return authentication.request();
    }
    if (message instanceof ErrorResponse error) {
      throw PgException.from(error);
    }
    throw new IOException("the server sent " + message + " before authenticating");
  }

  private static String required(String password) throws IOException {
    if (password == null) {
      throw new IOException("the server asks for a password, and none was given");
    }
    return password;
  }

  private static <I> I next(BlockingConnection<I, ?> connection) throws IOException {
    Optional<I> message = connection.receive();
    if (message.isEmpty()) {
      throw new IOException("the server closed the connection");
    }
    return message.get();
  }

  /** Reads the session's start, up to ReadyForQuery: ParameterStatus, BackendKeyData. */
  private void startSession() throws IOException {
    List<PgBackendMessage> frames = readReply();
    PgReply.of(frames, List.of()).resultsOrThrow();
    for (PgBackendMessage message : frames) {
      if (message instanceof BackendKeyData key) {
        processId = key.processId();
        secretKey = key.secretKey();
      }
    }
  }

  /** On the caller's thread, while nothing is pipelined: the frames up to ReadyForQuery. */
  private List<PgBackendMessage> readReply() throws IOException {
    List<PgBackendMessage> frames = new ArrayList<>();
    PgBackendMessage message;
    do {
      message = next(connection);
      frames.add(message);
    } while (!endsReply(message));
    return frames;
  }

  /**
   * Whether {@code message} is a reply's last frame, ReadyForQuery; on the way, keeps what the
   * frames report about the session. It runs on the thread that reads, frame after frame, so the
   * status and parameters follow the server's order whichever thread asked.
   */
  private boolean endsReply(PgBackendMessage message) {
    if (message instanceof ReadyForQuery ready) {
      status = ready.status();
      return true;
    }
    if (message instanceof ParameterStatus parameter) {
      parameters.put(parameter.name(), parameter.value());
    }
    return false;
  }

  /**
   * Runs {@code sql}, one or more statements separated by semicolons, with the simple query
   * protocol, and waits for its results, as {@link #queryAsync} describes them; once queries are
   * pipelined, after those in flight.
   *
   * @throws PgException the server refused a statement; the results before it are lost, the
   *     session goes on
   * @throws SocketTimeoutException no reply within the timeout of {@link Options}
   * @throws IOException the connection ended
   */
  public List<PgResult> query(String sql) throws IOException {
    return PgReply.of(reply(List.of(new Query(Objects.requireNonNull(sql, "sql")))), List.of()).resultsOrThrow();
  }

  /**
   * Writes {@code sql} as one simple Query and returns at once, with a future of its results: one
   * per statement, in order. An empty query gives one result with no columns and an empty tag
   * (PostgreSQL's EmptyQueryResponse). Queries sent one after another are pipelined, and answered
   * in the order they were sent. The future's stages may run on the thread that reads the replies,
   * and must not block there.
   *
   * <p>The future fails with a {@link PgException} if the server refused a statement (the session
   * goes on; the results before it are lost), a {@link TimeoutException} if no reply came within
   * the timeout of {@link Options}, an {@link IOException} if the connection ended.
   */
  public CompletableFuture<List<PgResult>> queryAsync(String sql) {
    Query query = new Query(Objects.requireNonNull(sql, "sql"));
    CompletableFuture<List<PgBackendMessage>> reply;
    synchronized (writing) {
      if (requests == null) {
        // From now on a thread of the request client's reads; the read timeout no longer applies.
        requests = RequestClient.over(connection, Correlation.inOrder(),
            RequestOptions.defaults().withTimeout(timeout));
      }
      reply = requests.callMany(query, this::endsReply);
    }
    return reply.thenApply(frames -> {
      try {
        return PgReply.of(frames, List.of()).resultsOrThrow();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    });
  }

  /**
   * Runs one statement with the extended protocol, its {@code $1, $2, ...} bound to
   * {@code parameters} as text, a null element being NULL, and the parameters' types left to the
   * server. Each SQL text is prepared once, as a named statement the client keeps (the 256 used
   * last, as pgx and asyncpg do), so that running it again is Bind, Execute and Sync, without the
   * server parsing and planning it again. One thread at a time; queries of other threads may be
   * in flight meanwhile.
   *
   * @throws PgException the server refused it; the session goes on. A statement the server no
   *     longer has or can no longer run as prepared (26000, or 0A000 after its table changed) is
   *     forgotten, and prepared afresh at the next call
   */
  public PgResult execute(String sql, List<String> parameters) throws IOException {
    List<Optional<Bytes>> values = new ArrayList<>(parameters.size());
    for (String parameter : parameters) {
      values.add(parameter == null ? Optional.empty()
          : Optional.of(Bytes.of(parameter.getBytes(StandardCharsets.UTF_8))));
    }
    Prepared cached = prepared.get(sql);
    if (cached == null && prepared.size() >= MAX_PREPARED) {
      // Room for the new one: the statement used longest ago is closed in the same group.
      Iterator<Prepared> eldest = prepared.values().iterator();
      unused.add(eldest.next().name());
      eldest.remove();
    }
    List<PgFrontendMessage> batch = new ArrayList<>(5 + unused.size());
    for (String name : unused) {
      batch.add(new Close('S', name)); // CloseComplete is read with the rest
    }
    unused.clear();
    String name = cached == null ? "parley" + (++statements) : cached.name();
    if (cached == null) {
      batch.add(new Parse(name, sql, List.of()));
    }
    batch.add(new Bind("", name, List.of(), values, List.of()));
    if (cached == null || cached.columns() == null) {
      batch.add(DESCRIBE_PORTAL);
    }
    batch.add(EXECUTE_ALL);
    batch.add(SYNC);
    PgReply reply = PgReply.of(reply(batch),
        cached == null || cached.columns() == null ? List.of() : cached.columns());
    if (reply.error() != null) {
      if (cached == null && reply.parseCompleted()) {
        prepared.put(sql, new Prepared(name, null)); // prepared, then Bind failed: its columns come next time
      } else if (cached != null && (reply.error().sqlState().equals("26000")
          || reply.error().sqlState().equals("0A000"))) {
        prepared.remove(sql);
        unused.add(name);
      }
      throw reply.error();
    }
    if (reply.results().size() != 1) {
      throw new IOException("expected one result from Execute, got " + reply.results().size());
    }
    if (cached == null || cached.columns() == null) {
      prepared.put(sql, new Prepared(name, reply.results().get(0).columns()));
    }
    return reply.results().get(0);
  }

  /**
   * Writes {@code group}, messages up to a Sync (or one Query), and waits for the frames of its
   * reply, up to ReadyForQuery. While nothing is pipelined the group is one write and the reply is
   * read here. Once it is, the request client sends the first message, which every frame up to
   * ReadyForQuery answers in order (PostgreSQL sends nothing of the group before it has read the
   * first), and the rest follow in one write straight on the connection, before any other
   * thread's query.
   */
  private List<PgBackendMessage> reply(List<PgFrontendMessage> group) throws IOException {
    CompletableFuture<List<PgBackendMessage>> reply;
    synchronized (writing) {
      if (requests == null) {
        connection.sendAll(group);
        return readReply();
      }
      reply = requests.callMany(group.get(0), this::endsReply);
      if (group.size() > 1 && !reply.isDone()) { // done already: refused, the connection has ended
        try {
          connection.sendAll(group.subList(1, group.size()));
        } catch (IOException | RuntimeException e) {
          requests.close(); // part of the group may have gone: the stream is lost
          throw e;
        }
      }
    }
    return await(reply);
  }

  /** {@code reply}'s value, its failure thrown as {@link RequestClient#await} does; an interrupt as an IOException. */
  private static <T> T await(CompletableFuture<T> reply) throws IOException {
    try {
      return RequestClient.await(reply);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for the server");
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  /** The named statements prepared and kept now, for tests. */
  int preparedStatements() {
    return prepared.size();
  }

  /** Whether the session runs inside TLS. */
  public boolean isSecure() {
    return connection.isSecure();
  }

  /** The run-time parameters the server reported (server_version, client_encoding, TimeZone, ...). */
  public Map<String, String> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The server process of this session, from BackendKeyData; 0 if the server sent none. */
  public int processId() {
    return processId;
  }

  /** The secret a CancelRequest for this session must quote, from BackendKeyData. */
  int secretKey() {
    return secretKey;
  }

  /** 'I' idle, 'T' in a transaction, 'E' in a failed transaction, as the last ReadyForQuery said. */
  public char transactionStatus() {
    return (char) status;
  }

  /**
   * Ends the session: sends Terminate after the queries in flight, then waits (at most the
   * timeout) for the server to answer them and close its end, so that neither side resets the
   * other. Idempotent.
   */
  @Override
  public void close() throws IOException {
    RequestClient<PgFrontendMessage, PgBackendMessage> pipelined;
    synchronized (writing) {
      pipelined = requests;
      if (pipelined == null) {
        closeUnpipelined();
        return;
      }
    }
    if (!pipelined.isOpen()) {
      return;
    }
    try {
      pipelined.send(new Terminate()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      // The server closing its end, and nothing else, ends the connection without a cause.
      endedByServer = pipelined.whenClosed().toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .getCause() == null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the server is gone already, or did not close in time: closing is all that is left
    } finally {
      pipelined.close();
    }
  }

  private void closeUnpipelined() throws IOException {
    if (!connection.isOpen()) {
      return;
    }
    try {
      connection.send(new Terminate());
      connection.shutdownOutput();
      while (connection.receive().isPresent()) {
        // a notice or a status the server sent before it read the Terminate
      }
      endedByServer = true;
    } catch (IOException e) {
      // the server is gone already, or did not close in time: closing is all that is left
    } finally {
      connection.close();
    }
  }

  /** Whether {@link #close()} saw the server end the session after Terminate. */
  boolean endedByServer() {
    return endedByServer;
  }
}
