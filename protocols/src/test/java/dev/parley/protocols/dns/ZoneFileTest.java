package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master-file reader (RFC 1035 5) behind {@link Zone#parse}: the tests' zone record by
 * record, the syntax's corners, and every problem of a file reported as {@code file:line: error:}.
 */
class ZoneFileTest {

  private static final Zone ZONE = TestZone.load();

  private static DnsName name(String text) {
    return DnsName.parse(text);
  }

  private static ResourceRecord only(Zone zone, String owner, int type) {
    List<ResourceRecord> set = zone.rrset(name(owner), type);
    assertEquals(1, set.size(), owner + " " + type + ": " + set);
    return set.get(0);
  }

  private static List<String> problems(String text) {
    return assertThrows(ZoneFileException.class, () -> Zone.parse("bad.zone", text)).problems();
  }

  @Test
  void readsTheTestZoneWithItsApexFromTheSoa() {
    assertEquals(name("parley.test."), ZONE.apex());
    Soa soa = (Soa) ZONE.soa().orElseThrow().rdata();
    assertEquals(new Soa(name("ns1.parley.test."), name("hostmaster.parley.test."), 2026120101L, 3600, 900, 604_800,
        60), soa, "relative mname, absolute rname, and times in BIND's units, across parentheses and comments");
    assertEquals(300, ZONE.soa().orElseThrow().ttl(), "from $TTL");
    assertEquals(18, ZONE.records().size());
  }

  @Test
  void readsAddressesRelativeNamesAndTheBlankOwner() {
    ResourceRecord www = only(ZONE, "www.parley.test.", DnsConstants.TYPE_A);
    assertEquals(new ResourceRecord(name("www.parley.test."), DnsConstants.CLASS_IN, 300,
        new A(Bytes.of(new byte[] {(byte) 192, 0, 2, 10}))), www);
    ResourceRecord api6 = only(ZONE, "api.parley.test.", DnsConstants.TYPE_AAAA);
    assertEquals(Bytes.fromHex("20010db8000000000000000000000011"), ((Aaaa) api6.rdata()).address(),
        "the blank owner of the AAAA line is the api of the line before");
    assertEquals(new Mx(10, name("mail.parley.test.")), only(ZONE, "parley.test.", DnsConstants.TYPE_MX).rdata(),
        "a blank owner after @'s SOA is the apex");
    assertEquals(new Ns(name("ns1.parley.test.")), only(ZONE, "parley.test.", DnsConstants.TYPE_NS).rdata());
    assertEquals(2, ZONE.rrset(name("multi.parley.test."), DnsConstants.TYPE_A).size());
    assertEquals(new Srv(0, 5, 53, name("ns1.parley.test.")),
        only(ZONE, "_dns._tcp.parley.test.", DnsConstants.TYPE_SRV).rdata());
  }

  @Test
  void readsTtlAndClassInEitherOrder() {
    assertEquals(600, only(ZONE, "alias.parley.test.", DnsConstants.TYPE_CNAME).ttl());
    ResourceRecord chain = only(ZONE, "chain.parley.test.", DnsConstants.TYPE_CNAME);
    assertEquals(900, chain.ttl());
    assertEquals(new Cname(name("alias.parley.test.")), chain.rdata());
  }

  @Test
  void readsCharacterStringsQuotedOrBare() {
    Txt txt = (Txt) only(ZONE, "txt.parley.test.", DnsConstants.TYPE_TXT).rdata();
    assertEquals(List.of(Bytes.of("hello parley".getBytes(StandardCharsets.US_ASCII)),
        Bytes.of("v=1".getBytes(StandardCharsets.US_ASCII))), txt.strings());
  }

  @Test
  void looksNamesUpWithoutRegardToCaseAndKnowsEmptyNonTerminals() {
    assertEquals(ZONE.rrset(name("www.parley.test."), DnsConstants.TYPE_A),
        ZONE.rrset(name("WWW.Parley.TEST."), DnsConstants.TYPE_A));
    assertTrue(ZONE.exists(name("deep.parley.test.")), "text-only.deep is below it");
    assertTrue(ZONE.rrsets(name("deep.parley.test.")).isEmpty());
    assertFalse(ZONE.exists(name("nope.parley.test.")));
    assertTrue(ZONE.contains(name("nope.PARLEY.test.")));
    assertFalse(ZONE.contains(name("parley.example.")));
  }

  @Test
  void readsEscapesInNamesAndStrings() throws ZoneFileException {
    Zone zone = Zone.parse("escapes.zone", """
        $ORIGIN example.test.
        $TTL 1h30m
        a\\.b   TXT "say \\"hi\\"; \\059 not a comment" \\065\\066 caf\u00e9
        @      A   192.0.2.1 ; a comment
        """);
    Txt txt = (Txt) zone.rrset(new DnsName(List.of("a.b", "example", "test")), DnsConstants.TYPE_TXT).get(0).rdata();
    assertEquals(List.of("say \"hi\"; ; not a comment", "AB", "caf\u00c3\u00a9"),
        txt.strings().stream().map(b -> new String(b.toByteArray(), StandardCharsets.ISO_8859_1)).toList(),
        "\\X is X, \\DDD an octet, text beyond ASCII its UTF-8");
    assertEquals(5400, zone.rrset(name("example.test."), DnsConstants.TYPE_A).get(0).ttl());
    assertEquals(name("example.test."), zone.apex(), "without an SOA, the first $ORIGIN");
  }

  @Test
  void keepsOneOfTwoIdenticalRecords() throws ZoneFileException {
    Zone zone = Zone.parse("twice.zone", "$ORIGIN t.\n$TTL 60\nx A 192.0.2.1\nX.t. A 192.0.2.1\n");
    assertEquals(1, zone.records().size());
  }

  @Test
  void reportsEveryProblemOfAFileWithItsLine() {
    List<String> problems = problems("""
        $ORIGIN parley.test.
        $TTL 300
        www     A     192.0.2.300
        api     AAAA  2001:db8::1::2
        two     A     192.0.2.1 192.0.2.2
        odd     FOO   bar
        slow    5x    A 192.0.2.1
        mx      MX    65536 mail
        long    TXT   "%s"
        chaos   CH    TXT "x"
        alias   CNAME www
        alias   A     192.0.2.9
        www.example.com. A 192.0.2.7
        %s A 192.0.2.8
        multi   A     192.0.2.20
        multi   60 A  192.0.2.21
        $INCLUDE other.zone
        $GENERATE 1-2 x$ A 192.0.2.$
        quote   TXT   "not closed
        """.formatted("x".repeat(256), "y".repeat(64)));
    assertEquals(List.of(
        "bad.zone:3: error: A address '192.0.2.300' is not an IPv4 address (four decimal octets, as 192.0.2.1)",
        "bad.zone:4: error: AAAA address '2001:db8::1::2' is not an IPv6 address (as 2001:db8::1)",
        "bad.zone:5: error: A takes 1 field (an IPv4 address), found 2",
        "bad.zone:6: error: 'FOO' is not a record type read here (A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT)",
        "bad.zone:7: error: TTL '5x' is not a number of seconds, nor one like 1h30m (w, d, h, m, s)",
        "bad.zone:8: error: MX preference '65536' is not a number from 0 to 65535",
        "bad.zone:9: error: character string \"" + "x".repeat(256) + "\" takes 256 bytes: at most 255 (RFC 1035 3.3)",
        "bad.zone:10: error: class CH is not served: only IN",
        "bad.zone:14: error: owner name: label 0 of a DNS name takes 64 bytes: a label takes 1 to 63",
        "bad.zone:17: error: $INCLUDE is not supported: put the records in this file",
        "bad.zone:18: error: unknown directive $GENERATE: $ORIGIN and $TTL are read",
        "bad.zone:19: error: a quoted string is not closed on its line",
        "bad.zone:12: error: alias.parley.test. has a CNAME and other records (the first at line 11): an alias has"
            + " no other data (RFC 1034 3.6.2)",
        "bad.zone:13: error: www.example.com. is outside the zone parley.test.",
        "bad.zone:16: error: TTL 60 differs from the 300 of the same RRset at line 15: the records of one RRset"
            + " have one TTL (RFC 2181 5.2)"), problems);
  }

  @Test
  void reportsNamesThatNeedAnOriginAndAZoneWithoutAnApex() {
    assertEquals(List.of(
        "bad.zone:1: error: owner name 'www' is relative and no $ORIGIN came before it: end it with a dot, or set"
            + " $ORIGIN",
        "bad.zone:2: error: owner name '@' stands for the origin, and no $ORIGIN came before it",
        "bad.zone:3: error: the A record of x.test. has no TTL, and no $TTL or record before it gives one",
        "bad.zone:1: error: the zone has no SOA record and no $ORIGIN: its apex is unknown"),
        problems("www 60 A 192.0.2.1\n@ 60 A 192.0.2.1\nx.test. A 192.0.2.1\n"));
  }

  @Test
  void reportsParenthesesThatDoNotMatchAndASecondSoa() {
    assertEquals(List.of("bad.zone:3: error: ')' without a '(' before it",
        "bad.zone:4: error: '(' is not closed before the end of the file"),
        problems("$ORIGIN t.\n$TTL 1\nx A 192.0.2.1 )\n@ SOA a b ( 1 2 3 4\n5\n"));
    assertEquals(List.of("bad.zone:3: error: a second SOA record (the first is at line 2): a zone has one"),
        problems("$TTL 1\nt. SOA a.t. b.t. 1 2 3 4 5\nt. SOA a.t. b.t. 2 2 3 4 5\n"));
    assertEquals(List.of("bad.zone:3: error: the record has no owner name (its line starts blank) and no record"
        + " before it has one"), problems("$ORIGIN t.\n$TTL 1\n  A 192.0.2.1\n"));
  }

  @Test
  void readsAddressesStrictly() {
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 1},
        Addresses.ipv6("::ffff:192.0.2.1"), "sixteen bytes, where InetAddress gives four");
    assertArrayEquals(new byte[16], Addresses.ipv6("::"));
    assertArrayEquals(Bytes.fromHex("00010002000300040005000600070008").toByteArray(), Addresses.ipv6("1:2:3:4:5:6:7:8"));
    for (String bad : new String[] {"1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::g", "1:2:3:4:5:6:7::8:9",
        "::1.2.3", "fe80::1%eth0", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::"}) {
      assertEquals(null, Addresses.ipv6(bad), bad);
    }
    for (String bad : new String[] {"1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1..2.3", "a.b.c.d", "\u0661.2.3.4"}) {
      assertEquals(null, Addresses.ipv4(bad), bad);
    }
  }

  @Test
  void readsAFileAndNamesItInItsProblems(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("parley.zone");
    Files.writeString(file, TestZone.text());
    assertEquals(ZONE.records(), Zone.parse(file).records());
    Files.write(file, new byte[] {'$', 'T', 'T', 'L', ' ', (byte) 0xC3, '\n'});
    assertEquals(List.of(file + ":1: error: the file is not UTF-8 text"),
        assertThrows(ZoneFileException.class, () -> Zone.parse(file)).problems());
  }
}
