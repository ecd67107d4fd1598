package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link DnsClient} against a peer that writes what the test says: answers in reverse order,
 * answers to no query, a question that is not the query's, a compression loop in an answer, an
 * id space in use, a timeout and close. Each failure comes within the test's bounds.
 */
class DnsClientTest {

  private static final Duration TIMEOUT = RawDnsPeer.TIMEOUT;

  private static Message answerTo(byte[] query, String address) throws IOException {
    Message q = (Message) DnsProtocol.INSTANCE.decode(ByteBuffer.allocate(2 + query.length)
        .putShort((short) query.length).put(query).flip());
    byte[] a = Addresses.ipv4(address);
    return new Message(q.id(), new DnsFlags(true, 0, true, false, true, false, 0, false, false, Rcode.NOERROR),
        q.questions(), List.of(new ResourceRecord(q.questions().get(0).name(), 1, 42,
            new A(dev.parley.runtime.Bytes.of(a)))), List.of(), List.of());
  }

  private static byte[] bytes(Message m) {
    byte[] frame = DnsCapturesTest.encode(m);
    return java.util.Arrays.copyOfRange(frame, 2, frame.length);
  }

  /** A client connected to a raw server that has accepted it. */
  private record Connected(RawDnsPeer server, DnsClient client) implements AutoCloseable {
    static Connected open() throws IOException {
      RawDnsPeer server = RawDnsPeer.listen();
      DnsClient client = DnsClient.connect(server.address(), TIMEOUT);
      server.accept();
      return new Connected(server, client);
    }

    /** Asks {@code www.parley.test. A}, and reads the query on the server's side. */
    Asked askWww() throws IOException {
      CompletableFuture<Message> answer = client.queryAsync(DnsName.parse("www.parley.test."), DnsConstants.TYPE_A);
      return new Asked(answer, server.readMessage());
    }

    @Override
    public void close() throws IOException {
      client.close();
      server.close();
    }
  }

  /** A query's future, and the query as the server read it. */
  private record Asked(CompletableFuture<Message> answer, byte[] query) {}

  private static Throwable failure(CompletableFuture<Message> answer) {
    return assertThrows(ExecutionException.class, () -> answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).getCause();
  }

  @Test
  void matchesAnswersThatComeInReverseOrderByTheirIds() throws Exception {
    try (RawDnsPeer server = RawDnsPeer.listen();
        DnsClient client = DnsClient.connect(server.address(), TIMEOUT)) {
      server.accept();
      List<CompletableFuture<Message>> answers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        answers.add(client.queryAsync(DnsName.parse("host" + i + ".parley.test."), DnsConstants.TYPE_A));
      }
      List<byte[]> queries = new ArrayList<>();
      Set<Integer> ids = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        queries.add(server.readMessage());
        ids.add(RawDnsPeer.id(queries.get(i)));
      }
      assertEquals(20, ids.size(), "an id each");
      for (int i = 19; i >= 0; i--) {
        server.writeMessage(bytes(answerTo(queries.get(i), "192.0.2." + i)));
      }
      for (int i = 0; i < 20; i++) {
        Message answer = answers.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(DnsName.parse("host" + i + ".parley.test."), answer.answers().get(0).name());
        assertEquals(42, answer.answers().get(0).ttl());
        assertEquals(dev.parley.runtime.Bytes.of(Addresses.ipv4("192.0.2." + i)), ((A) answer.answers().get(0).rdata()).address());
      }
    }
  }

  @Test
  void anAnswerToNoQueryFailsEveryQueryAndTheConnection() throws Exception {
    try (Connected c = Connected.open()) {
      RawDnsPeer server = c.server();
      Asked asked = c.askWww();
      CompletableFuture<Message> waiting = asked.answer();
      byte[] query = asked.query();
      query[0] ^= 0x55; // another id
      server.writeMessage(bytes(answerTo(query, "192.0.2.1")));
      Throwable why = failure(waiting);
      assertTrue(why.getMessage().contains("which no query waits for"), why.getMessage());
      assertFalse(c.client().isOpen());
      assertTrue(server.closedByPeer(), "the client closed the connection");
    }
  }

  @Test
  void anAnswerToAnotherQuestionFailsThatQueryAlone() throws Exception {
    try (Connected c = Connected.open()) {
      RawDnsPeer server = c.server();
      Asked asked = c.askWww();
      CompletableFuture<Message> first = asked.answer();
      Message answer = answerTo(asked.query(), "192.0.2.1");
      Message other = new Message(answer.id(), answer.flags(), List.of(new Question(DnsName.parse("evil.test."),
          DnsConstants.TYPE_A, 1)), answer.answers(), List.of(), List.of());
      server.writeMessage(bytes(other));
      assertTrue(failure(first).getMessage().contains("is to another question"));
      CompletableFuture<Message> second = c.client().queryAsync(DnsName.parse("WWW.parley.test."), DnsConstants.TYPE_A);
      server.writeMessage(bytes(answerTo(server.readMessage(), "192.0.2.2")));
      assertEquals(1, second.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).answers().size(), "the connection goes on");
    }
  }

  @Test
  void aCompressionLoopInAnAnswerIsAProtocolErrorThatEndsTheConnection() throws Exception {
    try (Connected c = Connected.open()) {
      RawDnsPeer server = c.server();
      Asked asked = c.askWww();
      CompletableFuture<Message> waiting = asked.answer();
      byte[] query = asked.query();
      // The answer's header, the question as asked, then a record whose name is two pointers to each other.
      byte[] loop = new byte[query.length + 4 + 10 + 4];
      System.arraycopy(query, 0, loop, 0, query.length);
      loop[2] = (byte) 0x81;
      loop[7] = 1; // ANCOUNT 1
      int at = query.length;
      loop[at] = (byte) 0xC0;
      loop[at + 1] = (byte) (at + 2);
      loop[at + 2] = (byte) 0xC0;
      loop[at + 3] = (byte) at;
      ByteBuffer.wrap(loop, at + 4, 14).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4);
      server.writeMessage(loop);
      Throwable why = failure(waiting);
      assertInstanceOf(ProtocolException.class, why);
      assertTrue(why.getMessage().contains("compression pointer"), why.getMessage());
      assertFalse(c.client().isOpen());
    }
  }

  @Test
  void refusesAQueryPastTheMostInFlightAndTimesOutABlockingQuery() throws Exception {
    try (RawDnsPeer server = RawDnsPeer.listen()) {
      DnsClient client = DnsClient.connect(server.address(), Duration.ofMillis(200), 2);
      server.accept();
      client.queryAsync(DnsName.parse("a.test."), DnsConstants.TYPE_A);
      assertThrows(java.net.SocketTimeoutException.class, () -> client.query(DnsName.parse("b.test."), 1),
          "no answer comes");
      assertEquals(2, client.inFlight(), "a query timed out keeps its id until its answer or the end");
      Throwable full = failure(client.queryAsync(DnsName.parse("c.test."), DnsConstants.TYPE_A));
      assertTrue(full.getMessage().startsWith("2 queries wait for answers already"), full.getMessage());
      client.close();
      assertTrue(failure(client.queryAsync(DnsName.parse("d.test."), 1)).getMessage().contains("was closed"));
    }
  }

  @Test
  void closeFailsTheQueriesWaiting() throws Exception {
    try (Connected c = Connected.open()) {
      CompletableFuture<Message> waiting = c.askWww().answer();
      c.client().close();
      c.client().close();
      assertEquals("the DNS client was closed", failure(waiting).getMessage());
      assertEquals(0, c.client().inFlight());
    }
  }
}
