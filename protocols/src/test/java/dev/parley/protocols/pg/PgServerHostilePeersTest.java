package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.pg.backend.ErrorResponse;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.frontend.PgFrontendGenerators;
import dev.parley.protocols.pg.frontend.Query;
import dev.parley.protocols.pg.startup.Parameter;
import dev.parley.protocols.pg.startup.PgStartupGenerators;
import dev.parley.protocols.pg.startup.StartupMessage;
import dev.parley.runtime.FrameReader;
import dev.parley.testing.Property;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers that do not speak PostgreSQL to {@link PgServer}: a whole frame it cannot decode (an
 * unknown startup code, an unknown tag, a body that ends inside its length) is answered with a
 * FATAL ErrorResponse, 08P01 protocol_violation, and then the server closes; a frame it cannot
 * even cut (the stream ends inside it, a length past the maximum) closes the connection without a
 * reply, as PostgreSQL's "invalid message length" does. Either way the server goes on serving.
 */
@Timeout(60)
class PgServerHostilePeersTest {

  private static final byte[] STARTUP =
      PgStartupGenerators.frame(new StartupMessage(List.of(new Parameter("user", "postgres"))));

  private static PgServer server;

  @BeforeAll
  static void start() throws IOException {
    server = PgServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), PgAuth.trust());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Writes {@code bytes}, says it is done, and reads everything the server sends until it closes. */
  static List<PgBackendMessage> send(byte[]... bytes) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server.address(), 10_000);
      socket.setSoTimeout(20_000); // a server that did not close would fail the test here
      for (byte[] chunk : bytes) {
        socket.getOutputStream().write(chunk);
      }
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      in.transferTo(received);
      FrameReader reader = new FrameReader(PgBackendProtocol.INSTANCE.frameFormat());
      reader.feed(ByteBuffer.wrap(received.toByteArray()));
      List<PgBackendMessage> messages = new ArrayList<>();
      for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
        messages.add(PgBackendProtocol.INSTANCE.decode(frame));
      }
      reader.endOfStream();
      return messages;
    }
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  /** The last message, an ErrorResponse: FATAL, 08P01, its message starting with {@code message}. */
  static void assertProtocolViolation(List<PgBackendMessage> messages, String message) {
    PgException error = PgException.from(assertInstanceOf(ErrorResponse.class, messages.get(messages.size() - 1)));
    assertEquals("FATAL", error.severity());
    assertEquals("08P01", error.sqlState());
    assertTrue(error.serverMessage().startsWith(message), error.serverMessage());
  }

  @Test
  void anUnknownStartupCodeIsAProtocolViolation() throws IOException {
    List<PgBackendMessage> messages = send(hex("00000008 12345678"));
    assertEquals(1, messages.size(), messages::toString);
    assertProtocolViolation(messages, "invalid startup packet: code: unknown type id");
  }

  @Test
  void anUnknownMessageInTheSessionIsAProtocolViolation() throws IOException {
    List<PgBackendMessage> messages = send(STARTUP, hex("5a 00000004"));
    assertEquals(new ReadyForQuery('I'), messages.get(messages.size() - 2), "the session had started");
    assertProtocolViolation(messages, "invalid frontend message: tag: unknown type id 90");
  }

  @Test
  void aFrameWhoseBodyEndsInsideItsLengthIsAProtocolViolation() throws IOException {
    // Parse, length 8: the statement name "SELE" has no NUL before the frame ends.
    List<PgBackendMessage> messages = send(STARTUP, hex("50 00000008 53454c45"));
    assertProtocolViolation(messages, "invalid frontend message: Parse.statement: string has no NUL terminator");
  }

  @Test
  void framesThatCannotBeCutCloseWithoutAReplyAndTheServerGoesOn() throws Exception {
    int welcome = send(STARTUP).size();
    // The stream ends inside a Query, and a length far past the maximum: nothing after the welcome.
    assertEquals(welcome, send(STARTUP, hex("51 0000000d 5345")).size());
    assertEquals(welcome, send(STARTUP, hex("51 7fffffff")).size());
    assertEquals(0, send(hex("474554202f20485454502f312e310d0a")).size(), "GET / HTTP/1.1: a 1.2 GB startup length");
    try (PgClient client = PgClient.connect(server.address(), "postgres", null, "postgres")) {
      assertEquals("SELECT 1", client.query("SELECT 1").get(0).tag());
    }
  }

  /**
   * Random bytes after a startup, some of them whole frames (the generated valid and corrupted
   * frontend frames), some not: the server answers or refuses each, closes, and goes on.
   */
  @Test
  void garbageAfterTheStartupEndsTheSessionAndTheServerGoesOn() throws Exception {
    Property.forAll("garbage after a startup", (rnd, size) -> {
      ByteArrayOutputStream garbage = new ByteArrayOutputStream();
      for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
        switch (rnd.nextInt(3)) {
          case 0 -> garbage.writeBytes(PgFrontendGenerators.corruptFrame(rnd, size));
          case 1 -> garbage.writeBytes(PgFrontendGenerators.frame(new Query("SELECT " + rnd.nextInt())));
          default -> {
            byte[] random = new byte[rnd.nextInt(1 + size)];
            rnd.nextBytes(random);
            garbage.writeBytes(random);
          }
        }
      }
      return garbage.toByteArray();
    }).values(60).check(garbage -> {
      List<PgBackendMessage> messages = send(STARTUP, garbage);
      for (int i = 0; i < messages.size() - 1; i++) {
        if (messages.get(i) instanceof ErrorResponse error) {
          assertTrue(!PgException.from(error).severity().equals("FATAL"), "only the last message is FATAL");
        }
      }
    });
    try (PgClient client = PgClient.connect(server.address(), "postgres", null, "postgres")) {
      assertEquals("SELECT 1", client.query("SELECT 1").get(0).tag());
    }
  }
}
