package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PgClient} against {@link PgServer}: Parley on both sides, as against the real server. */
class PgClientPgServerTest extends PgClientContract {

  private static PgServer trust;
  private static PgServer md5;
  private static PgServer scram;

  @BeforeAll
  static void start() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    trust = PgServer.start(any, PgAuth.trust());
    md5 = PgServer.start(any, PgAuth.md5("md5-secret"));
    scram = PgServer.start(any, PgAuth.scramSha256("scram-secret"));
  }

  @AfterAll
  static void stop() {
    trust.close();
    md5.close();
    scram.close();
  }

  @Override
  Login trusted() {
    return new Login(trust.address(), "postgres", null);
  }

  @Override
  Login md5() {
    return new Login(md5.address(), "parley_md5", "md5-secret");
  }

  @Override
  Login scram() {
    return new Login(scram.address(), "parley_scram", "scram-secret");
  }

  @Test
  void unsupportedSqlIs0A000AndTheTableIsShared() throws Exception {
    try (PgClient one = trusted().connect(); PgClient two = trusted().connect()) {
      assertEquals("0A000", assertThrows(PgException.class, () -> one.query("UPDATE kv SET v = 'x'")).sqlState());
      assertEquals("0A000", assertThrows(PgException.class, () -> one.query("SELECT 1 + 1")).sqlState());
      assertEquals("0A000", assertThrows(PgException.class, () -> one.query("SELECT v FROM kv ORDER BY k")).sqlState());
      one.query("INSERT INTO kv (v, k) VALUES ('shared value', 'shared'), (NULL, 'shared-null')");
      assertEquals(List.of(row("shared", "shared value"), row("shared-null", null)),
          two.query("SELECT k, v FROM kv WHERE k = 'shared'; SELECT * FROM kv WHERE k = 'shared-null'").stream()
              .flatMap(r -> r.rows().stream()).toList());
      assertEquals(Optional.of("shared value"), trust.kv().get("shared"));
    }
  }
}
