package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A real resolver against dns-server: dnsjava 3.6's {@code SimpleResolver} over TCP, serving
 * {@code parley.zone}, for A, AAAA, CNAME chains, TXT, MX and NXDOMAIN, with EDNS0 and without,
 * and its {@code Lookup}, which follows the chain itself.
 */
class DnsServerDnsjavaTest {

  @RegisterExtension
  static final ServedZone SERVER = new ServedZone();

  private static SimpleResolver resolver;

  @BeforeAll
  static void start() throws Exception {
    resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
    resolver.setPort(SERVER.address().getPort());
    resolver.setTCP(true);
    resolver.setTimeout(Duration.ofSeconds(10));
  }

  private static org.xbill.DNS.Message ask(String name, int type) throws IOException {
    org.xbill.DNS.Message answer = resolver.send(org.xbill.DNS.Message.newQuery(
        Record.newRecord(Name.fromString(name), type, DClass.IN)));
    assertTrue(answer.getHeader().getFlag(Flags.QR));
    return answer;
  }

  private static List<Record> answers(org.xbill.DNS.Message answer) {
    return answer.getSection(Section.ANSWER);
  }

  @Test
  void resolvesAnAddressWithItsTtlAndAuthority() throws IOException {
    org.xbill.DNS.Message answer = ask("www.parley.test.", Type.A);
    assertEquals(org.xbill.DNS.Rcode.NOERROR, answer.getRcode());
    assertTrue(answer.getHeader().getFlag(Flags.AA));
    ARecord a = (ARecord) answers(answer).get(0);
    assertEquals(Name.fromString("www.parley.test."), a.getName());
    assertEquals("192.0.2.10", a.getAddress().getHostAddress());
    assertEquals(300, a.getTTL());
    assertEquals(1, answers(answer).size());
  }

  @Test
  void resolvesAnIpv6Address() throws IOException {
    AAAARecord aaaa = (AAAARecord) answers(ask("api.parley.test.", Type.AAAA)).get(0);
    assertArrayEquals(Addresses.ipv6("2001:db8::11"), aaaa.getAddress().getAddress());
    assertEquals(300, aaaa.getTTL());
  }

  @Test
  void resolvesACnameChain() throws IOException {
    List<Record> chain = answers(ask("chain.parley.test.", Type.A));
    assertEquals(3, chain.size(), chain.toString());
    CNAMERecord first = (CNAMERecord) chain.get(0);
    assertEquals(Name.fromString("chain.parley.test."), first.getName());
    assertEquals(Name.fromString("alias.parley.test."), first.getTarget());
    assertEquals(900, first.getTTL());
    CNAMERecord second = (CNAMERecord) chain.get(1);
    assertEquals(Name.fromString("www.parley.test."), second.getTarget());
    assertEquals(600, second.getTTL());
    assertEquals("192.0.2.10", ((ARecord) chain.get(2)).getAddress().getHostAddress());
  }

  @Test
  void looksUpThroughTheChainAsAnApplicationWould() throws Exception {
    Lookup lookup = new Lookup("chain.parley.test.", Type.A);
    lookup.setResolver(resolver);
    lookup.setCache(null);
    Record[] records = lookup.run();
    assertEquals(Lookup.SUCCESSFUL, lookup.getResult(), lookup.getErrorString());
    assertEquals("192.0.2.10", ((ARecord) records[0]).getAddress().getHostAddress());
    assertEquals(List.of(Name.fromString("chain.parley.test."), Name.fromString("alias.parley.test.")),
        List.of(lookup.getAliases()));
  }

  @Test
  void resolvesTextRecords() throws IOException {
    TXTRecord txt = (TXTRecord) answers(ask("txt.parley.test.", Type.TXT)).get(0);
    assertEquals(List.of("hello parley", "v=1"), txt.getStrings());
  }

  @Test
  void resolvesMailExchanges() throws IOException {
    MXRecord mx = (MXRecord) answers(ask("parley.test.", Type.MX)).get(0);
    assertEquals(10, mx.getPriority());
    assertEquals(Name.fromString("mail.parley.test."), mx.getTarget());
  }

  @Test
  void answersNxdomainWithTheSoa() throws IOException {
    org.xbill.DNS.Message answer = ask("nope.parley.test.", Type.A);
    assertEquals(org.xbill.DNS.Rcode.NXDOMAIN, answer.getRcode());
    assertTrue(answers(answer).isEmpty());
    SOARecord soa = (SOARecord) answer.getSection(Section.AUTHORITY).get(0);
    assertEquals(60, soa.getTTL());
    assertEquals(2026120101L, soa.getSerial());
    assertEquals(org.xbill.DNS.Rcode.REFUSED, ask("www.example.com.", Type.A).getRcode());
  }

  @Test
  void answersEdnsWithAnOptRecord() throws Exception {
    SimpleResolver edns = new SimpleResolver(InetAddress.getLoopbackAddress());
    edns.setPort(SERVER.address().getPort());
    edns.setTCP(true);
    edns.setTimeout(Duration.ofSeconds(10));
    edns.setEDNS(0, 4096, 0, List.of());
    org.xbill.DNS.Message answer = edns.send(org.xbill.DNS.Message.newQuery(
        Record.newRecord(Name.fromString("www.parley.test."), Type.A, DClass.IN)));
    assertNotNull(answer.getOPT(), "an OPT back for the OPT sent");
    assertEquals(DnsResponder.UDP_PAYLOAD_SIZE, answer.getOPT().getPayloadSize());
    assertEquals(1, answers(answer).size());
  }

  @Test
  void answersManyAsynchronousQueries() throws Exception {
    List<CompletableFuture<org.xbill.DNS.Message>> answers = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(resolver.sendAsync(org.xbill.DNS.Message.newQuery(Record.newRecord(
          Name.fromString(i % 2 == 0 ? "www.parley.test." : "api.parley.test."), Type.A, DClass.IN)))
          .toCompletableFuture());
    }
    for (int i = 0; i < answers.size(); i++) {
      ARecord a = (ARecord) answers.get(i).get(10, TimeUnit.SECONDS).getSection(Section.ANSWER).get(0);
      assertEquals(i % 2 == 0 ? "192.0.2.10" : "192.0.2.11", a.getAddress().getHostAddress());
    }
  }
}
