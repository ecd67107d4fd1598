package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.TestTls;
import dev.parley.runtime.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PgClient} against {@link PgServer}: Parley on both sides, as against the real server. */
class PgClientPgServerTest extends PgClientContract {

  private static PgTestServers servers;
  private static PgTestServers secureServers;

  @BeforeAll
  static void start() throws Exception {
    servers = PgTestServers.start();
    secureServers = PgTestServers.startWithTls();
  }

  @AfterAll
  static void stop() {
    servers.close();
    secureServers.close();
  }

  @Override
  Login secure(PgAuth.Method method) {
    return withAddress(login(method), secureServers.of(method).address());
  }

  private static Login withAddress(Login login, InetSocketAddress address) {
    return new Login(address, login.user(), login.password());
  }

  @Override
  Tls clientTls() {
    return Tls.client(TestTls.clientContext());
  }

  @Test
  void anSslRequestAnsweredNoGoesOnInPlainText() throws Exception {
    Login login = trusted();
    try (PgClient client = PgClient.connect(login.address(), login.user(), null, "postgres",
        PgClient.Options.defaults().withTimeout(TIMEOUT).withSslRequest(true))) {
      assertFalse(client.isSecure());
      assertEquals(List.of(row("plain")), client.query("SELECT 'plain'").get(0).rows());
    }
    IOException refused = assertThrows(IOException.class, () -> PgClient.connect(login.address(), login.user(), null,
        "postgres", PgClient.Options.defaults().withTimeout(TIMEOUT).withTls(clientTls())));
    assertTrue(refused.getMessage().contains("TLS is required"), refused.getMessage());
  }

  @Override
  Login login(PgAuth.Method method) {
    InetSocketAddress address = servers.of(method).address();
    return switch (method) {
      case TRUST -> new Login(address, "postgres", null);
      case MD5 -> new Login(address, "parley_md5", PgTestServers.MD5_PASSWORD);
      case SCRAM_SHA_256 -> new Login(address, "parley_scram", PgTestServers.SCRAM_PASSWORD);
    };
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
      assertEquals(Optional.of("shared value"), servers.trust().kv().get("shared"));
    }
  }
}
