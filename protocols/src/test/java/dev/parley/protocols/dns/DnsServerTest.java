package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * dns-server on the wire: queries that do not decode answered FORMERR by their id on a connection
 * that goes on, names under attack in a query (pointer loops, forward pointers, pointers past the
 * message, labels of 64, names over 255 bytes) each answered FORMERR, other opcodes NOTIMP, and
 * a frame too short to be a DNS message closing its connection.
 */
class DnsServerTest {

  @RegisterExtension
  static final ServedZone SERVER = new ServedZone();

  /** A query's message: a header with QDCOUNT 1 and RD, then {@code question} as it is. */
  private static byte[] query(int id, String questionHex) {
    return Bytes.fromHex(String.format("%04x", id) + "0100" + "0001" + "0000" + "0000" + "0000" + questionHex)
        .toByteArray();
  }

  private static Message decode(byte[] message) throws IOException {
    return (Message) DnsProtocol.INSTANCE.decode(ByteBuffer.allocate(2 + message.length)
        .putShort((short) message.length).put(message).flip());
  }

  /** {@code www.parley.test. A IN} as hex. */
  private static final String WWW_A = "03777777" + "067061726c6579" + "0474657374" + "00" + "00010001";

  @Test
  void answersFormerrByIdToEachNameUnderAttackAndGoesOn() throws IOException {
    List<String> attacks = List.of(
        "c00c00010001",                                          // a pointer to itself
        "03777777c01200010001",                                  // "www" then a pointer forward, to the type
        "c0ff00010001",                                          // a pointer past the end of the message
        "40" + "78".repeat(64) + "0000010001",                   // a label of 64 bytes
        ("3f" + "61".repeat(63)).repeat(4) + "0000010001",       // 4 labels of 63: 257 bytes
        "03777777",                                              // cut short inside the name
        "806100010001");                                         // a reserved label type 0b10
    try (RawDnsPeer peer = RawDnsPeer.connect(SERVER.address())) {
      for (int i = 0; i < attacks.size(); i++) {
        String hex = attacks.get(i);
        peer.writeMessage(query(0x4000 + i, hex));
        Message answer = decode(peer.readMessage());
        assertEquals(0x4000 + i, answer.id(), "attack " + i);
        assertEquals(Rcode.FORMERR, answer.flags().rcode(), "attack " + i);
        assertTrue(answer.flags().qr() && answer.questions().isEmpty() && answer.answers().isEmpty());
      }
      peer.writeMessage(query(0x5000, WWW_A));
      Message www = decode(peer.readMessage());
      assertEquals(0x5000, www.id());
      assertEquals(Rcode.NOERROR, www.flags().rcode(), "the connection goes on after every FORMERR");
      assertEquals(1, www.answers().size());
    }
  }

  @Test
  void answersPipelinedQueriesInOneWriteEachWithItsId() throws IOException {
    try (RawDnsPeer peer = RawDnsPeer.connect(SERVER.address())) {
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      for (int id = 1; id <= 50; id++) {
        byte[] q = id % 5 == 0 ? query(id, "c00c00010001") : query(id, WWW_A);
        all.write(q.length >> 8);
        all.write(q.length);
        all.writeBytes(q);
      }
      peer.write(all.toByteArray());
      for (int id = 1; id <= 50; id++) {
        Message answer = decode(peer.readMessage());
        assertEquals(id, answer.id());
        assertEquals(id % 5 == 0 ? Rcode.FORMERR : Rcode.NOERROR, answer.flags().rcode());
      }
    }
  }

  @Test
  void answersNotimpToAnUpdateAndNothingToAResponse() throws IOException {
    try (RawDnsPeer peer = RawDnsPeer.connect(SERVER.address())) {
      // An UPDATE (opcode 5): its zone section reads like a question, but it is refused unread.
      peer.writeMessage(Bytes.fromHex("0042" + "2800" + "0001000000000000" + "067061726c6579047465737400" + "0006" + "0001")
          .toByteArray());
      Message notimp = decode(peer.readMessage());
      assertEquals(0x42, notimp.id());
      assertEquals(Rcode.NOTIMP, notimp.flags().rcode());
      assertEquals(5, notimp.flags().opcode());
      // A response (QR 1) gets no answer; the query after it does.
      peer.writeMessage(Bytes.fromHex("0043" + "8400" + "0000000000000000").toByteArray());
      peer.writeMessage(query(0x44, WWW_A));
      assertEquals(0x44, decode(peer.readMessage()).id());
    }
  }

  @Test
  void closesAConnectionWhoseFrameIsShorterThanAHeader() throws IOException {
    try (RawDnsPeer peer = RawDnsPeer.connect(SERVER.address())) {
      peer.writeMessage(Bytes.fromHex("1234010000010000").toByteArray());
      assertTrue(peer.closedByPeer(), "no id to answer: the connection closes");
    }
  }
}
