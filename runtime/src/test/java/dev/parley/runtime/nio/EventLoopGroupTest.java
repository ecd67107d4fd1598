package dev.parley.runtime.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.Loopback;
import dev.parley.runtime.RawProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A group of event loops over real sockets on 127.0.0.1: spreading, affinity, a loop's failure, stopping. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopGroupTest {

  private static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 16);
  private static final String NAME = "parley-test-group";

  private EventLoopGroup group;
  private final List<Throwable> reports = new CopyOnWriteArrayList<>();
  /** The threads each server-side connection's handler was called on, by the peer's port. */
  private final Map<Integer, Set<Thread>> threads = new ConcurrentHashMap<>();
  private final Map<Integer, CloseReason> closes = new ConcurrentHashMap<>();
  private final List<BlockingConnection<Bytes, Bytes>> clients = new ArrayList<>();
  /** Each client's local port: the server side's key. */
  private final Map<BlockingConnection<Bytes, Bytes>, Integer> ports = new ConcurrentHashMap<>();

  private EventLoopGroup start(int loops) throws IOException {
    group = EventLoopGroup.start(NAME, loops, (where, error) -> reports.add(error));
    return group;
  }

  @AfterEach
  void stop() throws Exception {
    for (BlockingConnection<Bytes, Bytes> client : clients) {
      client.close();
    }
    if (group != null) {
      group.close(Duration.ofSeconds(1));
    }
    Loopback.waitFor(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith(NAME)));
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private static Bytes text(String s) {
    return Loopback.text(s);
  }

  /** Echoes every frame upper-cased, and records the thread of every call and how the connection closed. */
  private final class Echo implements Handler<Bytes, Bytes> {
    private int port = -1;

    @Override
    public void onOpen(Connection<Bytes, Bytes> connection) {
      port = ((InetSocketAddress) connection.remoteAddress().orElseThrow()).getPort();
      called();
    }

    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      called();
      connection.send(text(new String(message.toByteArray(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT)));
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      called();
      closes.put(port, reason);
    }

    private void called() {
      threads.computeIfAbsent(port, p -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread());
    }
  }

  private InetSocketAddress echoServer(ListenOptions limits) throws IOException {
    return group.listen(loopback(), Conversation.of(PROTOCOL), Echo::new, ConnectionOptions.defaults(), limits);
  }

  /** A client whose first request has been answered: its connection is open on its loop. */
  private BlockingConnection<Bytes, Bytes> served(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    socket.connect(address, 10_000);
    socket.setSoTimeout(10_000);
    BlockingConnection<Bytes, Bytes> client = BlockingConnection.over(socket, PROTOCOL);
    clients.add(client);
    ports.put(client, socket.getLocalPort());
    assertEcho(client, "hello");
    return client;
  }

  private static void assertEcho(BlockingConnection<Bytes, Bytes> client, String request) throws IOException {
    client.send(text(request));
    assertEquals(Optional.of(text(request.toUpperCase(Locale.ROOT))), client.receive());
  }

  /** The name of the thread that served the connection of {@code client}. */
  private String loopOf(BlockingConnection<Bytes, Bytes> client) {
    return threads.get(ports.get(client)).iterator().next().getName();
  }

  /** How many connections each thread served, by its name. */
  private Map<String, Long> servedByThread() {
    return threads.values().stream().map(calls -> calls.iterator().next().getName())
        .collect(Collectors.groupingBy(name -> name, Collectors.counting()));
  }

  @Test
  void acceptedConnectionsAreSpreadOverEveryLoopInTurn() throws Exception {
    start(4);
    InetSocketAddress address = echoServer(ListenOptions.defaults());
    for (int i = 0; i < 40; i++) {
      served(address);
    }
    for (EventLoop loop : group.loops()) {
      Loopback.waitFor(() -> loop.connectionCount() == 10);
    }
    assertEquals(Map.of(NAME + "-0", 10L, NAME + "-1", 10L, NAME + "-2", 10L, NAME + "-3", 10L), servedByThread());
    assertEquals(40, group.connectionCount());
  }

  @Test
  void eachConnectionsHandlerIsAlwaysCalledOnTheSameThread() throws Exception {
    start(4);
    InetSocketAddress address = echoServer(ListenOptions.defaults());
    for (int i = 0; i < 12; i++) {
      served(address);
    }
    // Every connection busy at once, so that every loop serves while the others do.
    for (int round = 0; round < 200; round++) {
      for (BlockingConnection<Bytes, Bytes> client : clients) {
        client.send(text("m" + round));
      }
      for (BlockingConnection<Bytes, Bytes> client : clients) {
        assertEquals(Optional.of(text("M" + round)), client.receive());
      }
    }
    for (BlockingConnection<Bytes, Bytes> client : clients) {
      client.close();
    }
    Loopback.waitFor(() -> closes.size() == 12);
    for (Map.Entry<Integer, Set<Thread>> connection : threads.entrySet()) {
      assertEquals(1, connection.getValue().size(), "connection from port " + connection.getKey()
          + " was served on " + connection.getValue());
    }
    assertEquals(4, servedByThread().size(), "and every loop served: " + servedByThread());
  }

  @Test
  void clientsConnectOnTheLoopsInTurn() throws Exception {
    start(3);
    try (EventLoop server = EventLoop.start("parley-test-group-server")) {
      InetSocketAddress address = server.listen(loopback(), PROTOCOL, new Handler<Bytes, Bytes>() {
        @Override
        public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
          connection.send(message);
        }
      });
      BlockingQueue<String> replies = new ArrayBlockingQueue<>(6);
      List<NioConnection<Bytes, Bytes>> connections = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        connections.add(group.connect(address, PROTOCOL, new Handler<>() {
          private Thread opened;

          @Override
          public void onOpen(Connection<Bytes, Bytes> connection) {
            opened = Thread.currentThread();
            connection.send(text("hi"));
          }

          @Override
          public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
            replies.add(opened == Thread.currentThread() ? opened.getName() : "moved to " + Thread.currentThread());
          }
        }, ConnectionOptions.defaults()));
      }
      List<String> loops = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        loops.add(replies.poll(10, TimeUnit.SECONDS));
      }
      assertEquals(Map.of(NAME + "-0", 2L, NAME + "-1", 2L, NAME + "-2", 2L),
          loops.stream().collect(Collectors.groupingBy(name -> name, Collectors.counting())));
      connections.forEach(NioConnection::close);
    }
  }

  @Test
  void aFailedLoopCostsOnlyItsOwnConnectionsAndAcceptingGoesOnOnTheOthers() throws Exception {
    start(3);
    InetSocketAddress address = echoServer(ListenOptions.defaults());
    for (int i = 0; i < 6; i++) {
      served(address);
    }
    EventLoop failing = group.loop(1);
    failing.breakSelector();
    // The report is the loop's last word, after it closed its connections.
    Loopback.waitFor(() -> reports.stream().anyMatch(e -> e.getMessage().startsWith("event loop " + NAME + "-1 stopped")));
    assertTrue(failing.failure().isPresent());
    for (BlockingConnection<Bytes, Bytes> client : List.copyOf(clients)) {
      if (loopOf(client).equals(NAME + "-1")) {
        assertTrue(closedByServer(client), "the failed loop's connection is closed");
      } else {
        assertEcho(client, "still here");
      }
    }
    assertEquals(2, closes.values().stream().filter(reason -> reason == CloseReason.ERROR).count(), "closes: " + closes);
    threads.clear();
    for (int i = 0; i < 4; i++) {
      served(address);
    }
    assertEquals(Map.of(NAME + "-0", 2L, NAME + "-2", 2L), servedByThread(), "new connections go to the live loops");
    assertSame(group.loop(0), group.next());
    assertSame(group.loop(2), group.next(), "clients skip the failed loop too");
  }

  @Test
  void closingTheGroupDrainsTheQueuedFramesOfEveryLoop() throws Exception {
    start(3);
    CountDownLatch queued = new CountDownLatch(3);
    BlockingQueue<CloseReason> reasons = new ArrayBlockingQueue<>(3);
    Set<Thread> loops = ConcurrentHashMap.newKeySet();
    InetSocketAddress address = group.listen(loopback(), PROTOCOL, new Handler<Bytes, Bytes>() {
      @Override
      public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
        loops.add(Thread.currentThread());
        for (int i = 0; i < 200; i++) {
          connection.send(Bytes.of(new byte[1000])); // 200 KB queued for a client not reading yet
        }
        queued.countDown();
      }

      @Override
      public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
        reasons.add(reason);
      }
    }, ConnectionOptions.defaults());
    for (int i = 0; i < 3; i++) {
      BlockingConnection<Bytes, Bytes> client = Loopback.client(address, PROTOCOL);
      clients.add(client);
      client.send(text("go"));
    }
    assertTrue(queued.await(10, TimeUnit.SECONDS));
    assertEquals(3, loops.size(), "one connection a loop");
    Thread stopper = new Thread(() -> group.close(Duration.ofSeconds(10)));
    stopper.start();
    for (BlockingConnection<Bytes, Bytes> client : clients) {
      int received = 0;
      while (client.receive().isPresent()) {
        received++;
      }
      assertEquals(200, received, "everything queued was delivered before the close");
    }
    stopper.join(20_000);
    assertFalse(stopper.isAlive());
    for (int i = 0; i < 3; i++) {
      assertEquals(CloseReason.STOPPED, reasons.poll(10, TimeUnit.SECONDS));
    }
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().matches(NAME + "-\\d")),
        "every loop's thread ended");
    assertTrue(refused(address), "no longer accepting");
    group.close(); // again: nothing to do
    assertThrows(IOException.class, () -> echoServer(ListenOptions.defaults()));
  }

  @Test
  void aListenersConnectionLimitHoldsAcrossTheGroup() throws Exception {
    start(3);
    InetSocketAddress address = echoServer(ListenOptions.defaults().withMaxConnections(4));
    for (int i = 0; i < 4; i++) {
      served(address);
    }
    assertEquals(3, servedByThread().size(), "the four are on three loops");
    for (int i = 0; i < 3; i++) {
      try (Socket refused = new Socket(address.getAddress(), address.getPort())) {
        assertTrue(Loopback.closedByServer(refused), "refused " + i);
      }
    }
    assertEquals(3, group.refusedConnections());
    assertEquals(1, reports.stream().filter(e -> e.getMessage().startsWith("connection limit of 4 reached")).count(),
        "one report for the episode: " + reports);
    clients.remove(1).close(); // on the second loop; its room is the listener's
    Loopback.waitFor(() -> group.connectionCount() == 3);
    served(address);
    assertEquals(3, group.refusedConnections());
  }

  @Test
  void aLoopStoppedOnItsOwnIsSkippedAndItsConnectionsGiveTheirRoomBack() throws Exception {
    start(2);
    InetSocketAddress address = echoServer(ListenOptions.defaults().withMaxConnections(2));
    served(address);
    served(address);
    group.loop(1).close(Duration.ZERO);
    Loopback.waitFor(() -> closes.containsValue(CloseReason.STOPPED));
    BlockingConnection<Bytes, Bytes> again = served(address);
    assertEquals(NAME + "-0", loopOf(again), "the stopped loop gets no more connections");
    try (Socket refused = new Socket(address.getAddress(), address.getPort())) {
      assertTrue(Loopback.closedByServer(refused), "two open again: the limit");
    }
    assertEquals(1, group.refusedConnections());
  }

  @Test
  void eachLoopOfTheGroupIsAnEventLoopOfItsOwn() throws Exception {
    start(2);
    EventLoop second = group.loop(1);
    InetSocketAddress address = second.listen(loopback(), Conversation.of(PROTOCOL), Echo::new,
        ConnectionOptions.defaults(), ListenOptions.defaults());
    for (int i = 0; i < 3; i++) {
      served(address);
    }
    assertEquals(Map.of(NAME + "-1", 3L), servedByThread(), "a loop's own listener serves on that loop only");
    assertEquals(3, second.connectionCount());
    assertEquals(0, group.loop(0).connectionCount());
  }

  @Test
  void aGroupHasALoopPerCoreByDefault() throws Exception {
    group = EventLoopGroup.start(NAME);
    assertEquals(Runtime.getRuntime().availableProcessors(), group.size());
    assertEquals(group.size(), group.loops().stream().distinct().count());
    assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.start(NAME, 0));
  }

  /** Whether the server closed {@code client}'s connection: the end of its stream, or a reset. */
  private static boolean closedByServer(BlockingConnection<Bytes, Bytes> client) {
    try {
      return client.receive().isEmpty();
    } catch (IOException reset) {
      return true;
    }
  }

  private static boolean refused(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 10_000);
      return false;
    } catch (IOException expected) {
      return true;
    }
  }
}
