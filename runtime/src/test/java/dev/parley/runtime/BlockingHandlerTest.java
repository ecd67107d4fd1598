package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loop's {@link Handler} served by a {@link BlockingServer}, each connection on its own
 * thread: one handler per connection, its methods in order, and the close reason it hears for
 * each way a connection ends, as the event loop's handlers hear them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingHandlerTest {

  private static final RawProtocol PROTOCOL = RawProtocol.u32(1 << 16);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<String> events = new ArrayBlockingQueue<>(64);
  private final List<Throwable> reports = new CopyOnWriteArrayList<>();
  private BlockingServer<Bytes, Bytes> server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /** Echoes; "fail" throws; "close" closes. Records its events, numbered by connection. */
  private final class Recorder implements Handler<Bytes, Bytes> {
    private int messages;

    @Override
    public void onOpen(Connection<Bytes, Bytes> connection) {
      events.add("open");
    }

    @Override
    public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
      messages++;
      String text = new String(message.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
      if (text.equals("fail")) {
        throw new IllegalStateException("the handler failed");
      }
      if (text.equals("close")) {
        connection.closeWhenSent();
        return;
      }
      assertTrue(connection.send(message));
      assertEquals(0, connection.pendingBytes(), "a thread writes before send returns");
    }

    @Override
    public void onClose(Connection<Bytes, Bytes> connection, CloseReason reason, Throwable cause) {
      events.add("close " + reason + " after " + messages + (cause == null ? "" : " " + cause.getClass().getSimpleName()));
    }
  }

  private InetSocketAddress serve(ConnectionOptions options) throws IOException {
    server = BlockingServer.builder(Conversation.of(PROTOCOL), Recorder::new).options(options)
        .errorHook((where, error) -> reports.add(error)).listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return server.address();
  }

  private String next() throws InterruptedException {
    String event = events.poll(10, TimeUnit.SECONDS);
    assertTrue(event != null, "an event within 10 s");
    return event;
  }

  @Test
  void eachWayAConnectionEndsIsTheReasonItsHandlerHears() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults());
    try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(address, PROTOCOL, WAIT)) {
      client.setReadTimeout(WAIT);
      client.send(Loopback.text("a"));
      assertEquals(Optional.of(Loopback.text("a")), client.receive());
    }
    assertEquals("open", next());
    assertEquals("close PEER_CLOSED after 1", next());

    try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(address, PROTOCOL, WAIT)) {
      client.setReadTimeout(WAIT);
      client.sendAll(List.of(Loopback.text("b"), Loopback.text("close")));
      assertEquals(Optional.of(Loopback.text("b")), client.receive());
      assertEquals(Optional.empty(), client.receive(), "the handler closed it");
    }
    assertEquals("open", next());
    assertEquals("close CLOSED after 2", next());

    try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(address, PROTOCOL, WAIT)) {
      client.send(Loopback.text("fail"));
    }
    assertEquals("open", next());
    assertEquals("close HANDLER_ERROR after 1 IllegalStateException", next());

    try (Socket raw = new Socket()) {
      raw.connect(address);
      OutputStream out = raw.getOutputStream();
      out.write(new byte[] {(byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // far above the maximum
      out.flush();
      assertEquals(-1, raw.getInputStream().read(), "closed for the length");
    }
    assertEquals("open", next());
    assertEquals("close PROTOCOL_ERROR after 0 FrameTooLongException", next());
    // Each server thread reports after its handler heard the close, so the two may come in either order.
    Loopback.waitFor(() -> reports.size() == 2);
    assertTrue(reports.stream().anyMatch(r -> r.getCause() instanceof IllegalStateException), "" + reports);
    assertTrue(reports.stream().anyMatch(r -> r instanceof FrameTooLongException), "" + reports);
  }

  @Test
  void aSilentPeerMeetsTheIdleTimeout() throws Exception {
    InetSocketAddress address = serve(ConnectionOptions.defaults().withIdleTimeout(Duration.ofMillis(200)));
    try (BlockingConnection<Bytes, Bytes> client = BlockingConnection.connect(address, PROTOCOL, WAIT)) {
      client.setReadTimeout(WAIT);
      client.send(Loopback.text("a"));
      assertEquals(Optional.of(Loopback.text("a")), client.receive());
      assertEquals(Optional.empty(), client.receive(), "closed by the server once idle");
    }
    assertEquals("open", next());
    assertEquals("close IDLE_TIMEOUT after 1 SocketTimeoutException", next());
    assertNull(events.poll());
  }
}
