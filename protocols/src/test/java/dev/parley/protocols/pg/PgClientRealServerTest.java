package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.RealServers;
import dev.parley.runtime.Tls;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PgClient} against the real PostgreSQL 15 that {@code .ci/servers.sh} starts, with its
 * roles {@code postgres} (trust), {@code parley_md5} and {@code parley_scram}; skipped where it is
 * not announced, required under CI=true.
 */
class PgClientRealServerTest extends PgClientContract {

  @BeforeAll
  static void createTheTable() throws Exception {
    try (PgClient client = PgClient.connect(RealServers.postgres(), "postgres", null, "postgres")) {
      client.query("CREATE TABLE IF NOT EXISTS kv (k text PRIMARY KEY, v text)");
    }
  }

  @Override
  Login login(PgAuth.Method method) {
    return switch (method) {
      case TRUST -> new Login(RealServers.postgres(), "postgres", null);
      case MD5 -> new Login(RealServers.postgres(), "parley_md5", PgTestServers.MD5_PASSWORD);
      case SCRAM_SHA_256 -> new Login(RealServers.postgres(), "parley_scram", PgTestServers.SCRAM_PASSWORD);
    };
  }

  /** The real server answers SSLRequest with 'S': it runs with ssl=on. */
  @Override
  Login secure(PgAuth.Method method) {
    return login(method);
  }

  /** Trusts the certificate .ci/servers.sh made for the real server. */
  @Override
  Tls clientTls() {
    return Tls.client(RealServers.trusting(RealServers.postgresCertificate()));
  }

  @Test
  void theRealServerSaysTheSessionIsEncryptedWithTls13() throws Exception {
    try (PgClient client = PgClient.connect(RealServers.postgres(), "postgres", null, "postgres",
        PgClient.Options.defaults().withTimeout(TIMEOUT).withTls(clientTls()))) {
      assertEquals(List.of(row("true", "TLSv1.3")), client.query(
          "SELECT ssl::text, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").get(0).rows());
    }
  }

  @Test
  void aClientThatDoesNotAskForTlsRefusesTheRealServersYes() {
    java.io.IOException refused = assertThrows(java.io.IOException.class, () -> PgClient.connect(
        RealServers.postgres(), "postgres", null, "postgres",
        PgClient.Options.defaults().withTimeout(TIMEOUT).withSslRequest(true)));
    assertTrue(refused.getMessage().contains("TLS was not asked for"), refused.getMessage());
  }

  @Test
  void theClientKeepsItsPreparedStatementsOnTheServerWithinItsBound() throws Exception {
    try (PgClient client = trusted().connect()) {
      for (int i = 0; i < PgClient.MAX_PREPARED + 44; i++) {
        assertEquals(List.of(row(Integer.toString(i))), client.execute("SELECT " + i, List.of()).rows());
      }
      assertEquals(PgClient.MAX_PREPARED, client.preparedStatements());
      assertEquals(List.of(row(Integer.toString(PgClient.MAX_PREPARED)), row("true")), client.query(
          "SELECT count(*) FROM pg_prepared_statements; SELECT bool_and(statement LIKE 'SELECT%')::text"
              + " FROM pg_prepared_statements").stream().flatMap(r -> r.rows().stream()).toList());
    }
  }

  @Test
  void aPreparedStatementWhoseTableChangedIsPreparedAfresh() throws Exception {
    try (PgClient client = trusted().connect()) {
      client.query("DROP TABLE IF EXISTS changing; CREATE TABLE changing (a int); INSERT INTO changing VALUES (1)");
      assertEquals(List.of(row("1")), client.execute("SELECT * FROM changing", List.of()).rows());
      client.query("ALTER TABLE changing ADD COLUMN b text DEFAULT 'new'");
      assertEquals("0A000", assertThrows(PgException.class,
          () -> client.execute("SELECT * FROM changing", List.of())).sqlState(), "cached plan must not change result type");
      assertEquals(List.of(row("1", "new")), client.execute("SELECT * FROM changing", List.of()).rows());
      client.query("DROP TABLE changing");
    }
  }

  @Test
  void theRealServersTypesComeAsTheirTextFormat() throws Exception {
    try (PgClient client = trusted().connect()) {
      PgResult result = client.query("SELECT 1.5::float8 AS f, DATE '2024-01-02' AS d, 'a'::bytea AS b,"
          + " ARRAY[1, 2] AS a, 12.340::numeric AS n, NULL::int4 AS z").get(0);
      assertEquals(List.of(column("f", 701), column("d", 1082), column("b", 17), column("a", 1007), column("n", 1700),
          column("z", 23)), result.columns());
      assertEquals(List.of(row("1.5", "2024-01-02", "\\x61", "{1,2}", "12.340", null)), result.rows());
      assertEquals("22012", assertThrows(PgException.class, () -> client.query("SELECT 1/0")).sqlState());
    }
    try (PgClient scram = scram().connect()) {
      assertEquals(List.of(row("parley_scram")), scram.query("SELECT current_user").get(0).rows());
    }
  }
}
