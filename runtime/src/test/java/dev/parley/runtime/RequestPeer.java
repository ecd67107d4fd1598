package dev.parley.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;

/**
 * The peer of the request client's tests: a small protocol whose message has an id (the key), a
 * kind and a text, and a server that answers each kind as a test needs: at once, in several
 * frames, only on a hit, never, later, with a wrong id, or by hanging up.
 */
final class RequestPeer implements Closeable {

  /** A request or a reply: {@code id} is the key replies are matched by. */
  record Message(int id, int kind, String text) {
    @Override
    public String toString() {
      return "#" + id + " " + kind + " " + text;
    }
  }

  // Requests.
  /** Answered with one VALUE frame of the same text; batched and shuffled if the server shuffles. */
  static final int ECHO = 1;
  /** Answered with as many ROW frames as the text says, then an END frame. */
  static final int ROWS = 2;
  /** Quiet: answered only if the text starts with "hit". */
  static final int GETQ = 3;
  /** Answered with a NOOP frame. */
  static final int NOOP = 4;
  /** Never answered; counted. */
  static final int NO_REPLY = 5;
  /** Answered with how many NO_REPLY requests came before it. */
  static final int COUNT = 6;
  /** Answered only when a RELEASE_FIRST or RELEASE_ALL comes. */
  static final int HOLD = 7;
  /** Sends the oldest answer held back; not answered itself. */
  static final int RELEASE_FIRST = 8;
  /** Sends every answer held back, oldest first; not answered itself. */
  static final int RELEASE_ALL = 9;
  /** Answered with an id no request has: the request's plus a million. */
  static final int WRONG_ID = 10;
  /** Answered twice. */
  static final int TWICE = 11;
  /** Not answered: the server closes the connection. */
  static final int HANG_UP = 12;

  // Replies.
  static final int VALUE = 20;
  static final int ROW = 21;
  static final int END = 22;

  /** The frames of the tests' protocol: a u32 length prefix, bodies of 64 KiB at most. */
  static final Protocol<Message> PROTOCOL = new Protocol<>() {
    private final FrameFormat format = FrameFormat.builder().maxFrameLength(64 * 1024).build();

    @Override
    public FrameFormat frameFormat() {
      return format;
    }

    @Override
    public int encodedSize(Message message) {
      return 5 + message.text().getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void encode(Message message, ByteBuffer out) {
      int id = message.id();
      out.put((byte) (id >>> 24)).put((byte) (id >>> 16)).put((byte) (id >>> 8)).put((byte) id);
      out.put((byte) message.kind());
      out.put(message.text().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Message decode(ByteBuffer body) throws ProtocolException {
      if (body.remaining() < 5) {
        throw new ProtocolException("a message needs 5 bytes, " + body.remaining() + " came", body.position());
      }
      int id = (body.get() & 0xFF) << 24 | (body.get() & 0xFF) << 16 | (body.get() & 0xFF) << 8 | (body.get() & 0xFF);
      int kind = body.get() & 0xFF;
      byte[] text = new byte[body.remaining()];
      body.get(text);
      return new Message(id, kind, new String(text, StandardCharsets.UTF_8));
    }
  };

  private final BlockingServer<Message, Message> server;
  private final int shuffleBatch;
  private final long seed;
  /** Every request the server received, in the order it did. */
  final Queue<Message> received = new ConcurrentLinkedQueue<>();

  /**
   * A server whose ECHO answers go out in shuffled batches of {@code shuffleBatch} (seeded by
   * {@code seed}), or at once when it is 0.
   */
  RequestPeer(ExecutorService pool, int shuffleBatch, long seed) throws IOException {
    this.shuffleBatch = shuffleBatch;
    this.seed = seed;
    this.server = BlockingServer.builder(PROTOCOL, this::serve).executor(pool).errorHook((peer, e) -> {})
        .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  InetSocketAddress address() {
    return server.address();
  }

  private void serve(BlockingConnection<Message, Message> connection) throws IOException {
    List<Message> held = new ArrayList<>();
    List<Message> batch = new ArrayList<>();
    Random random = new Random(seed);
    int unanswered = 0;
    for (Optional<Message> next = connection.receive(); next.isPresent(); next = connection.receive()) {
      Message request = next.get();
      received.add(request);
      int id = request.id();
      switch (request.kind()) {
        case ECHO -> {
          Message value = new Message(id, VALUE, request.text());
          if (shuffleBatch == 0) {
            connection.send(value);
          } else {
            batch.add(value);
            if (batch.size() == shuffleBatch) {
              Collections.shuffle(batch, random);
              connection.sendAll(batch);
              batch.clear();
            }
          }
        }
        case ROWS -> {
          int rows = Integer.parseInt(request.text());
          for (int i = 0; i < rows; i++) {
            connection.send(new Message(id, ROW, "row " + i));
          }
          connection.send(new Message(id, END, rows + " rows"));
        }
        case GETQ -> {
          if (request.text().startsWith("hit")) {
            connection.send(new Message(id, VALUE, "value of " + request.text()));
          }
        }
        case NOOP -> connection.send(new Message(id, NOOP, ""));
        case NO_REPLY -> unanswered++;
        case COUNT -> connection.send(new Message(id, VALUE, Integer.toString(unanswered)));
        case HOLD -> held.add(new Message(id, VALUE, request.text()));
        case RELEASE_FIRST -> connection.send(held.remove(0));
        case RELEASE_ALL -> {
          connection.sendAll(held);
          held.clear();
        }
        case WRONG_ID -> connection.send(new Message(id + 1_000_000, VALUE, request.text()));
        case TWICE -> {
          connection.send(new Message(id, VALUE, request.text()));
          connection.send(new Message(id, VALUE, request.text()));
        }
        case HANG_UP -> {
          return;
        }
        default -> throw new IllegalArgumentException("no such request: " + request);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
