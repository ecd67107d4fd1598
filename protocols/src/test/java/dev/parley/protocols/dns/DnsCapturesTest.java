package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.FrameReader;
import dev.parley.runtime.ProtocolException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The frames dnsmasq exchanged with a client over TCP ({@code captures/dns-tcp.tsv}): each decodes
 * with the generated {@link DnsProtocol} to the values its description names, compression
 * pointers resolved; each re-encodes, without compression, to its own bytes when it had no pointer
 * and otherwise to a longer frame that decodes to the same message.
 */
class DnsCapturesTest {

  static final List<Capture> CAPTURES = Capture.load("dns-tcp.tsv");

  private static final Map<String, Integer> TYPES = Map.of("A", DnsConstants.TYPE_A, "NS", DnsConstants.TYPE_NS,
      "CNAME", DnsConstants.TYPE_CNAME, "SOA", DnsConstants.TYPE_SOA, "PTR", DnsConstants.TYPE_PTR,
      "MX", DnsConstants.TYPE_MX, "TXT", DnsConstants.TYPE_TXT, "AAAA", DnsConstants.TYPE_AAAA,
      "SRV", DnsConstants.TYPE_SRV, "OPT", DnsConstants.TYPE_OPT);

  static Message decode(byte[] frame) throws ProtocolException {
    return (Message) DnsProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
  }

  static byte[] encode(DnsMessage message) {
    byte[] frame = new byte[DnsProtocol.INSTANCE.encodedSize(message)];
    DnsProtocol.INSTANCE.encode(message, ByteBuffer.wrap(frame));
    return frame;
  }

  @Test
  void captureHoldsSixQueriesAndTheirResponses() {
    assertEquals(12, CAPTURES.size());
    for (int i = 0; i < CAPTURES.size(); i++) {
      assertEquals(i % 2 == 0 ? "C>S" : "S>C", CAPTURES.get(i).direction(), CAPTURES.get(i).toString());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyFrameDecodesToWhatItsDescriptionSays() {
    return CAPTURES.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
      CaptureDescription d = CaptureDescription.parse(c.description());
      Message m = decode(c.frame());
      assertEquals(d.length(), c.frame().length - 2, "length");
      assertEquals(d.id(), m.id(), "id");
      ByteBuffer flags = ByteBuffer.allocate(2);
      m.flags().encode(flags);
      assertEquals(d.flags(), flags.getShort(0) & 0xFFFF, "flags, as a u16");
      assertEquals(d.response(), m.flags().qr(), "qr");
      Map<String, Integer> bits = d.flagBits();
      assertEquals(bits.get("qr"), m.flags().qr() ? 1 : 0, "qr");
      assertEquals(bits.get("opcode"), m.flags().opcode(), "opcode");
      assertEquals(bits.get("aa"), m.flags().aa() ? 1 : 0, "aa");
      assertEquals(bits.get("tc"), m.flags().tc() ? 1 : 0, "tc");
      assertEquals(bits.get("rd"), m.flags().rd() ? 1 : 0, "rd");
      assertEquals(bits.get("ra"), m.flags().ra() ? 1 : 0, "ra");
      assertEquals(bits.get("z"), m.flags().z(), "z");
      assertEquals(bits.get("ad"), m.flags().ad() ? 1 : 0, "ad");
      assertEquals(bits.get("cd"), m.flags().cd() ? 1 : 0, "cd");
      assertEquals(9, bits.size(), "every flag named");
      assertEquals(Rcode.valueOf(d.rcode()), m.flags().rcode(), "rcode");
      assertEquals(d.questionCount(), m.questions().size(), "qd");
      assertEquals(d.answerCount(), m.answers().size(), "an");
      assertEquals(d.authorityCount(), m.authorities().size(), "ns");
      assertEquals(d.additionalCount(), m.additionals().size(), "ar");
      for (int i = 0; i < d.questions().size(); i++) {
        CaptureDescription.QuestionLine q = d.questions().get(i);
        Question got = m.questions().get(i);
        assertEquals(q.name(), got.name().toString(), "question " + i + " name");
        assertEquals(TYPES.get(q.type()), got.qtype(), "question " + i + " type");
        assertEquals(q.qclass(), got.qclass(), "question " + i + " class");
      }
      assertRecords(d.section("AN"), m.answers(), "answer");
      assertRecords(d.section("NS"), m.authorities(), "authority");
      assertRecords(d.section("AR"), m.additionals(), "additional");
      byte[] message = c.message();
      for (CaptureDescription.Pointer p : d.pointers()) {
        assertEquals(0xC0, message[p.offset()] & 0xC0, "a pointer at " + p.offset());
        assertEquals(p.target(), ((message[p.offset()] & 0x3F) << 8) | (message[p.offset() + 1] & 0xFF),
            "the pointer at " + p.offset());
      }
    }));
  }

  private static void assertRecords(List<CaptureDescription.RecordLine> expected, List<ResourceRecord> records,
      String what) throws UnknownHostException {
    assertEquals(expected.size(), records.size(), what + "s");
    for (int i = 0; i < expected.size(); i++) {
      CaptureDescription.RecordLine e = expected.get(i);
      ResourceRecord r = records.get(i);
      String where = what + " " + i;
      assertEquals(e.name(), r.name().toString(), where + " name");
      assertEquals(TYPES.get(e.type()), Rdata.selector(r.rdata()), where + " type");
      if (e.rrClass().isPresent()) {
        assertEquals(e.rrClass().getAsInt(), r.rrClass(), where + " class");
      } else {
        assertEquals(DnsConstants.CLASS_IN, r.rrClass(), where + " class IN");
      }
      assertEquals(e.ttl(), r.ttl(), where + " ttl");
      // No RDATA of these captures holds a compression pointer (their pointers are owner names),
      // so the data takes on the wire what it takes written without compression.
      assertEquals(e.rdlength(), r.rdata().encodedSize(), where + " rdlength");
      switch (e.type()) {
        case "A", "AAAA" -> {
          byte[] address = InetAddress.getByName(e.data()).getAddress();
          byte[] got = r.rdata() instanceof A a ? a.address().toByteArray()
              : assertInstanceOf(Aaaa.class, r.rdata()).address().toByteArray();
          assertArrayEquals(address, got, where + " address");
        }
        case "CNAME" -> assertEquals(e.data(), assertInstanceOf(Cname.class, r.rdata()).target().toString(),
            where + " target");
        case "TXT" -> {
          assertTrue(e.data().startsWith("'") && e.data().endsWith("'"), e.data());
          List<String> strings = assertInstanceOf(Txt.class, r.rdata()).strings().stream()
              .map(s -> new String(s.toByteArray(), StandardCharsets.US_ASCII)).toList();
          assertEquals(List.of(e.data().substring(1, e.data().length() - 1)), strings, where + " strings");
        }
        case "OPT" -> {
          assertEquals(DnsName.ROOT, r.name(), where + ": an OPT record's name is the root");
          assertEquals(List.of(), assertInstanceOf(Opt.class, r.rdata()).options(), where + " options");
        }
        default -> throw new AssertionError("no check for type " + e.type());
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> framesReencodeWithoutCompression() {
    return CAPTURES.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
      CaptureDescription d = CaptureDescription.parse(c.description());
      Message m = decode(c.frame());
      byte[] again = encode(m);
      if (d.pointers().isEmpty()) {
        assertArrayEquals(c.frame(), again, "a frame without pointers is written back byte for byte");
      } else {
        // Each pointer stands for the labels it points at, written out in full: 2 bytes become
        // the wire length of that suffix.
        assertTrue(again.length > c.frame().length, "written without compression, the frame grows");
        assertEquals(m, decode(again), "and decodes to the same message");
        assertEquals(again.length - 2, ByteBuffer.wrap(again).getShort(0) & 0xFFFF, "its length says so");
      }
    }));
  }

  @Test
  void aHitsAnswerNameIsTheQuestionsThroughAPointer() throws ProtocolException {
    Capture response = CAPTURES.get(1);
    Message m = decode(response.frame());
    assertEquals(0x1001, m.id());
    DnsName www = DnsName.parse("www.parley.test.");
    assertEquals(www, m.questions().get(0).name());
    assertEquals(www, m.answers().get(0).name());
    assertEquals(List.of("www", "parley", "test"), m.answers().get(0).name().labels());
    byte[] message = response.message();
    assertEquals((byte) 0xC0, message[33]);
    assertEquals(12, message[34], "the pointer points at the question's name, right after the 12-byte header");
    assertEquals(new A(dev.parley.runtime.Bytes.of((byte) 192, (byte) 0, (byte) 2, (byte) 10)),
        m.answers().get(0).rdata());
  }

  @Test
  void nxdomainResponseCarriesItsRcodeAndNoAnswer() throws ProtocolException {
    Message m = decode(CAPTURES.get(3).frame());
    assertEquals(0x1002, m.id());
    assertEquals(Rcode.NXDOMAIN, m.flags().rcode());
    assertEquals(3, m.flags().rcode().value());
    assertTrue(m.flags().qr() && m.flags().rd() && m.flags().ra() && !m.flags().aa());
    assertEquals(DnsName.of("nope", "parley", "test"), m.questions().get(0).name());
    assertEquals(List.of(), m.answers());
  }

  @Test
  void cnameChainsSecondAnswerIsNamedThroughAPointerIntoTheFirstAnswersData() throws ProtocolException {
    Capture response = CAPTURES.get(5);
    Message m = decode(response.frame());
    assertEquals(2, m.answers().size());
    ResourceRecord alias = m.answers().get(0);
    ResourceRecord target = m.answers().get(1);
    assertEquals(DnsName.parse("alias.parley.test."), alias.name());
    Cname cname = assertInstanceOf(Cname.class, alias.rdata());
    assertEquals(DnsName.parse("www.parley.test."), cname.target());
    assertEquals(cname.target(), target.name());
    assertEquals(new A(dev.parley.runtime.Bytes.fromHex("c000020a")), target.rdata());
    // The first answer starts at 35 (a pointer to the question's name at 12); its 12 bytes of
    // name, type, class, ttl and rdlength put its data, the CNAME's target, at 47.
    byte[] message = response.message();
    assertEquals(0xC00C, ((message[35] & 0xFF) << 8) | (message[36] & 0xFF));
    assertEquals(0xC02F, ((message[64] & 0xFF) << 8) | (message[65] & 0xFF));
    assertEquals(3, message[47], "the target's first label, www");
  }

  @Test
  void aaaaAnswerHoldsSixteenBytes() throws ProtocolException, UnknownHostException {
    Message m = decode(CAPTURES.get(7).frame());
    assertEquals(DnsConstants.TYPE_AAAA, m.questions().get(0).qtype());
    Aaaa aaaa = assertInstanceOf(Aaaa.class, m.answers().get(0).rdata());
    assertEquals(InetAddress.getByName("2001:db8::11"), InetAddress.getByAddress(aaaa.address().toByteArray()));
  }

  @Test
  void txtAnswerHoldsOneCharacterString() throws ProtocolException {
    Message m = decode(CAPTURES.get(9).frame());
    Txt txt = assertInstanceOf(Txt.class, m.answers().get(0).rdata());
    assertEquals(List.of(dev.parley.runtime.Bytes.of("hello parley".getBytes(StandardCharsets.US_ASCII))),
        txt.strings());
  }

  @Test
  void ednsOptRecordKeepsItsPayloadSizeInItsClassAndItsFlagsInItsTtl() throws ProtocolException {
    for (Capture c : List.of(CAPTURES.get(10), CAPTURES.get(11))) {
      Message m = decode(c.frame());
      ResourceRecord opt = m.additionals().get(m.additionals().size() - 1);
      assertEquals(DnsName.ROOT, opt.name(), c.toString());
      assertEquals(DnsConstants.TYPE_OPT, Rdata.selector(opt.rdata()), c.toString());
      assertEquals(1232, opt.rrClass(), c + ": the requestor's UDP payload size");
      assertEquals(0, opt.ttl(), c + ": extended rcode 0, version 0, DO clear");
      assertEquals(new Opt(List.of()), opt.rdata(), c + ": no options");
    }
  }

  @Test
  void theWholeConnectionCutByTheFrameReaderDecodesFrameByFrame() throws ProtocolException {
    java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
    CAPTURES.forEach(c -> stream.writeBytes(c.frame()));
    FrameReader reader = new FrameReader(DnsProtocol.INSTANCE.frameFormat());
    ByteBuffer bytes = ByteBuffer.wrap(stream.toByteArray());
    int i = 0;
    for (int rounds = 0; bytes.hasRemaining(); rounds++) {
      assertTrue(rounds < CAPTURES.size() + 1, "the reader takes the connection's bytes");
      reader.feed(bytes);
      for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
        assertEquals(decode(CAPTURES.get(i).frame()), DnsProtocol.INSTANCE.decode(frame), CAPTURES.get(i).toString());
        i++;
      }
    }
    reader.endOfStream();
    assertNull(reader.nextFrame());
    assertEquals(CAPTURES.size(), i);
    assertFalse(bytes.hasRemaining());
  }
}
