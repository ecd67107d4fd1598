package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.Property;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link DnsClient} gets from a server holding the records of {@code parley.zone} that
 * {@code .ci/servers.sh} gives dnsmasq: one body of tests, run against dnsmasq and against
 * dns-server, with the addresses, names and TTLs each answer must carry.
 */
abstract class DnsClientContract {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The questions both servers answer, and the answers, as {@link DnsResponderTest#show} writes them. */
  static final List<Object[]> CASES = List.of(
      new Object[] {"www.parley.test.", DnsConstants.TYPE_A, Rcode.NOERROR, List.of("www.parley.test. 300 A 192.0.2.10")},
      new Object[] {"api.parley.test.", DnsConstants.TYPE_A, Rcode.NOERROR, List.of("api.parley.test. 300 A 192.0.2.11")},
      new Object[] {"api.parley.test.", DnsConstants.TYPE_AAAA, Rcode.NOERROR,
          List.of("api.parley.test. 300 AAAA 2001:db8:0:0:0:0:0:11")},
      new Object[] {"chain.parley.test.", DnsConstants.TYPE_A, Rcode.NOERROR,
          List.of("chain.parley.test. 900 CNAME alias.parley.test.", "alias.parley.test. 600 CNAME www.parley.test.",
              "www.parley.test. 300 A 192.0.2.10")},
      new Object[] {"txt.parley.test.", DnsConstants.TYPE_TXT, Rcode.NOERROR,
          List.of("txt.parley.test. 300 TXT [\"hello parley\", \"v=1\"]")},
      new Object[] {"parley.test.", DnsConstants.TYPE_MX, Rcode.NOERROR, List.of("parley.test. 300 MX 10 mail.parley.test.")},
      new Object[] {"nope.parley.test.", DnsConstants.TYPE_A, Rcode.NXDOMAIN, List.of()},
      new Object[] {"www.example.com.", DnsConstants.TYPE_A, Rcode.REFUSED, List.of()});

  DnsClient client;

  /** The server under test. */
  abstract InetSocketAddress server() throws Exception;

  /** The most queries the server answers on one connection before it closes it. */
  int queriesPerConnection() {
    return Integer.MAX_VALUE;
  }

  @BeforeEach
  void connect() throws Exception {
    client = DnsClient.connect(server(), TIMEOUT);
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  static void assertAnswer(Object[] c, Message answer) {
    assertEquals(c[2], answer.flags().rcode(), c[0] + " " + c[1]);
    assertTrue(answer.flags().qr());
    assertEquals(List.of(new Question(DnsName.parse((String) c[0]), (Integer) c[1], DnsConstants.CLASS_IN)),
        answer.questions(), "the question echoed");
    assertEquals(c[3], answer.answers().stream().map(DnsResponderTest::show).toList(), c[0] + " " + c[1]);
  }

  private void check(int index) throws IOException {
    Object[] c = CASES.get(index);
    assertAnswer(c, client.query(DnsName.parse((String) c[0]), (Integer) c[1]));
  }

  @Test
  void resolvesAnAddress() throws IOException {
    check(0);
  }

  @Test
  void resolvesAnIpv6Address() throws IOException {
    check(2);
  }

  @Test
  void resolvesACnameChainWithEachAliasAndItsTtl() throws IOException {
    check(3);
  }

  @Test
  void resolvesTextRecords() throws IOException {
    check(4);
  }

  @Test
  void resolvesAMailExchange() throws IOException {
    check(5);
  }

  @Test
  void answersNxdomainForAnUnknownNameAndRefusedOutsideTheZone() throws IOException {
    check(6);
    check(7);
  }

  @Test
  void pipelinesManyQueriesOnOneConnection() throws Exception {
    long seed = Property.seed();
    System.out.println(getClass().getSimpleName() + ".pipelinesManyQueriesOnOneConnection seed " + seed
        + " (-Dparley.seed=" + seed + " replays it)");
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Object[]> asked = new ArrayList<>();
    List<CompletableFuture<Message>> answers = new ArrayList<>();
    for (int i = 0; i < Math.min(500, queriesPerConnection() - 1); i++) {
      Object[] c = CASES.get(rnd.nextInt(CASES.size()));
      asked.add(c);
      answers.add(client.queryAsync(DnsName.parse((String) c[0]), (Integer) c[1]));
    }
    for (int i = 0; i < asked.size(); i++) {
      assertAnswer(asked.get(i), answers.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(0, client.inFlight());
    check(0); // and the connection goes on
  }

  @Test
  void takesQueriesFromSeveralThreadsAtOnce() throws Exception {
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    int each = Math.min(50, queriesPerConnection() / 4);
    for (int t = 0; t < 4; t++) {
      int first = t;
      threads.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < each; i++) {
          Object[] c = CASES.get((first + i) % CASES.size());
          try {
            assertAnswer(c, client.query(DnsName.parse((String) c[0]), (Integer) c[1]));
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }
      }));
    }
    CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }
}
