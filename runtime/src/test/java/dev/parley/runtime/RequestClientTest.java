package dev.parley.runtime;

import static dev.parley.runtime.RequestPeer.COUNT;
import static dev.parley.runtime.RequestPeer.ECHO;
import static dev.parley.runtime.RequestPeer.END;
import static dev.parley.runtime.RequestPeer.GETQ;
import static dev.parley.runtime.RequestPeer.HANG_UP;
import static dev.parley.runtime.RequestPeer.HOLD;
import static dev.parley.runtime.RequestPeer.NOOP;
import static dev.parley.runtime.RequestPeer.NO_REPLY;
import static dev.parley.runtime.RequestPeer.RELEASE_ALL;
import static dev.parley.runtime.RequestPeer.RELEASE_FIRST;
import static dev.parley.runtime.RequestPeer.ROW;
import static dev.parley.runtime.RequestPeer.ROWS;
import static dev.parley.runtime.RequestPeer.TWICE;
import static dev.parley.runtime.RequestPeer.VALUE;
import static dev.parley.runtime.RequestPeer.WRONG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.RequestPeer.Message;
import dev.parley.runtime.nio.EventLoop;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request client over both transports, against {@link RequestPeer} over 127.0.0.1: matching
 * by key and in order, replies of several frames, quiet requests, requests without a reply,
 * timeouts, protocol errors, the peer hanging up, and the bound on requests in flight.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestClientTest {

  /** The two ways a client is made. */
  enum Transport {
    BLOCKING, EVENT_LOOP
  }

  /** The three ways replies find their requests; the keyed ones by the message's id. */
  enum Matching {
    IN_ORDER(Correlation.inOrder()),
    BY_KEY(Correlation.byKey(Message::id, Message::id)),
    BY_INT_KEY(Correlation.byIntKey(Message::id, Message::id));

    final Correlation<Message, Message> correlation;

    Matching(Correlation<Message, Message> correlation) {
      this.correlation = correlation;
    }
  }

  private static final Correlation<Message, Message> BY_ID = Matching.BY_INT_KEY.correlation;

  static Stream<Arguments> transportsAndKeys() {
    return Stream.of(Transport.values()).flatMap(transport -> Stream.of(Matching.BY_KEY, Matching.BY_INT_KEY)
        .map(matching -> Arguments.of(transport, matching)));
  }

  static Stream<Arguments> transportsAndMatchings() {
    return Stream.of(Transport.values()).flatMap(transport -> Stream.of(Matching.values())
        .map(matching -> Arguments.of(transport, matching)));
  }
  private static final Predicate<Message> AT_END = reply -> reply.kind() == END;

  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private EventLoop loop;

  @BeforeEach
  void startLoop() throws IOException {
    loop = EventLoop.start("parley-request-test-loop");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    loop.close(Duration.ofSeconds(1));
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "no server thread is left running");
  }

  private RequestPeer peer() throws IOException {
    return peer(0, 0);
  }

  private RequestPeer peer(int shuffleBatch, long seed) throws IOException {
    RequestPeer peer = new RequestPeer(pool, shuffleBatch, seed);
    toClose.add(peer);
    return peer;
  }

  private RequestClient<Message, Message> client(Transport transport, RequestPeer peer,
      Correlation<Message, Message> correlation, RequestOptions options) throws IOException {
    Conversation<Message, Message> conversation = Conversation.of(RequestPeer.PROTOCOL);
    RequestClient<Message, Message> client = switch (transport) {
      case BLOCKING -> RequestClient.over(
          BlockingConnection.connect(peer.address(), conversation, Duration.ofSeconds(10)), correlation, options);
      case EVENT_LOOP -> RequestClient.connect(loop, peer.address(), conversation, correlation,
          ConnectionOptions.defaults(), options);
    };
    toClose.add(client);
    return client;
  }

  private RequestClient<Message, Message> client(Transport transport, RequestPeer peer,
      Correlation<Message, Message> correlation) throws IOException {
    return client(transport, peer, correlation, RequestOptions.defaults());
  }

  private static Message message(int id, int kind, String text) {
    return new Message(id, kind, text);
  }

  private static <T> T done(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  /** What {@code future} failed with, within ten seconds. */
  private static Throwable failure(CompletableFuture<?> future) {
    return assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS)).getCause();
  }

  /** Calls with ids 1 to {@code count} whose answers the server holds back, "held 1" and so on. */
  private static List<CompletableFuture<Message>> held(RequestClient<Message, Message> client, int count) {
    List<CompletableFuture<Message>> held = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      held.add(client.call(message(i, HOLD, "held " + i)));
    }
    return held;
  }

  private static IOException whyClosed(RequestClient<?, ?> client) throws Exception {
    return client.whenClosed().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndKeys")
  void tenThousandPipelinedRequestsAnsweredOutOfOrderEachCompleteWithTheirOwnReply(Transport transport,
      Matching matching) throws Exception {
    long seed = FramingPropertiesTest.seed();
    RequestClient<Message, Message> client = client(transport, peer(100, seed), matching.correlation);
    try {
      List<CompletableFuture<Message>> replies = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        replies.add(client.call(message(i, ECHO, "m" + i)));
      }
      for (int i = 0; i < replies.size(); i++) {
        assertEquals(message(i, VALUE, "m" + i), done(replies.get(i)));
      }
      assertEquals(0, client.inFlight());
      assertTrue(client.isOpen());
    } catch (Exception | AssertionError e) {
      throw new AssertionError("the server shuffled with seed " + seed + "; rerun with -Dparley.seed=" + seed, e);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndMatchings")
  void repliesOfSeveralFramesEachEndAtTheFrameTheCallerRecognises(Transport transport, Matching matching)
      throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), matching.correlation);
    List<CompletableFuture<List<Message>>> rows = new ArrayList<>();
    List<CompletableFuture<Message>> echoes = new ArrayList<>();
    for (int n = 0; n < 30; n++) {
      rows.add(client.callMany(message(n, ROWS, Integer.toString(n)), AT_END));
      echoes.add(client.call(message(1000 + n, ECHO, "after " + n)));
    }
    for (int n = 0; n < 30; n++) {
      List<Message> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        expected.add(message(n, ROW, "row " + i));
      }
      expected.add(message(n, END, n + " rows"));
      assertEquals(expected, done(rows.get(n)));
      assertEquals(message(1000 + n, VALUE, "after " + n), done(echoes.get(n)));
    }
    assertEquals(0, client.inFlight());
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndKeys")
  void quietRequestsThatMissCompleteEmptyOnceALaterReplyProvesIt(Transport transport, Matching matching)
      throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), matching.correlation);
    List<CompletableFuture<Optional<Message>>> gets = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      gets.add(client.callQuiet(message(i, GETQ, (i % 3 == 0 ? "hit " : "miss ") + i)));
    }
    CompletableFuture<Message> noop = client.call(message(100, NOOP, ""));
    assertEquals(message(100, NOOP, ""), done(noop));
    for (int i = 0; i < 20; i++) {
      assertTrue(gets.get(i).isDone(), "settled before the reply that proves it completes");
      assertEquals(i % 3 == 0 ? Optional.of(message(i, VALUE, "value of hit " + i)) : Optional.empty(),
          gets.get(i).getNow(null));
    }
    assertEquals(0, client.inFlight());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void quietRequestsNeedRepliesMatchedByKey(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), Correlation.inOrder());
    assertThrows(IllegalStateException.class, () -> client.callQuiet(message(1, GETQ, "hit")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void aRequestThatExpectsNoReplyCompletesOnceWrittenAndTakesNoSlot(Transport transport) throws Exception {
    RequestOptions oneSlot = RequestOptions.defaults().withMaxInFlight(1).withOverflow(RequestOptions.Overflow.FAIL);
    RequestClient<Message, Message> client = client(transport, peer(), Correlation.inOrder(), oneSlot);
    for (int i = 0; i < 3; i++) {
      assertEquals(null, done(client.send(message(0, NO_REPLY, "fire " + i))));
    }
    // In order, a request without a reply that took a place would take this reply.
    assertEquals(message(0, VALUE, "3"), done(client.call(message(0, COUNT, ""))));
    assertEquals(0, client.inFlight());
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndKeys")
  void aTimeoutFailsOnlyItsOwnRequestAndItsLateReplyIsDropped(Transport transport, Matching matching) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), matching.correlation);
    CompletableFuture<Message> late = client.call(message(1, HOLD, "late"), Duration.ofMillis(200));
    List<CompletableFuture<Message>> others = new ArrayList<>();
    for (int i = 2; i < 50; i++) {
      others.add(client.call(message(i, ECHO, "on time " + i)));
    }
    for (int i = 2; i < 50; i++) {
      assertEquals(message(i, VALUE, "on time " + i), done(others.get(i - 2)));
    }
    Throwable timedOut = failure(late);
    assertInstanceOf(TimeoutException.class, timedOut);
    assertTrue(timedOut.getMessage().contains("200 ms"), timedOut.getMessage());
    assertEquals(1, client.inFlight(), "a request that timed out keeps its slot until its reply comes");
    Throwable sameKey = failure(client.call(message(1, ECHO, "same key")));
    assertInstanceOf(IllegalStateException.class, sameKey, "and its key");

    done(client.send(message(0, RELEASE_ALL, "")));
    // The server answers in order: once this reply is here, the late one came before it.
    assertEquals(message(50, VALUE, "after"), done(client.call(message(50, ECHO, "after"))));
    assertEquals(0, client.inFlight());
    assertTrue(client.isOpen(), "a late reply is dropped, not a protocol error");
    assertEquals(message(1, VALUE, "key 1 again"), done(client.call(message(1, ECHO, "key 1 again"))));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void inOrderATimedOutRequestKeepsItsPlaceSoTheRepliesAfterItStillMatch(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), Correlation.inOrder());
    CompletableFuture<Message> before = client.call(message(0, ECHO, "before"));
    CompletableFuture<Message> late = client.call(message(0, HOLD, "late"), Duration.ofMillis(200));
    assertEquals(message(0, VALUE, "before"), done(before));
    assertInstanceOf(TimeoutException.class, failure(late));
    assertEquals(1, client.inFlight());

    done(client.send(message(0, RELEASE_ALL, "")));
    assertEquals(message(0, VALUE, "after"), done(client.call(message(0, ECHO, "after"))),
        "the late reply went to the request that timed out, and was dropped");
    assertEquals(0, client.inFlight());
    assertTrue(client.isOpen());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void aBlockingRequestReturnsItsReplyOrThrowsOnceItsTimeoutPasses(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), BY_ID);
    assertEquals(message(1, VALUE, "x"), client.request(message(1, ECHO, "x"), Duration.ofSeconds(10)));
    SocketTimeoutException timedOut = assertThrows(SocketTimeoutException.class,
        () -> client.request(message(2, HOLD, "y"), Duration.ofMillis(100)));
    assertInstanceOf(TimeoutException.class, timedOut.getCause());
    assertEquals(message(3, VALUE, "z"), client.request(message(3, ECHO, "z"), Duration.ofSeconds(10)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndKeys")
  void aSecondRequestWithAKeyInFlightFailsAtOnceAndTheFirstGoesOn(Transport transport, Matching matching)
      throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), matching.correlation);
    CompletableFuture<Message> first = client.call(message(7, HOLD, "first"));
    Throwable second = failure(client.call(message(7, ECHO, "second")));
    assertInstanceOf(IllegalStateException.class, second);
    assertTrue(second.getMessage().contains("key 7"), second.getMessage());
    done(client.send(message(0, RELEASE_ALL, "")));
    assertEquals(message(7, VALUE, "first"), done(first));
    assertTrue(client.isOpen());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void aRequestThatDoesNotEncodeFailsAloneAndTheRepliesAfterItStillMatch(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), Correlation.inOrder());
    CompletableFuture<Message> before = client.call(message(0, ECHO, "before"));
    CompletableFuture<Message> tooLong = client.call(message(0, ECHO, "x".repeat(70_000)));
    CompletableFuture<Message> after = client.call(message(0, ECHO, "after"));
    assertInstanceOf(IllegalArgumentException.class, failure(tooLong));
    assertEquals(message(0, VALUE, "before"), done(before));
    assertEquals(message(0, VALUE, "after"), done(after));
    assertEquals(0, client.inFlight());
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndKeys")
  void aReplyWithAnUnknownKeyClosesTheConnectionAndFailsEveryRequestWaiting(Transport transport, Matching matching)
      throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), matching.correlation);
    List<CompletableFuture<Message>> waiting = held(client, 5);
    waiting.add(client.call(message(6, WRONG_ID, "wrong")));
    IOException why = whyClosed(client);
    assertInstanceOf(ProtocolException.class, why.getCause());
    assertTrue(why.getMessage().contains("key 1000006"), why.getMessage());
    for (CompletableFuture<Message> request : waiting) {
      assertSame(why, failure(request));
    }
    assertFalse(client.isOpen());
    CompletableFuture<Message> later = client.call(message(7, ECHO, "later"));
    assertTrue(later.isDone(), "a call after the end fails at once");
    assertSame(why, failure(later));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void inOrderAReplyWhenNoneIsExpectedClosesTheConnection(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), Correlation.inOrder());
    assertEquals(message(0, VALUE, "twice"), done(client.call(message(0, TWICE, "twice"))));
    IOException why = whyClosed(client);
    assertInstanceOf(ProtocolException.class, why.getCause());
    assertTrue(why.getMessage().contains("no request waiting"), why.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void thePeerHangingUpFailsEveryRequestInFlightWithTheReason(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), BY_ID);
    List<CompletableFuture<Message>> waiting = held(client, 5);
    waiting.add(client.call(message(6, HANG_UP, "")));
    for (CompletableFuture<Message> request : waiting) {
      Throwable failed = failure(request);
      assertInstanceOf(IOException.class, failed);
      assertTrue(failed.getMessage().contains("the peer closed it"), failed.getMessage());
    }
    assertFalse(client.isOpen());
    assertTrue(client.call(message(7, ECHO, "later")).isCompletedExceptionally());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void closingFailsEveryRequestWaitingAndEveryLaterCall(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), BY_ID);
    List<CompletableFuture<Message>> waiting = held(client, 3);
    client.close();
    IOException why = whyClosed(client);
    assertTrue(why.getMessage().contains("the request client was closed"), why.getMessage());
    for (CompletableFuture<Message> request : waiting) {
      assertSame(why, failure(request));
    }
    assertSame(why, failure(client.send(message(4, NO_REPLY, ""))));
    client.close(); // idempotent
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void pastTheBoundACallFailsAtOnceWhenTheOptionsSaySo(Transport transport) throws Exception {
    RequestOptions four = RequestOptions.defaults().withMaxInFlight(4).withOverflow(RequestOptions.Overflow.FAIL);
    RequestClient<Message, Message> client = client(transport, peer(), BY_ID, four);
    List<CompletableFuture<Message>> held = held(client, 4);
    CompletableFuture<Message> fifth = client.call(message(5, ECHO, "fifth"));
    assertTrue(fifth.isDone(), "failed at once");
    assertInstanceOf(RejectedExecutionException.class, failure(fifth));

    done(client.send(message(0, RELEASE_ALL, "")));
    for (int i = 1; i <= 4; i++) {
      assertEquals(message(i, VALUE, "held " + i), done(held.get(i - 1)));
    }
    assertEquals(message(6, VALUE, "sixth"), done(client.call(message(6, ECHO, "sixth"))));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void pastTheBoundACallWaitsUntilAReplyFreesASlot(Transport transport) throws Exception {
    RequestPeer peer = peer();
    RequestOptions four = RequestOptions.defaults().withMaxInFlight(4);
    RequestClient<Message, Message> client = client(transport, peer, BY_ID, four);
    List<CompletableFuture<Message>> held = held(client, 4);
    Throwable noSlot = failure(client.call(message(5, ECHO, "bounded"), Duration.ofMillis(200)));
    assertInstanceOf(TimeoutException.class, noSlot, "a wait for a slot ends with the request's timeout");
    assertTrue(noSlot.getMessage().contains("no slot"), noSlot.getMessage());

    Future<CompletableFuture<Message>> waiting = pool.submit(() -> client.call(message(6, ECHO, "waited")));
    done(client.send(message(0, RELEASE_ALL, "")));
    assertEquals(message(6, VALUE, "waited"), waiting.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
    for (int i = 1; i <= 4; i++) {
      assertEquals(message(i, VALUE, "held " + i), done(held.get(i - 1)));
    }
    List<Integer> kinds = peer.received.stream().map(Message::kind).toList();
    assertEquals(List.of(HOLD, HOLD, HOLD, HOLD, RELEASE_ALL, ECHO), kinds,
        "the call waited for a reply, which only the release brought, before its request went out");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void onTheThreadThatReceivesRepliesACallPastTheBoundFailsEvenWhenWaitingIsAllowed(Transport transport)
      throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), BY_ID,
        RequestOptions.defaults().withMaxInFlight(3));
    CompletableFuture<Message> first = held(client, 3).get(0);
    CompletableFuture<List<Object>> inStage = first.thenApply(reply -> {
      // The reply freed its slot before this stage ran: the first call takes it, the second finds none.
      CompletableFuture<Message> taken = client.call(message(4, ECHO, "taken"));
      CompletableFuture<Message> refused = client.call(message(5, ECHO, "refused"));
      Throwable blocking = assertThrows(IllegalStateException.class, () -> client.request(message(6, ECHO, "")));
      return List.of(taken, refused, blocking);
    });
    done(client.send(message(0, RELEASE_FIRST, "")));
    List<Object> results = done(inStage);
    assertEquals(message(4, VALUE, "taken"), done((CompletableFuture<?>) results.get(0)));
    CompletableFuture<?> refused = (CompletableFuture<?>) results.get(1);
    assertInstanceOf(RejectedExecutionException.class, failure(refused));
    assertTrue(failure(refused).getMessage().contains("cannot wait"), failure(refused).getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  void callsFromManyThreadsAtOnceEachGetTheirOwnReply(Transport transport) throws Exception {
    RequestClient<Message, Message> client = client(transport, peer(), BY_ID,
        RequestOptions.defaults().withMaxInFlight(64));
    List<Future<Integer>> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(pool.submit(() -> {
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
          replies.add(client.call(message(thread * 10_000 + i, ECHO, thread + "/" + i)));
        }
        for (int i = 0; i < replies.size(); i++) {
          assertEquals(message(thread * 10_000 + i, VALUE, thread + "/" + i), done(replies.get(i)));
        }
        return replies.size();
      }));
    }
    int total = 0;
    for (Future<Integer> thread : threads) {
      total += thread.get(30, TimeUnit.SECONDS);
    }
    assertEquals(8_000, total);
    assertEquals(0, client.inFlight());
  }
}
