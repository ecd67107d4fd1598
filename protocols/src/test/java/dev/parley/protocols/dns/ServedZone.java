package dev.parley.protocols.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * dns-server serving {@code parley.zone} on 127.0.0.1 and a free port, started before a test
 * class's tests and closed after them: {@code @RegisterExtension static final ServedZone SERVER =
 * new ServedZone();}.
 */
final class ServedZone implements BeforeAllCallback, AfterAllCallback {

  private DnsServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    server = DnsServer.builder(TestZone.load()).start(new InetSocketAddress("127.0.0.1", 0));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  /** Where the server listens. */
  InetSocketAddress address() {
    return server.address();
  }
}
