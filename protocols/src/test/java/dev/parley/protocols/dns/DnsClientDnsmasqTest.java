package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.RealServers;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link DnsClientContract} against the real dnsmasq that {@code .ci/servers.sh} starts
 * ({@code PARLEY_DNSMASQ}), whose answers use compression pointers; and, on the wire, that the
 * CNAME chain's answer does point into record data, so that the contract's names were read
 * through pointers.
 */
class DnsClientDnsmasqTest extends DnsClientContract {

  /** dnsmasq's TCP_MAX_QUERIES (config.h; 2.90 in bookworm): then it closes the connection. */
  static final int DNSMASQ_QUERIES_PER_CONNECTION = 100;

  @Override
  InetSocketAddress server() {
    return RealServers.dnsmasq();
  }

  @Override
  int queriesPerConnection() {
    return DNSMASQ_QUERIES_PER_CONNECTION;
  }

  @Test
  void queriesPastDnsmasqsHundredAConnectionFailAfterTheHundredAnswers() throws Exception {
    List<CompletableFuture<Message>> answers = new ArrayList<>();
    for (int i = 0; i < DNSMASQ_QUERIES_PER_CONNECTION + 20; i++) {
      answers.add(client.queryAsync(DnsName.parse("www.parley.test."), DnsConstants.TYPE_A));
    }
    for (int i = 0; i < DNSMASQ_QUERIES_PER_CONNECTION; i++) {
      assertAnswer(CASES.get(0), answers.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }
    for (int i = DNSMASQ_QUERIES_PER_CONNECTION; i < answers.size(); i++) {
      CompletableFuture<Message> late = answers.get(i);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> late.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      // The end of stream, or the failed write of a query past the hundredth, whichever came first.
      assertInstanceOf(IOException.class, e.getCause());
    }
    assertFalse(client.isOpen());
    assertThrows(IOException.class, () -> client.query(DnsName.parse("www.parley.test."), DnsConstants.TYPE_A),
        "and every later query");
  }

  /** Where the name at {@code at} of {@code message} ends: after its 0 byte or its first pointer. */
  private static int nameEnd(byte[] message, int at) {
    while ((message[at] & 0xFF) != 0) {
      if ((message[at] & 0xC0) == 0xC0) {
        return at + 2;
      }
      at += 1 + (message[at] & 0xFF);
    }
    return at + 1;
  }

  @Test
  void theChainsSecondAnswerIsNamedByAPointerIntoTheFirstAnswersData() throws Exception {
    Message query = DnsResponderTest.query("chain.parley.test.", DnsConstants.TYPE_A);
    byte[] frame = DnsCapturesTest.encode(query);
    byte[] message;
    try (Socket socket = new Socket()) {
      socket.connect(server(), (int) TIMEOUT.toMillis());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      new DataOutputStream(socket.getOutputStream()).write(frame);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      message = new byte[in.readUnsignedShort()];
      in.readFully(message);
    }
    int firstAnswer = nameEnd(message, 12) + 4;
    int rdlength = ByteBuffer.wrap(message).getShort(nameEnd(message, firstAnswer) + 8) & 0xFFFF;
    int rdata = nameEnd(message, firstAnswer) + 10;
    int secondAnswer = rdata + rdlength;
    assertEquals(0xC0, message[secondAnswer] & 0xC0, "the second answer's name is a pointer");
    int target = (message[secondAnswer] & 0x3F) << 8 | (message[secondAnswer + 1] & 0xFF);
    assertTrue(target >= rdata && target < rdata + rdlength,
        "it points at " + target + ", inside the first answer's data, " + rdata + " to " + (rdata + rdlength));

    Message decoded = (Message) DnsProtocol.INSTANCE.decode(ByteBuffer.wrap(ByteBuffer.allocate(2 + message.length)
        .putShort((short) message.length).put(message).array()));
    assertEquals(DnsName.parse("alias.parley.test."), decoded.answers().get(1).name(), "the name behind the pointer");
    assertTrue(2 + message.length < DnsCapturesTest.encode(decoded).length,
        "written without compression, the answer is longer");
    assertEquals(List.of(900L, 600L, 300L), decoded.answers().stream().map(ResourceRecord::ttl).toList());
  }
}
