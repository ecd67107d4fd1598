package dev.parley.protocols.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that do not speak the protocol, and what {@link MemcachedServer} does with each, as
 * memcached 1.6.18 does (checked against it): the protocol's own error where it has one, and a
 * close where the stream can no longer be trusted. The other connections carry on.
 */
class MemcachedServerRobustnessTest {

  private static final byte[] NONE = new byte[0];

  private MemcachedServer server;

  @BeforeEach
  void start() throws IOException {
    server = MemcachedServer.builder().start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anUnknownOpcodeIsAnsweredUnknownCommandAndTheConnectionGoesOnUntilThePeerCloses() throws IOException {
    try (RawPeer peer = new RawPeer(server.address())) {
      peer.send(RawPeer.request(0x80, 0x3E, 5, NONE, bytes("abc"), bytes("xyz")), RawPeer.request(0x0A, 6));
      // Its opcode and opaque, status 0x0081, "Unknown command"; then the No-op after it.
      assertEquals("813e0000000000810000000f000000050000000000000000" + hexOf("Unknown command"), peer.read(39));
      assertEquals("810a00000000000000000000000000060000000000000000", peer.read(24));
      peer.shutdownOutput();
      assertEquals("", peer.readToEnd());
    }
  }

  @Test
  void badMagicClosesTheConnectionWithoutAReply() throws IOException {
    try (RawPeer peer = new RawPeer(server.address())) {
      peer.send(RawPeer.request(0x81, 0x0A, 9, NONE, NONE, NONE)); // a response's magic
      assertEquals("", peer.readToEnd());
    }
    try (RawPeer peer = new RawPeer(server.address())) {
      peer.send("GET / HTTP/1.1\r\nHost: memcached\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("", peer.readToEnd());
    }
  }

  @Test
  void aFrameCutShortByTheEndOfTheStreamClosesWithoutAReplyAfterTheAnswersBeforeIt() throws IOException {
    byte[] set = RawPeer.request(0x80, 0x01, 3, new byte[8], bytes("k"), bytes("hello"));
    try (RawPeer peer = new RawPeer(server.address())) {
      peer.send(RawPeer.request(0x0A, 1), Arrays.copyOf(set, 30));
      peer.shutdownOutput();
      assertEquals("810a00000000000000000000000000010000000000000000", peer.readToEnd());
    }
  }

  @Test
  void lengthsThatDoNotFitTheCommandAreInvalidArgumentsThenAClose() throws IOException {
    byte[][] invalid = {
        RawPeer.request(0x80, 0x00, 7, new byte[4], bytes("k"), NONE),        // a Get with extras
        RawPeer.request(0x80, 0x01, 7, new byte[4], bytes("k"), NONE),        // a Set with 4 bytes of extras
        RawPeer.request(0x80, 0x00, 7, NONE, NONE, NONE),                     // a Get without a key
        RawPeer.request(0x80, 0x00, 7, NONE, new byte[251], NONE),            // a key above 250 bytes
    };
    for (byte[] request : invalid) {
      try (RawPeer peer = new RawPeer(server.address())) {
        peer.send(request, RawPeer.request(0x0A, 8)); // the No-op after it is not answered
        String opcode = String.format("%02x", request[1]);
        assertEquals("81" + opcode + "0000000000040000001100000007" + "0000000000000000" + hexOf("Invalid arguments"),
            peer.readToEnd());
      }
    }
  }

  @Test
  void aLengthAboveTheFrameBoundClosesBeforeAnythingIsAllocated() throws IOException {
    try (RawPeer peer = new RawPeer(server.address())) {
      peer.send(RawPeer.hex("80010000080000007fffffff000000010000000000000000"));
      assertEquals("", peer.readToEnd());
    }
    try (MemcachedClient client = MemcachedClient.connect(server.address(), java.time.Duration.ofSeconds(10))) {
      client.version(); // the server serves on
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static String hexOf(String s) {
    return java.util.HexFormat.of().formatHex(bytes(s));
  }
}
