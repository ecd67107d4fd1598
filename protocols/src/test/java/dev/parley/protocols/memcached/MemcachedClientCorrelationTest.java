package dev.parley.protocols.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link MemcachedClient} against a scripted server that answers wrongly: a reply is taken only as
 * the answer to the request in flight with its opaque and its opcode; anything else is a protocol
 * error that fails every waiting request and closes the client.
 */
class MemcachedClientCorrelationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * Accepts one connection and answers the No-op (opaque 1) that {@link MemcachedClient#connect}
   * waits on; then reads {@code requestBytes}, writes {@code reply} (hex) and waits for the close.
   */
  private static CompletableFuture<Void> scripted(ServerSocket listener, int requestBytes, String reply) {
    return CompletableFuture.runAsync(() -> {
      try (Socket peer = listener.accept()) {
        peer.setSoTimeout(10_000);
        InputStream in = peer.getInputStream();
        in.readNBytes(24);
        peer.getOutputStream().write(HexFormat.of().parseHex("810a00000000000000000000000000010000000000000000"));
        in.readNBytes(requestBytes);
        peer.getOutputStream().write(HexFormat.of().parseHex(reply));
        in.readAllBytes(); // until the client closes
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static void assertFailsAndCloses(String reply) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> server = scripted(listener, 24 + 1, reply);
      MemcachedClient client = MemcachedClient.connect(
          new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), TIMEOUT);
      CompletableFuture<Optional<MemcachedItem>> get = client.getAsync("k"); // opaque 2, opcode 0x00
      ExecutionException failed = assertThrows(ExecutionException.class, () -> get.get(10, TimeUnit.SECONDS));
      assertTrue(failed.getCause() instanceof IOException, failed::toString);
      assertTrue(failed.getCause().getMessage().contains("protocol error"), failed.getCause().getMessage());
      assertTrue(failed.getCause().getMessage().contains("matches no request in flight"), failed.getCause().getMessage());
      assertFalse(client.isOpen());
      server.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aReplyWithAnotherOpaqueFailsTheRequest() throws Exception {
    assertFailsAndCloses("810000000000000100000000000000030000000000000000");
  }

  @Test
  void aReplyWithAnotherOpcodeFailsTheRequest() throws Exception {
    assertFailsAndCloses("810a00000000000000000000000000020000000000000000");
  }

  @Test
  void aQuietRequestPassedOverByALaterReplyMissedAndANonQuietOneWaitsOn() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // getMulti(k): GetQ opaque 2 (24 + 1 bytes), Noop opaque 3 (24): the Noop's reply alone means a miss.
      CompletableFuture<Void> server = scripted(listener, 25 + 24, "810a00000000000000000000000000030000000000000000");
      try (MemcachedClient client = MemcachedClient.connect(
          new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), TIMEOUT)) {
        assertEquals(java.util.Map.of(), client.getMulti(java.util.List.of("k")));
        assertTrue(client.isOpen());
      }
      server.get(10, TimeUnit.SECONDS);
    }
    // A Get (opaque 2) passed over by the reply to a Version (opaque 3) waits on: replies are
    // matched by key, in any order, and only quiet requests are settled by a later reply.
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> server = scripted(listener, 25 + 24, "810b00000000000000000000000000030000000000000000");
      MemcachedClient client = MemcachedClient.connect(
          new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), TIMEOUT);
      CompletableFuture<Optional<MemcachedItem>> get = client.getAsync("k");
      CompletableFuture<String> version = client.versionAsync();
      assertEquals("", version.get(10, TimeUnit.SECONDS));
      assertFalse(get.isDone());
      assertTrue(client.isOpen());
      client.close();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> get.get(10, TimeUnit.SECONDS));
      assertTrue(failed.getCause() instanceof IOException, failed::toString);
      server.get(10, TimeUnit.SECONDS);
    }
  }
}
