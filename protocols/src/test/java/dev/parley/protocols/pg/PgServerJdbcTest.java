package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PgJDBC, the real PostgreSQL driver, against {@link PgServer}: connecting with trust, SCRAM and
 * MD5, SELECTs over the simple and the extended protocol with NULLs and several types, INSERT and
 * read back, prepared statements past PgJDBC's prepareThreshold (named statements, binary
 * results), and errors that surface as SQLExceptions with PostgreSQL's SQLSTATE.
 */
@Timeout(60)
class PgServerJdbcTest {

  private static PgTestServers servers;
  private static PgServer trust;

  @BeforeAll
  static void start() throws Exception {
    servers = PgTestServers.start();
    trust = servers.trust();
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  /** A connection to {@code server}; every wait of the driver bounded. */
  static Connection connect(PgServer server, String password, String mode) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("preferQueryMode", mode);
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "20");
    properties.setProperty("loginTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.address().getPort() + "/postgres",
        properties);
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended", "extendedForPrepared"})
  void selectsLiteralsWithNullsAndTheirTypes(String mode) throws SQLException {
    try (Connection c = connect(trust, null, mode); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1 AS one, 'x' AS s, NULL AS n, true, 5000000000 AS big, -7")) {
      ResultSetMetaData meta = rs.getMetaData();
      assertEquals(6, meta.getColumnCount());
      assertEquals(List.of("one", "s", "n", "bool", "big", "?column?"),
          List.of(meta.getColumnLabel(1), meta.getColumnLabel(2), meta.getColumnLabel(3), meta.getColumnLabel(4),
              meta.getColumnLabel(5), meta.getColumnLabel(6)));
      assertEquals(List.of("int4", "text", "text", "bool", "int8", "int4"),
          List.of(meta.getColumnTypeName(1), meta.getColumnTypeName(2), meta.getColumnTypeName(3),
              meta.getColumnTypeName(4), meta.getColumnTypeName(5), meta.getColumnTypeName(6)));
      assertEquals(Types.INTEGER, meta.getColumnType(1));
      assertTrue(rs.next());
      assertEquals(1, rs.getInt(1));
      assertEquals("x", rs.getString("s"));
      assertNull(rs.getString("n"));
      assertTrue(rs.getBoolean(4));
      assertEquals(5_000_000_000L, rs.getLong("big"));
      assertEquals(-7, rs.getInt(6));
      assertFalse(rs.next());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void insertedRowsReadBackWithAPreparedStatement(String mode) throws SQLException {
    String key = "jdbc-" + mode;
    try (Connection c = connect(trust, null, mode)) {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO kv VALUES (?, ?)")) {
        insert.setString(1, key);
        insert.setString(2, "it's " + mode);
        assertEquals(1, insert.executeUpdate());
        insert.setString(1, key + "-null");
        insert.setNull(2, Types.VARCHAR);
        assertEquals(1, insert.executeUpdate());
      }
      try (PreparedStatement select = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
        select.setString(1, key);
        assertEquals(List.of("it's " + mode), strings(select.executeQuery()));
        select.setString(1, key + "-null");
        assertEquals(java.util.Arrays.asList((String) null), strings(select.executeQuery()));
        select.setString(1, "no such key");
        assertEquals(List.of(), strings(select.executeQuery()));
      }
    }
  }

  @Test
  void aPreparedStatementRunPastThePrepareThresholdUsesNamedStatementsAndBinaryResults() throws SQLException {
    try (Connection c = connect(trust, null, "extended");
        PreparedStatement select = c.prepareStatement("SELECT ?::int4 AS n, ?::int8 AS big, ? AS t, ?::bool AS b")) {
      for (int i = 0; i < 12; i++) { // PgJDBC names the statement from the 5th run, then asks for binary ints
        select.setInt(1, i);
        select.setLong(2, 1L << 40 | i);
        select.setString(3, "run " + i);
        select.setBoolean(4, i % 2 == 0);
        try (ResultSet rs = select.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(i, rs.getInt("n"));
          assertEquals(1L << 40 | i, rs.getLong("big"));
          assertEquals("run " + i, rs.getString("t"));
          assertEquals(i % 2 == 0, rs.getBoolean("b"));
          assertFalse(rs.next());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void errorsSurfaceAsSqlExceptionsWithTheirSqlStateAndTheSessionGoesOn(String mode) throws SQLException {
    try (Connection c = connect(trust, null, mode); Statement s = c.createStatement()) {
      assertEquals("42601", assertThrows(SQLException.class, () -> s.executeQuery("SELEKT 1")).getSQLState());
      assertEquals("0A000", assertThrows(SQLException.class,
          () -> s.executeUpdate("CREATE TABLE t (a int)")).getSQLState());
      SQLException missing = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM no_such_table"));
      assertEquals("42P01", missing.getSQLState());
      assertTrue(missing.getMessage().contains("relation \"no_such_table\" does not exist"), missing.getMessage());
      s.executeUpdate("INSERT INTO kv VALUES ('dup-" + mode + "', 'a')");
      assertEquals("23505", assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO kv VALUES ('dup-" + mode + "', 'b')")).getSQLState());
      try (ResultSet rs = s.executeQuery("SELECT 2")) {
        assertTrue(rs.next());
        assertEquals(2, rs.getInt(1));
      }
    }
  }

  @Test
  void showAndSetAnswerAsPostgresDoes() throws SQLException {
    try (Connection c = connect(trust, null, "extended"); Statement s = c.createStatement()) {
      assertEquals(List.of("UTF8"), strings(s.executeQuery("SHOW client_encoding")));
      s.execute("SET application_name = 'parley test'");
      assertEquals(List.of("parley test"), strings(s.executeQuery("SHOW application_name")));
      assertEquals("42704", assertThrows(SQLException.class, () -> s.execute("SHOW no_such_setting")).getSQLState());
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
      assertTrue(c.getMetaData().getDatabaseProductVersion().startsWith("15."));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"scram", "md5"})
  void passwordsAreCheckedAndAWrongOneIs28P01(String method) throws SQLException {
    PgServer server = method.equals("scram") ? servers.scram() : servers.md5();
    String password = method.equals("scram") ? PgTestServers.SCRAM_PASSWORD : PgTestServers.MD5_PASSWORD;
    try (Connection c = connect(server, password, "extended"); Statement s = c.createStatement()) {
      assertEquals(List.of("in"), strings(s.executeQuery("SELECT 'in'")));
    }
    assertEquals("28P01", assertThrows(SQLException.class, () -> connect(server, "wrong", "extended")).getSQLState());
    assertEquals("08004", assertThrows(SQLException.class, () -> connect(server, null, "extended")).getSQLState(),
        "PgJDBC's own state for a password asked and none given");
  }

  @Test
  void sslRequestIsAnsweredNoAndTheDriverGoesOnInPlainText() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    properties.setProperty("sslmode", "prefer");
    properties.setProperty("gssEncMode", "prefer");
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "20");
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + trust.address().getPort()
        + "/postgres", properties); Statement s = c.createStatement()) {
      assertEquals(List.of("plain"), strings(s.executeQuery("SELECT 'plain'")));
    }
    properties.setProperty("sslmode", "require");
    assertEquals("08004", assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + trust.address().getPort() + "/postgres", properties)).getSQLState());
  }

  @Test
  void theDriverWithSslmodeRequireRunsItsSessionInsideTls() throws Exception {
    try (PgTestServers secure = PgTestServers.startWithTls()) {
      for (String method : List.of("trust", "scram", "md5")) {
        PgServer server = method.equals("trust") ? secure.trust() : method.equals("scram") ? secure.scram()
            : secure.md5();
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        if (!method.equals("trust")) {
          properties.setProperty("password", method.equals("scram") ? PgTestServers.SCRAM_PASSWORD
              : PgTestServers.MD5_PASSWORD);
        }
        properties.setProperty("sslmode", "require"); // encrypted, the certificate not checked
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "20");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.address().getPort()
            + "/postgres", properties); PreparedStatement p = c.prepareStatement("SELECT ?::text")) {
          p.setString(1, "over TLS with " + method);
          assertEquals(List.of("over TLS with " + method), strings(p.executeQuery()));
          try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO kv (k, v) VALUES ('tls-" + method + "', 'sealed')");
          }
        }
        assertEquals(java.util.Optional.of("sealed"), server.kv().get("tls-" + method));
      }
    }
  }

  private static List<String> strings(ResultSet rs) throws SQLException {
    try (rs) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }
}
