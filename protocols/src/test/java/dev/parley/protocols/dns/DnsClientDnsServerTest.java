package dev.parley.protocols.dns;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link DnsClientContract} against dns-server, serving {@code parley.zone}. */
class DnsClientDnsServerTest extends DnsClientContract {

  private static DnsServer server;

  @BeforeAll
  static void start() throws Exception {
    server = DnsServer.builder(TestZone.load()).start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  InetSocketAddress server() {
    return server.address();
  }
}
