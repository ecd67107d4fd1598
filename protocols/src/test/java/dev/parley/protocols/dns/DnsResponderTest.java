package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the server answers, without sockets: {@link DnsResponder} over the tests' zone, for each
 * kind of question and each malformed or unsupported query.
 */
class DnsResponderTest {

  private static final DnsResponder RESPONDER = new DnsResponder(TestZone.load());

  private static final DnsFlags QUERY = new DnsFlags(false, 0, false, false, true, false, 0, false, true, Rcode.NOERROR);

  static Message query(int id, DnsFlags flags, List<Question> questions, List<ResourceRecord> additionals) {
    return new Message(id, flags, questions, List.of(), List.of(), additionals);
  }

  static Message query(String name, int type) {
    return query(0x1234, QUERY, List.of(new Question(DnsName.parse(name), type, DnsConstants.CLASS_IN)), List.of());
  }

  private static Message respond(Message query) {
    return RESPONDER.respond(new DnsRequest.Parsed(query)).orElseThrow();
  }

  private static List<String> answers(Message response) {
    return response.answers().stream().map(DnsResponderTest::show).toList();
  }

  /** A record as {@code owner ttl TYPE data}, for assertions that read like a zone. */
  static String show(ResourceRecord r) {
    String data = switch (Rdata.selector(r.rdata())) {
      case DnsConstants.TYPE_A, DnsConstants.TYPE_AAAA -> {
        byte[] b = (r.rdata() instanceof A a ? a.address() : ((Aaaa) r.rdata()).address()).toByteArray();
        try {
          yield "A" + (b.length == 4 ? " " : "AAA ") + java.net.InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
          throw new AssertionError(e);
        }
      }
      case DnsConstants.TYPE_CNAME -> "CNAME " + ((Cname) r.rdata()).target();
      case DnsConstants.TYPE_MX -> "MX " + ((Mx) r.rdata()).preference() + " " + ((Mx) r.rdata()).exchange();
      case DnsConstants.TYPE_SOA -> "SOA " + ((Soa) r.rdata()).mname() + " " + ((Soa) r.rdata()).minimum();
      case DnsConstants.TYPE_TXT -> "TXT " + ((Txt) r.rdata()).strings().stream()
          .map(s -> '"' + new String(s.toByteArray(), java.nio.charset.StandardCharsets.UTF_8) + '"').toList();
      default -> r.rdata().toString();
    };
    return r.name() + " " + r.ttl() + " " + data;
  }

  private static void assertHeader(Message response, Rcode rcode, boolean authoritative) {
    assertEquals(0x1234, response.id());
    DnsFlags f = response.flags();
    assertEquals(rcode, f.rcode());
    assertTrue(f.qr(), "a response");
    assertEquals(authoritative, f.aa(), "AA");
    assertTrue(f.rd(), "RD copied");
    assertTrue(f.cd(), "CD copied");
    assertFalse(f.ra(), "no recursion offered");
  }

  @Test
  void answersTheRecordsOfTheNameAndTypeAsked() {
    Message a = respond(query("www.parley.test.", DnsConstants.TYPE_A));
    assertHeader(a, Rcode.NOERROR, true);
    assertEquals(query("www.parley.test.", DnsConstants.TYPE_A).questions(), a.questions(), "the question echoed");
    assertEquals(List.of("www.parley.test. 300 A 192.0.2.10"), answers(a));
    assertEquals(List.of("multi.parley.test. 300 A 192.0.2.20", "multi.parley.test. 300 A 192.0.2.21"),
        answers(respond(query("multi.parley.test", DnsConstants.TYPE_A))));
    assertEquals(List.of("api.parley.test. 300 AAAA 2001:db8:0:0:0:0:0:11"),
        answers(respond(query("api.parley.test", DnsConstants.TYPE_AAAA))));
    assertEquals(List.of("parley.test. 300 MX 10 mail.parley.test."),
        answers(respond(query("parley.test", DnsConstants.TYPE_MX))));
    assertEquals(List.of("txt.parley.test. 300 TXT [\"hello parley\", \"v=1\"]"),
        answers(respond(query("txt.parley.test", DnsConstants.TYPE_TXT))));
    assertEquals(List.of("api.parley.test. 300 A 192.0.2.11", "api.parley.test. 300 AAAA 2001:db8:0:0:0:0:0:11"),
        answers(respond(query("api.parley.test", DnsResponder.ANY))), "ANY: every record of the name");
  }

  @Test
  void answersWithTheNameAsAsked() {
    assertEquals(List.of("WwW.PARLEY.test. 300 A 192.0.2.10"),
        answers(respond(query("WwW.PARLEY.test.", DnsConstants.TYPE_A))), "RFC 4343: case kept, compared without it");
  }

  @Test
  void followsACnameChainInsideTheZone() {
    Message chain = respond(query("chain.parley.test.", DnsConstants.TYPE_A));
    assertHeader(chain, Rcode.NOERROR, true);
    assertEquals(List.of("chain.parley.test. 900 CNAME alias.parley.test.", "alias.parley.test. 600 CNAME www.parley.test.",
        "www.parley.test. 300 A 192.0.2.10"), answers(chain));
    assertEquals(List.of("alias.parley.test. 600 CNAME www.parley.test."),
        answers(respond(query("alias.parley.test.", DnsConstants.TYPE_CNAME))), "a CNAME asked for is not followed");
    Message nodata = respond(query("chain.parley.test.", DnsConstants.TYPE_AAAA));
    assertEquals(Rcode.NOERROR, nodata.flags().rcode());
    assertEquals(2, nodata.answers().size(), "the aliases, then no AAAA at the end");
    assertEquals(List.of("parley.test. 60 SOA ns1.parley.test. 60"), nodata.authorities().stream()
        .map(DnsResponderTest::show).toList());
  }

  @Test
  void stopsAtAnAliasOutOfTheZoneAndRefusesALoop() {
    Message away = respond(query("away.parley.test.", DnsConstants.TYPE_A));
    assertHeader(away, Rcode.NOERROR, true);
    assertEquals(List.of("away.parley.test. 300 CNAME www.example.com."), answers(away));
    Message loop = respond(query("loop1.parley.test.", DnsConstants.TYPE_A));
    assertHeader(loop, Rcode.SERVFAIL, true);
    assertTrue(loop.answers().isEmpty());
  }

  @Test
  void answersNxdomainAndNodataWithTheSoaForNegativeCaching() {
    Message nx = respond(query("nope.parley.test.", DnsConstants.TYPE_A));
    assertHeader(nx, Rcode.NXDOMAIN, true);
    assertTrue(nx.answers().isEmpty());
    assertEquals(List.of("parley.test. 60 SOA ns1.parley.test. 60"), nx.authorities().stream()
        .map(DnsResponderTest::show).toList(), "the TTL: the lower of the SOA's TTL and its minimum (RFC 2308 5)");
    Message nodata = respond(query("www.parley.test.", DnsConstants.TYPE_AAAA));
    assertHeader(nodata, Rcode.NOERROR, true);
    assertTrue(nodata.answers().isEmpty());
    assertEquals(1, nodata.authorities().size());
    Message empty = respond(query("deep.parley.test.", DnsConstants.TYPE_A));
    assertEquals(Rcode.NOERROR, empty.flags().rcode(), "an empty non-terminal exists (RFC 8020)");
    assertEquals(Rcode.NXDOMAIN, respond(query("x.nope.parley.test.", DnsConstants.TYPE_A)).flags().rcode());
  }

  @Test
  void refusesNamesOutsideTheZoneAndOtherClasses() {
    Message outside = respond(query("www.example.com.", DnsConstants.TYPE_A));
    assertHeader(outside, Rcode.REFUSED, false);
    assertTrue(outside.answers().isEmpty() && outside.authorities().isEmpty());
    Message chaos = respond(query(0x1234, QUERY, List.of(new Question(DnsName.parse("version.bind."), 16, 3)), List.of()));
    assertHeader(chaos, Rcode.REFUSED, false);
    Message anyClass = respond(query(0x1234, QUERY, List.of(new Question(DnsName.parse("www.parley.test."),
        DnsConstants.TYPE_A, DnsResponder.CLASS_ANY)), List.of()));
    assertEquals(1, anyClass.answers().size(), "QCLASS * matches IN");
  }

  @Test
  void answersFormerrToQueriesWithoutOneQuestion() {
    Question www = new Question(DnsName.parse("www.parley.test."), DnsConstants.TYPE_A, DnsConstants.CLASS_IN);
    for (List<Question> questions : List.of(List.<Question>of(), List.of(www, www))) {
      Message formerr = respond(query(0x1234, QUERY, questions, List.of()));
      assertHeader(formerr, Rcode.FORMERR, false);
      assertTrue(formerr.questions().isEmpty() && formerr.answers().isEmpty());
    }
    assertEquals(Rcode.FORMERR, respond(query("www.parley.test.", DnsConstants.TYPE_OPT)).flags().rcode());
  }

  @Test
  void answersFormerrByIdToAQueryThatDoesNotDecode() throws ProtocolException {
    // A header with QDCOUNT 1, then a name whose pointer points at itself.
    byte[] frame = Bytes.fromHex("0012" + "abcd" + "0100" + "0001" + "0000" + "0000" + "0000" + "c00c00010001").toByteArray();
    DnsRequest request = DnsRequestProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
    DnsRequest.Unparsed unparsed = assertInstanceOf(DnsRequest.Unparsed.class, request);
    assertTrue(unparsed.problem().getMessage().contains("compression pointer"), unparsed.problem().getMessage());
    Message formerr = RESPONDER.respond(request).orElseThrow();
    assertEquals(0xABCD, formerr.id());
    assertEquals(Rcode.FORMERR, formerr.flags().rcode());
    assertTrue(formerr.flags().rd(), "RD copied from the header that did decode");
    assertTrue(formerr.questions().isEmpty());
  }

  @Test
  void answersNotimpToOtherOpcodesAndZoneTransfers() {
    for (int opcode : new int[] {1, 2, 4, 5, 6, 15}) {
      DnsFlags flags = new DnsFlags(false, opcode, false, false, false, false, 0, false, false, Rcode.NOERROR);
      Message notimp = respond(query(7, flags, List.of(), List.of()));
      assertEquals(Rcode.NOTIMP, notimp.flags().rcode(), "opcode " + opcode);
      assertEquals(opcode, notimp.flags().opcode(), "the opcode copied");
    }
    // An opcode's sections need not be read to refuse it: NOTIMP even when they do not decode.
    byte[] update = Bytes.fromHex("000e" + "00012800" + "0001000000000000" + "ff").toByteArray();
    assertEquals(Rcode.NOTIMP, RESPONDER.respond(decode(update)).orElseThrow().flags().rcode());
    assertEquals(Rcode.NOTIMP, respond(query("parley.test.", DnsResponder.AXFR)).flags().rcode());
    assertEquals(Rcode.NOTIMP, respond(query("parley.test.", DnsResponder.IXFR)).flags().rcode());
  }

  private static DnsRequest decode(byte[] frame) {
    try {
      return DnsRequestProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
    } catch (ProtocolException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void neverAnswersAResponse() {
    DnsFlags response = new DnsFlags(true, 0, true, false, false, false, 0, false, false, Rcode.NOERROR);
    assertEquals(Optional.empty(), RESPONDER.respond(new DnsRequest.Parsed(query(1, response, List.of(), List.of()))));
  }

  private static ResourceRecord opt(int version) {
    return new ResourceRecord(DnsName.ROOT, 4096, (long) version << 16, new Opt(List.of()));
  }

  @Test
  void answersEdnsWithAnOptRecordAndBadversForAnotherVersion() {
    List<Question> www = query("www.parley.test.", DnsConstants.TYPE_A).questions();
    Message edns = respond(query(0x1234, QUERY, www, List.of(opt(0))));
    assertEquals(1, edns.answers().size());
    ResourceRecord opt = edns.additionals().get(0);
    assertEquals(new ResourceRecord(DnsName.ROOT, DnsResponder.UDP_PAYLOAD_SIZE, 0, new Opt(List.of())), opt);
    assertTrue(respond(query("www.parley.test.", DnsConstants.TYPE_A)).additionals().isEmpty(),
        "no OPT back without one");
    Message badvers = respond(query(0x1234, QUERY, www, List.of(opt(1))));
    assertEquals(Rcode.NOERROR, badvers.flags().rcode(), "BADVERS is 16: 0 in the header's four bits");
    assertEquals(1L << 24, badvers.additionals().get(0).ttl(), "and 1 in the OPT's upper eight");
    assertTrue(badvers.answers().isEmpty());
    assertEquals(Rcode.FORMERR, respond(query(0x1234, QUERY, www, List.of(opt(0), opt(0)))).flags().rcode());
    ResourceRecord notAtRoot = new ResourceRecord(DnsName.parse("x."), 4096, 0, new Opt(List.of()));
    assertEquals(Rcode.FORMERR, respond(query(0x1234, QUERY, www, List.of(notAtRoot))).flags().rcode());
  }
}
