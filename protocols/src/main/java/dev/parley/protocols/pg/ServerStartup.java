package dev.parley.protocols.pg;

import dev.parley.protocols.pg.answer.PgEncryptionAnswerMessage;
import dev.parley.protocols.pg.answer.Unwilling;
import dev.parley.protocols.pg.answer.WillingSsl;
import dev.parley.protocols.pg.backend.Authentication;
import dev.parley.protocols.pg.backend.AuthenticationMd5Password;
import dev.parley.protocols.pg.backend.AuthenticationOk;
import dev.parley.protocols.pg.backend.AuthenticationSasl;
import dev.parley.protocols.pg.backend.AuthenticationSaslContinue;
import dev.parley.protocols.pg.backend.AuthenticationSaslFinal;
import dev.parley.protocols.pg.backend.BackendKeyData;
import dev.parley.protocols.pg.backend.ParameterStatus;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.frontend.PasswordMessage;
import dev.parley.protocols.pg.frontend.PgFrontendMessage;
import dev.parley.protocols.pg.sasl.PgSaslInitialMessage;
import dev.parley.protocols.pg.sasl.PgSaslResponseMessage;
import dev.parley.protocols.pg.sasl.SaslInitialResponse;
import dev.parley.protocols.pg.sasl.SaslResponse;
import dev.parley.protocols.pg.startup.CancelRequest;
import dev.parley.protocols.pg.startup.GssEncRequest;
import dev.parley.protocols.pg.startup.Parameter;
import dev.parley.protocols.pg.startup.PgStartupMessage;
import dev.parley.protocols.pg.startup.SslRequest;
import dev.parley.protocols.pg.startup.StartupMessage;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Connection;
import dev.parley.runtime.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first phase of a pg-server connection: the untagged startup messages, the one-byte answer
 * to SSLRequest and GSSENCRequest, then authentication, each round of which is a phase of its
 * own, and the switch to the {@link ServerSession}.
 */
final class ServerStartup implements Handler<Inbound<PgStartupMessage>, PgEncryptionAnswerMessage> {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The handler of a connection that is closing once its last reply has left: nothing more is read. */
  private static final Handler<Inbound<PgFrontendMessage>, PgBackendMessage> CLOSING = (c, m) -> { };

  private final PgServer server;
  /** TLS has started: a second SSLRequest inside it is answered 'N', as PostgreSQL does. */
  private boolean secure;

  ServerStartup(PgServer server) {
    this.server = server;
  }

  @Override
  public void onMessage(Connection<Inbound<PgStartupMessage>, PgEncryptionAnswerMessage> c,
      Inbound<PgStartupMessage> inbound) throws PgException {
    if (inbound instanceof Inbound.Refused<PgStartupMessage> refused) {
      // An unknown code is most often another protocol version, which PostgreSQL names so.
      refuse(c.switchTo(PgServer.SESSION, CLOSING),
          PgException.fatal("08P01", "invalid startup packet: " + refused.error().getMessage()));
      return;
    }
    PgStartupMessage message = ((Inbound.Message<PgStartupMessage>) inbound).message();
    if (message instanceof SslRequest && server.tls().isPresent() && !secure) {
      c.send(new WillingSsl()); // 'S', in plaintext; then the handshake, and the startup message inside TLS
      secure = c.startTls(server.tls().get());
    } else if (message instanceof SslRequest || message instanceof GssEncRequest) {
      c.send(new Unwilling()); // 'N': the client goes on as it is, with its startup message
    } else if (message instanceof CancelRequest) {
      c.close(); // every query has run to its end already: nothing to cancel
    } else if (message instanceof StartupMessage startup) {
      start(c, startup);
    }
  }

  private void start(Connection<Inbound<PgStartupMessage>, PgEncryptionAnswerMessage> c, StartupMessage startup) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (Parameter parameter : startup.parameters()) {
      parameters.put(parameter.name(), parameter.value());
    }
    String user = parameters.get("user");
    Settings settings;
    try {
      if (user == null || user.isEmpty()) {
        throw PgException.fatal("28000", "no PostgreSQL user name specified in startup packet");
      }
      settings = new Settings(user, parameters);
    } catch (PgException e) {
      refuse(c.switchTo(PgServer.SESSION, CLOSING), e);
      return;
    }
    Login login = new Login(server, user, settings);
    switch (server.auth().method()) {
      case TRUST -> login.welcome(c);
      case MD5 -> {
        byte[] salt = new byte[4];
        RANDOM.nextBytes(salt);
        c.switchTo(PgServer.SESSION, new Md5Check(login, salt))
            .send(new Authentication(new AuthenticationMd5Password(Bytes.of(salt))));
      }
      case SCRAM_SHA_256 -> c.switchTo(PgServer.SASL_INITIAL, new ScramFirst(login))
          .send(new Authentication(new AuthenticationSasl(List.of(Scram.MECHANISM))));
    }
  }

  /** Sends {@code error} and closes once it has left. */
  static void refuse(Connection<?, PgBackendMessage> c, PgException error) {
    c.send(error.toErrorResponse());
    c.closeWhenSent();
  }

  /** Who is logging in, and how the session starts once they are in. */
  private record Login(PgServer server, String user, Settings settings) {

    /** AuthenticationOk, the reported parameters, BackendKeyData and ReadyForQuery; then the session. */
    void welcome(Connection<?, ?> c) {
      int processId = server.nextProcessId();
      Connection<Inbound<PgFrontendMessage>, PgBackendMessage> session =
          c.switchTo(PgServer.SESSION, new ServerSession(server.database(), settings));
      session.send(new Authentication(new AuthenticationOk()));
      for (ParameterStatus parameter : settings.reported()) {
        session.send(parameter);
      }
      session.send(new BackendKeyData(processId, PgServer.secretKey()));
      session.send(new ReadyForQuery('I'));
    }

    PgException wrongPassword() {
      return PgException.fatal("28P01", "password authentication failed for user \"" + user + "\"");
    }
  }

  /**
   * One round of authentication: the one message of type {@code X} that the client must answer
   * with. Anything else, or an answer the round refuses, ends the connection with a FATAL error.
   */
  private abstract static class Round<M, X extends M> implements Handler<Inbound<M>, PgBackendMessage> {
    final Login login;
    private final Class<X> expected;
    private final String name;

    Round(Login login, Class<X> expected, String name) {
      this.login = login;
      this.expected = expected;
      this.name = name;
    }

    @Override
    public final void onMessage(Connection<Inbound<M>, PgBackendMessage> c, Inbound<M> inbound) {
      if (!(inbound instanceof Inbound.Message<M> m && expected.isInstance(m.message()))) {
        refuse(c, PgException.fatal("08P01", "expected " + name + ", got " + inbound));
        return;
      }
      try {
        answer(c, expected.cast(m.message()));
      } catch (PgException e) {
        refuse(c, e);
      }
    }

    /** Answers {@code message}: the next round, or the session. */
    abstract void answer(Connection<Inbound<M>, PgBackendMessage> c, X message) throws PgException;
  }

  /** After AuthenticationMD5Password: the PasswordMessage, compared with the answer the password gives. */
  private static final class Md5Check extends Round<PgFrontendMessage, PasswordMessage> {
    private final byte[] salt;

    Md5Check(Login login, byte[] salt) {
      super(login, PasswordMessage.class, "password response");
      this.salt = salt;
    }

    @Override
    void answer(Connection<Inbound<PgFrontendMessage>, PgBackendMessage> c, PasswordMessage p) throws PgException {
      String expected = Md5Password.answer(login.user(), login.server().auth().password().orElseThrow(), salt);
      if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), p.password().getBytes(StandardCharsets.UTF_8))) {
        throw login.wrongPassword();
      }
      login.welcome(c);
    }
  }

  /** After AuthenticationSASL: the client-first-message, answered by the server-first-message. */
  private static final class ScramFirst extends Round<PgSaslInitialMessage, SaslInitialResponse> {
    ScramFirst(Login login) {
      super(login, SaslInitialResponse.class, "SASL response");
    }

    @Override
    void answer(Connection<Inbound<PgSaslInitialMessage>, PgBackendMessage> c, SaslInitialResponse initial)
        throws PgException {
      if (!initial.mechanism().equals(Scram.MECHANISM) || initial.data().isEmpty()) {
        throw PgException.fatal("08P01", "client selected an invalid SASL authentication mechanism");
      }
      Scram.Server exchange = login.server().verifier().orElseThrow().exchange();
      byte[] serverFirst = exchange.first(initial.data().get().toByteArray());
      c.switchTo(PgServer.SASL_RESPONSE, new ScramFinal(login, exchange))
          .send(new Authentication(new AuthenticationSaslContinue(Bytes.of(serverFirst))));
    }
  }

  /** After AuthenticationSASLContinue: the client's proof, answered by the server's signature. */
  private static final class ScramFinal extends Round<PgSaslResponseMessage, SaslResponse> {
    private final Scram.Server exchange;

    ScramFinal(Login login, Scram.Server exchange) {
      super(login, SaslResponse.class, "SASL response");
      this.exchange = exchange;
    }

    @Override
    void answer(Connection<Inbound<PgSaslResponseMessage>, PgBackendMessage> c, SaslResponse response)
        throws PgException {
      byte[] serverFinal = exchange.last(response.data().toByteArray(), login.user());
      c.send(new Authentication(new AuthenticationSaslFinal(Bytes.of(serverFinal))));
      login.welcome(c);
    }
  }
}
