package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.Handler;
import dev.parley.runtime.nio.NioConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both transports over a header format, unchanged: they hand the reader's whole frames to the
 * protocol and write what it encodes; a header the reader refuses closes that connection alone,
 * as a protocol error.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeaderTransportTest {

  private static final HeaderRawProtocol PROTOCOL = new HeaderRawProtocol(HeaderLayoutsTest.POSTGRES_TYPED);
  /** A frame whose i32 length is -5. */
  private static final byte[] NEGATIVE_LENGTH = {'Q', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFB};

  private static HeaderRawProtocol.Frame message(char tag, String body) {
    return PROTOCOL.frame(Map.of("tag", (long) tag), Loopback.text(body));
  }

  /** The reply to {@code request}: its tag lower-cased, its body the same. */
  private static HeaderRawProtocol.Frame reply(HeaderRawProtocol.Frame request) {
    return PROTOCOL.frame(Map.of("tag", request.get("tag") | 0x20), request.body());
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private static void exchange(InetSocketAddress server) throws IOException {
    try (BlockingConnection<HeaderRawProtocol.Frame, HeaderRawProtocol.Frame> client = Loopback.client(server, PROTOCOL)) {
      for (int i = 0; i < 50; i++) {
        HeaderRawProtocol.Frame request = message((char) ('A' + i % 26), "m" + i + "x".repeat(i * 37));
        client.send(request);
        assertEquals(Optional.of(reply(request)), client.receive());
      }
    }
  }

  /** Sends a frame with a negative length and waits for the server to close the connection. */
  private static void sendNegativeLength(InetSocketAddress server) throws IOException {
    try (Socket bad = new Socket(server.getAddress(), server.getPort())) {
      bad.getOutputStream().write(NEGATIVE_LENGTH);
      bad.getOutputStream().flush();
      bad.setSoTimeout(10_000);
      assertEquals(-1, bad.getInputStream().read(), "the server closed the connection");
    }
  }

  @Test
  void aBlockingServerServesAHeaderFormatAndClosesAConnectionWhoseHeaderIsRefused() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    BlockingQueue<Throwable> errors = new ArrayBlockingQueue<>(10);
    try (BlockingServer<HeaderRawProtocol.Frame, HeaderRawProtocol.Frame> server = BlockingServer.builder(PROTOCOL,
        (BlockingConnection<HeaderRawProtocol.Frame, HeaderRawProtocol.Frame> connection) -> {
          for (Optional<HeaderRawProtocol.Frame> m = connection.receive(); m.isPresent(); m = connection.receive()) {
            connection.send(reply(m.get()));
          }
        }).executor(pool).errorHook((peer, e) -> errors.offer(e)).listen(loopback())) {
      exchange(server.address());
      sendNegativeLength(server.address());
      Throwable refused = errors.poll(10, TimeUnit.SECONDS);
      assertTrue(refused instanceof MalformedFrameException, String.valueOf(refused));
      assertEquals("length: negative length -5, at offset 1", refused.getMessage());
      exchange(server.address());
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aBlockingConnectionReceivesWholeFramesAndClosesAtARefusedHeader() throws Exception {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(Bytes.fromHex("520000000800000000").toByteArray());
    stream.writeBytes(NEGATIVE_LENGTH);
    BlockingConnection<HeaderRawProtocol.Frame, HeaderRawProtocol.Frame> connection = BlockingConnection.over(
        new ByteArrayInputStream(stream.toByteArray()), new ByteArrayOutputStream(), PROTOCOL);
    assertEquals(Optional.of(PROTOCOL.frame(Map.of("tag", (long) 'R'), Bytes.fromHex("00000000"))), connection.receive());
    MalformedFrameException e = assertThrows(MalformedFrameException.class, connection::receive);
    assertEquals(10, e.offset(), "the length field's offset in the stream");
    assertEquals(false, connection.isOpen(), "its stream position is lost");
  }

  @Test
  void anEventLoopServesAHeaderFormatAndClosesAConnectionWhoseHeaderIsRefusedAsAProtocolError() throws Exception {
    BlockingQueue<Map.Entry<CloseReason, Throwable>> closes = new ArrayBlockingQueue<>(10);
    EventLoop loop = EventLoop.start("parley-header-loop");
    try {
      InetSocketAddress server = loop.listen(loopback(), PROTOCOL, new Handler<>() {
        @Override
        public void onMessage(Connection<HeaderRawProtocol.Frame, HeaderRawProtocol.Frame> connection, HeaderRawProtocol.Frame message) {
          connection.send(reply(message));
        }

        @Override
        public void onClose(Connection<HeaderRawProtocol.Frame, HeaderRawProtocol.Frame> connection, CloseReason reason, Throwable cause) {
          closes.offer(new java.util.AbstractMap.SimpleEntry<>(reason, cause));
        }
      }, ConnectionOptions.defaults());
      exchange(server);
      Map.Entry<CloseReason, Throwable> clean = closes.poll(10, TimeUnit.SECONDS);
      assertNotNull(clean, "the client's close was seen");
      assertEquals(CloseReason.PEER_CLOSED, clean.getKey());
      sendNegativeLength(server);
      Map.Entry<CloseReason, Throwable> refused = closes.poll(10, TimeUnit.SECONDS);
      assertNotNull(refused, "the bad connection was closed");
      assertEquals(CloseReason.PROTOCOL_ERROR, refused.getKey());
      assertTrue(refused.getValue() instanceof MalformedFrameException, String.valueOf(refused.getValue()));
      exchange(server);
    } finally {
      loop.close(Duration.ofSeconds(1));
    }
  }
}
