package dev.parley.protocols.pg;

import dev.parley.protocols.pg.answer.PgEncryptionAnswerMessage;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerProtocol;
import dev.parley.protocols.pg.answer.Unwilling;
import dev.parley.protocols.pg.backend.Authentication;
import dev.parley.protocols.pg.backend.AuthenticationCleartextPassword;
import dev.parley.protocols.pg.backend.AuthenticationMd5Password;
import dev.parley.protocols.pg.backend.AuthenticationOk;
import dev.parley.protocols.pg.backend.AuthenticationRequest;
import dev.parley.protocols.pg.backend.AuthenticationSasl;
import dev.parley.protocols.pg.backend.AuthenticationSaslContinue;
import dev.parley.protocols.pg.backend.AuthenticationSaslFinal;
import dev.parley.protocols.pg.backend.BackendKeyData;
import dev.parley.protocols.pg.backend.BindComplete;
import dev.parley.protocols.pg.backend.CloseComplete;
import dev.parley.protocols.pg.backend.CommandComplete;
import dev.parley.protocols.pg.backend.DataRow;
import dev.parley.protocols.pg.backend.EmptyQueryResponse;
import dev.parley.protocols.pg.backend.ErrorResponse;
import dev.parley.protocols.pg.backend.FieldDescription;
import dev.parley.protocols.pg.backend.NoData;
import dev.parley.protocols.pg.backend.NoticeResponse;
import dev.parley.protocols.pg.backend.NotificationResponse;
import dev.parley.protocols.pg.backend.ParameterStatus;
import dev.parley.protocols.pg.backend.ParseComplete;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.backend.RowDescription;
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
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A small blocking PostgreSQL client (protocol 3.0) over a {@link BlockingConnection}: it starts
 * a session with trust, a clear-text or MD5 password, or SCRAM-SHA-256, then runs simple queries
 * ({@link #query}) and extended-protocol statements with text parameters ({@link #execute}), and
 * returns their rows as text. Each phase of the conversation is a {@code switchTo}: the one-byte
 * answer to SSLRequest, the untagged startup message, SASL's answers (which share
 * PasswordMessage's tag), then the tagged session.
 *
 * <p>Not thread-safe: one thread at a time, as with a JDBC connection. No TLS, no COPY.
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
  private final Map<String, String> parameters = new HashMap<>();
  private int processId;
  private int secretKey;
  private int status = 'I';
  private boolean endedByServer;
  /** The statements prepared, by SQL text, the one used last at the end. */
  private final LinkedHashMap<String, Prepared> prepared = new LinkedHashMap<>(16, 0.75f, true);
  /** Statements to close with the next execute: evicted, or no longer usable. */
  private final List<String> unused = new ArrayList<>();
  private int statements;
  private boolean parseCompleted;

  private PgClient(BlockingConnection<PgBackendMessage, PgFrontendMessage> connection) {
    this.connection = connection;
  }

  /**
   * How to connect.
   *
   * @param timeout for connecting and for each read
   * @param sslRequest whether to send SSLRequest first; the server must answer 'N', since this
   *     client does not speak TLS
   * @param parameters run-time parameters for the startup message besides user, database and
   *     client_encoding, such as application_name
   */
  public record Options(Duration timeout, boolean sslRequest, Map<String, String> parameters) {
    public Options {
      Objects.requireNonNull(timeout, "timeout");
      parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** 30 s, no SSLRequest, no extra parameters. */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(30), false, Map.of());
    }

    public Options withTimeout(Duration timeout) {
      return new Options(timeout, sslRequest, parameters);
    }

    public Options withSslRequest(boolean sslRequest) {
      return new Options(timeout, sslRequest, parameters);
    }

    public Options withParameter(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(parameters);
      more.put(name, value);
      return new Options(timeout, sslRequest, more);
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
    if (options.sslRequest()) {
      BlockingConnection<PgEncryptionAnswerMessage, PgStartupMessage> asking = BlockingConnection.connect(address,
          Conversation.of(PgEncryptionAnswerProtocol.INSTANCE, PgStartupProtocol.INSTANCE), options.timeout());
      try {
        asking.setReadTimeout(options.timeout());
        asking.send(new SslRequest());
        PgEncryptionAnswerMessage answer = next(asking);
        if (!(answer instanceof Unwilling)) {
          throw new IOException("the server answered SSLRequest with " + answer + ": PgClient does not speak TLS");
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
      PgClient client = new PgClient(authenticate(started.switchTo(SESSION), user, password));
      client.readResults(); // ParameterStatus, BackendKeyData, up to ReadyForQuery
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

  /**
   * Runs {@code sql}, one or more statements separated by semicolons, with the simple query
   * protocol: one result per statement, in order. An empty query gives one result with no columns
   * and an empty tag (PostgreSQL's EmptyQueryResponse).
   *
   * @throws PgException the server refused a statement; the results before it are lost, the
   *     session goes on
   */
  public List<PgResult> query(String sql) throws IOException {
    connection.send(new Query(sql));
    return readResults();
  }

  /**
   * Runs one statement with the extended protocol, its {@code $1, $2, ...} bound to
   * {@code parameters} as text, a null element being NULL, and the parameters' types left to the
   * server. Each SQL text is prepared once, as a named statement the client keeps (the 256 used
   * last, as pgx and asyncpg do), so that running it again is Bind, Execute and Sync in one write,
   * without the server parsing and planning it again.
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
      // Room for the new one: the statement used longest ago is closed in the same write.
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
    connection.sendAll(batch);
    parseCompleted = false;
    List<PgResult> results;
    try {
      results = readResults(cached == null || cached.columns() == null ? List.of() : cached.columns());
    } catch (PgException e) {
      if (cached == null && parseCompleted) {
        prepared.put(sql, new Prepared(name, null)); // prepared, then Bind failed: its columns come next time
      } else if (cached != null && (e.sqlState().equals("26000") || e.sqlState().equals("0A000"))) {
        prepared.remove(sql);
        unused.add(name);
      }
      throw e;
    }
    if (results.size() != 1) {
      throw new IOException("expected one result from Execute, got " + results.size());
    }
    if (cached == null || cached.columns() == null) {
      prepared.put(sql, new Prepared(name, results.get(0).columns()));
    }
    return results.get(0);
  }

  /** The named statements prepared and kept now, for tests. */
  int preparedStatements() {
    return prepared.size();
  }

  /** Reads up to ReadyForQuery: the results on the way, or the first error, thrown there. */
  private List<PgResult> readResults() throws IOException {
    return readResults(List.of());
  }

  /**
   * Reads up to ReadyForQuery as {@link #readResults()} does; rows before any RowDescription have
   * {@code columns}, those a prepared statement was described with.
   */
  private List<PgResult> readResults(List<PgResult.Column> described) throws IOException {
    List<PgResult> results = new ArrayList<>(1);
    List<PgResult.Column> columns = described;
    List<PgResult.Row> rows = new ArrayList<>();
    PgException error = null;
    while (true) {
      PgBackendMessage message = next(connection);
      if (message instanceof DataRow row) {
        rows.add(row(row));
      } else if (message instanceof RowDescription description) {
        columns = columns(description);
      } else if (message instanceof CommandComplete complete) {
        results.add(new PgResult(columns, rows, complete.tag()));
        columns = List.of();
        rows = new ArrayList<>();
      } else if (message instanceof EmptyQueryResponse) {
        results.add(new PgResult(List.of(), List.of(), ""));
      } else if (message instanceof ReadyForQuery ready) {
        status = ready.status();
        if (error != null) {
          throw error;
        }
        return results;
      } else if (message instanceof ErrorResponse response) {
        if (error == null) {
          error = PgException.from(response);
        }
      } else if (message instanceof ParameterStatus parameter) {
        parameters.put(parameter.name(), parameter.value());
      } else if (message instanceof BackendKeyData key) {
        processId = key.processId();
        secretKey = key.secretKey();
      } else if (message instanceof ParseComplete) {
        parseCompleted = true;
      } else if (!(message instanceof BindComplete || message instanceof NoData || message instanceof CloseComplete
          || message instanceof NoticeResponse || message instanceof NotificationResponse)) {
        throw new IOException("unexpected from the server: " + message);
      }
    }
  }

  private static List<PgResult.Column> columns(RowDescription description) {
    List<PgResult.Column> columns = new ArrayList<>(description.fields().size());
    for (FieldDescription field : description.fields()) {
      columns.add(new PgResult.Column(field.name(), field.typeOid()));
    }
    return columns;
  }

  private static PgResult.Row row(DataRow row) {
    List<Optional<String>> values = new ArrayList<>(row.columns().size());
    for (Optional<Bytes> column : row.columns()) {
      values.add(column.isEmpty() ? Optional.empty()
          : Optional.of(new String(column.get().toByteArray(), StandardCharsets.UTF_8)));
    }
    return new PgResult.Row(values);
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
   * Ends the session: sends Terminate, then waits (at most the read timeout) for the server to
   * close its end, so that neither side resets the other. Idempotent.
   */
  @Override
  public void close() throws IOException {
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
