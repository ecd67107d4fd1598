package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DnsClientContract} against dns-server, serving {@code parley.zone}; and the README's example. */
class DnsClientDnsServerTest extends DnsClientContract {

  @RegisterExtension
  static final ServedZone SERVER = new ServedZone();

  @Override
  InetSocketAddress server() {
    return SERVER.address();
  }

  /** The README's lines ("DNS over TCP"), with the test server's address. */
  @Test
  void theReadmeExampleRuns() throws Exception {
    List<InetAddress> addresses = new ArrayList<>();
    boolean missing;
    CompletableFuture<Message> mx;
    try (DnsClient client = DnsClient.connect(SERVER.address(), Duration.ofSeconds(5))) {
      Message answer = client.query(DnsName.parse("chain.parley.test."), DnsConstants.TYPE_A);
      for (ResourceRecord r : answer.answers()) {
        if (r.rdata() instanceof A a) {
          InetAddress address = InetAddress.getByAddress(a.address().toByteArray());
          addresses.add(address);
        }
      }
      missing = answer.flags().rcode() == Rcode.NXDOMAIN;
      mx = client.queryAsync(DnsName.parse("parley.test."), DnsConstants.TYPE_MX);
      assertEquals(1, mx.get(5, TimeUnit.SECONDS).answers().size());
    }
    assertEquals(List.of(InetAddress.getByName("192.0.2.10")), addresses);
    assertFalse(missing);
  }
}
