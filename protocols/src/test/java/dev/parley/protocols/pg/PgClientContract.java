package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Tls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link PgClient} does against any PostgreSQL server, the real one and {@link PgServer}
 * alike: the same statements, the same rows, tags and SQLSTATEs. Each server's test class says
 * where the server is and which logins it has; the server has the table {@code kv(k text PRIMARY
 * KEY, v text)}.
 */
@Timeout(60)
abstract class PgClientContract {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A user, a password (null for trust) and where to use them. */
  record Login(InetSocketAddress address, String user, String password) {
    PgClient connect() throws java.io.IOException {
      return PgClient.connect(address, user, password, "postgres", PgClient.Options.defaults().withTimeout(TIMEOUT));
    }
  }

  /**
   * A login the server authenticates as {@code method} says: a superuser it trusts, a user whose
   * password it asks for with MD5, one whose password it proves with SCRAM-SHA-256.
   */
  abstract Login login(PgAuth.Method method);

  Login trusted() {
    return login(PgAuth.Method.TRUST);
  }

  Login md5() {
    return login(PgAuth.Method.MD5);
  }

  Login scram() {
    return login(PgAuth.Method.SCRAM_SHA_256);
  }

  static PgResult.Column column(String name, int typeOid) {
    return new PgResult.Column(name, typeOid);
  }

  static PgResult.Row row(String... values) {
    return new PgResult.Row(Arrays.stream(values).map(Optional::ofNullable).toList());
  }

  @Test
  void aSimpleQueryReturnsItsRowsAsTextWithNulls() throws Exception {
    try (PgClient client = trusted().connect()) {
      List<PgResult> results = client.query("SELECT 1 AS one, 'x' AS s, NULL AS n, true AS b, 5000000000 AS big");
      assertEquals(List.of(new PgResult(
          List.of(column("one", 23), column("s", 25), column("n", 25), column("b", 16), column("big", 20)),
          List.of(row("1", "x", null, "t", "5000000000")), "SELECT 1")), results);
      assertEquals('I', client.transactionStatus());
    }
  }

  @Test
  void twoStatementsInOneQueryGiveTwoResults() throws Exception {
    try (PgClient client = trusted().connect()) {
      assertEquals(List.of(
              new PgResult(List.of(column("?column?", 23)), List.of(row("1")), "SELECT 1"),
              new PgResult(List.of(column("second", 25)), List.of(row("two")), "SELECT 1")),
          client.query("SELECT 1; SELECT 'two' AS second"));
    }
  }

  @Test
  void anEmptyQueryGivesOneEmptyResult() throws Exception {
    try (PgClient client = trusted().connect()) {
      assertEquals(List.of(new PgResult(List.of(), List.of(), "")), client.query(""));
      assertEquals(List.of(row("after")), client.query("SELECT 'after'").get(0).rows());
    }
  }

  @Test
  void anErrorCarriesItsSqlStateAndMessageAndTheSessionGoesOn() throws Exception {
    try (PgClient client = trusted().connect()) {
      PgException syntax = assertThrows(PgException.class, () -> client.query("SELEKT 1"));
      assertEquals("42601", syntax.sqlState());
      assertEquals("ERROR", syntax.severity());
      assertEquals("syntax error at or near \"SELEKT\"", syntax.serverMessage());
      PgException missing = assertThrows(PgException.class, () -> client.query("SELECT * FROM no_such_table"));
      assertEquals("42P01", missing.sqlState());
      assertEquals("relation \"no_such_table\" does not exist", missing.serverMessage());
      assertEquals("42703", assertThrows(PgException.class, () -> client.query("SELECT nope")).sqlState());
      assertEquals(List.of(row("2")), client.query("SELECT 2").get(0).rows());
    }
  }

  @Test
  void aThousandPipelinedQueriesEachGetTheirOwnValueInOrder() throws Exception {
    try (PgClient client = trusted().connect()) {
      assertEquals(List.of(row("read on the caller's thread")), client.query("SELECT 'read on the caller''s thread'")
          .get(0).rows());
      List<CompletableFuture<List<PgResult>>> replies = new java.util.ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        replies.add(client.queryAsync("SELECT " + i));
      }
      for (int i = 0; i < 1000; i++) {
        assertEquals(List.of(new PgResult(List.of(column("?column?", 23)), List.of(row(Integer.toString(i))),
            "SELECT 1")), replies.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "query " + i);
      }
      assertEquals('I', client.transactionStatus());
    }
  }

  @Test
  void anErrorInAPipelineFailsOnlyItsOwnQuery() throws Exception {
    try (PgClient client = trusted().connect()) {
      CompletableFuture<List<PgResult>> before = client.queryAsync("SELECT 'before'");
      CompletableFuture<List<PgResult>> refused = client.queryAsync("SELEKT 1");
      CompletableFuture<List<PgResult>> after = client.queryAsync("SELECT 'after'");
      CompletableFuture<PgResult> blocking = CompletableFuture.supplyAsync(() -> {
        try {
          return client.query("SELECT 'blocking'").get(0);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertEquals(List.of(row("before")), before.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(0).rows());
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> refused.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      assertEquals("42601", ((PgException) failed.getCause()).sqlState(), failed.toString());
      assertEquals(List.of(row("after")), after.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(0).rows());
      assertEquals(List.of(row("blocking")), blocking.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).rows());
      assertEquals(List.of(row("then")), client.execute("SELECT 'then'", List.of()).rows(), "the session goes on");
    }
  }

  @Test
  void closeWaitsForThePipelinedQueriesBeforeItsTerminate() throws Exception {
    PgClient client = trusted().connect();
    List<CompletableFuture<List<PgResult>>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      replies.add(client.queryAsync("SELECT " + i));
    }
    client.close();
    assertTrue(client.endedByServer(), "the server closed its end after Terminate");
    for (int i = 0; i < 100; i++) {
      assertEquals(List.of(row(Integer.toString(i))), replies.get(i).getNow(null).get(0).rows());
    }
  }

  @Test
  void theExtendedProtocolBindsParametersAndNulls() throws Exception {
    try (PgClient client = trusted().connect()) {
      assertEquals(new PgResult(List.of(column("n", 23), column("t", 25)), List.of(row("41", null)), "SELECT 1"),
          client.execute("SELECT $1::int4 AS n, $2::text AS t", Arrays.asList("41", null)));
      assertEquals("22P02", assertThrows(PgException.class,
          () -> client.execute("SELECT $1::int4", List.of("forty-one"))).sqlState());
      assertEquals("08P01", assertThrows(PgException.class,
          () -> client.execute("SELECT $1::int4", List.of())).sqlState(), "too few parameters");
      assertEquals(List.of(row("after")), client.execute("SELECT 'after'", List.of()).rows());
    }
  }

  @Test
  void aStatementRunAgainIsPreparedOnceAndSurvivesItsErrors() throws Exception {
    try (PgClient client = trusted().connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(List.of(row(Integer.toString(i), "run " + i)),
            client.execute("SELECT $1::int4 AS n, $2::text AS t", List.of(Integer.toString(i), "run " + i)).rows());
      }
      assertEquals(1, client.preparedStatements());
      assertEquals("22P02", assertThrows(PgException.class,
          () -> client.execute("SELECT $1::int4 AS n, $2::text AS t", List.of("x", "y"))).sqlState());
      assertEquals("08P01", assertThrows(PgException.class,
          () -> client.execute("SELECT $1::int4 AS n, $2::text AS t", List.of("1"))).sqlState());
      assertEquals(new PgResult(List.of(column("n", 23), column("t", 25)), List.of(row("7", null)), "SELECT 1"),
          client.execute("SELECT $1::int4 AS n, $2::text AS t", Arrays.asList("7", null)));
      assertEquals("08P01", assertThrows(PgException.class,
          () -> client.execute("SELECT $1::int4 AS first", List.of())).sqlState(), "prepared, then Bind refused");
      assertEquals(List.of(row("3")), client.execute("SELECT $1::int4 AS first", List.of("3")).rows());
      assertEquals(List.of(column("first", 23)), client.execute("SELECT $1::int4 AS first", List.of("4")).columns());
      assertEquals(2, client.preparedStatements());
    }
  }

  @Test
  void rowsInsertedReadBackAndDuplicatesAre23505() throws Exception {
    String key = getClass().getSimpleName() + "-key";
    try (PgClient client = trusted().connect()) {
      client.execute("DELETE FROM kv WHERE k = $1", List.of(key));
      assertEquals("INSERT 0 1", client.execute("INSERT INTO kv VALUES ($1, $2)", List.of(key, "value")).tag());
      assertEquals(new PgResult(List.of(column("v", 25)), List.of(row("value")), "SELECT 1"),
          client.execute("SELECT v FROM kv WHERE k = $1", List.of(key)));
      assertEquals(List.of(row("value")), client.query("SELECT v FROM kv WHERE k = '" + key + "'").get(0).rows());
      assertEquals("23505", assertThrows(PgException.class,
          () -> client.query("INSERT INTO kv VALUES ('" + key + "', 'again')")).sqlState());
      assertEquals("DELETE 1", client.execute("DELETE FROM kv WHERE k = $1", List.of(key)).tag());
      assertEquals(List.of(), client.execute("SELECT v FROM kv WHERE k = $1", List.of(key)).rows());
    }
  }

  /** A login as {@code method} says to a server that answers SSLRequest with 'S'. */
  abstract Login secure(PgAuth.Method method);

  /** A client's TLS that trusts the certificate of the servers of {@link #secure}. */
  abstract Tls clientTls();

  private PgClient connectOverTls(Login login, Tls tls) throws java.io.IOException {
    return PgClient.connect(login.address(), login.user(), login.password(), "postgres",
        PgClient.Options.defaults().withTimeout(TIMEOUT).withTls(tls));
  }

  @Test
  void tlsIsNegotiatedAndTheSessionRunsInsideIt() throws Exception {
    try (PgClient client = connectOverTls(secure(PgAuth.Method.TRUST), clientTls())) {
      assertTrue(client.isSecure());
      assertEquals(List.of(row("secret")), client.query("SELECT 'secret'").get(0).rows());
      assertEquals(List.of(row("p")), client.execute("SELECT $1::text", List.of("p")).rows());
    }
  }

  @Test
  void md5AndScramLoginsRunInsideTlsAndAWrongPasswordIsStill28P01() throws Exception {
    for (PgAuth.Method method : List.of(PgAuth.Method.MD5, PgAuth.Method.SCRAM_SHA_256)) {
      Login login = secure(method);
      try (PgClient client = connectOverTls(login, clientTls())) {
        assertTrue(client.isSecure());
        assertEquals(List.of(row(method.name())), client.query("SELECT '" + method.name() + "'").get(0).rows());
      }
      Login wrong = new Login(login.address(), login.user(), "wrong");
      assertEquals("28P01", assertThrows(PgException.class, () -> connectOverTls(wrong, clientTls())).sqlState());
    }
  }

  @Test
  void aCertificateForAnotherHostIsRefusedBeforeTheStartupMessage() {
    javax.net.ssl.SSLException refused = assertThrows(javax.net.ssl.SSLException.class,
        () -> connectOverTls(secure(PgAuth.Method.TRUST), clientTls().withServerName("db.example.org")));
    assertTrue(refused.toString().contains("db.example.org") || String.valueOf(refused.getCause())
        .contains("db.example.org"), refused.toString());
  }

  @Test
  void setAndShowAndTheStartupParameters() throws Exception {
    Login login = trusted();
    try (PgClient client = PgClient.connect(login.address(), login.user(), null, "postgres",
        PgClient.Options.defaults().withTimeout(TIMEOUT).withParameter("application_name", "parley-client"))) {
      assertEquals("UTF8", client.parameters().get("client_encoding"));
      assertEquals("parley-client", client.parameters().get("application_name"));
      assertTrue(client.parameters().get("server_version").startsWith("15."), client.parameters().toString());
      assertTrue(client.processId() != 0);
      assertEquals(List.of(new PgResult(List.of(), List.of(), "SET")), client.query("SET application_name = 'renamed'"));
      assertEquals("renamed", client.parameters().get("application_name"), "reported in ParameterStatus");
      assertEquals(List.of(new PgResult(List.of(column("application_name", 25)), List.of(row("renamed")), "SHOW")),
          client.query("SHOW application_name"));
    }
  }

  @Test
  void terminateEndsTheSession() throws Exception {
    PgClient client = trusted().connect();
    client.query("SELECT 1");
    client.close();
    assertTrue(client.endedByServer(), "the server closed its end after Terminate");
  }

  @Test
  void md5AndScramLoginsSucceedAndAWrongPasswordIs28P01() throws Exception {
    for (Login login : List.of(md5(), scram())) {
      try (PgClient client = login.connect()) {
        assertEquals(List.of(row("in")), client.query("SELECT 'in'").get(0).rows(), login.user());
      }
      PgException wrong = assertThrows(PgException.class,
          () -> new Login(login.address(), login.user(), "wrong").connect(), login.user());
      assertEquals("28P01", wrong.sqlState());
      assertEquals("FATAL", wrong.severity());
      assertEquals("password authentication failed for user \"" + login.user() + "\"", wrong.serverMessage());
      java.io.IOException none = assertThrows(java.io.IOException.class,
          () -> new Login(login.address(), login.user(), null).connect());
      assertEquals("the server asks for a password, and none was given", none.getMessage());
    }
  }
}
