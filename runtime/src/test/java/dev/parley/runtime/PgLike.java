package dev.parley.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * Hand-written protocols shaped like PostgreSQL's conversation, for the tests of phases and of
 * connections that receive and send different protocols: a startup phase whose client messages
 * are untagged (length, then a code) and whose server may answer one bare byte, then a tagged
 * phase in which the same tag means one message from the client and another from the server
 * ({@code D}: Describe one way, DataRow the other). Each phase and direction is its own type.
 */
public final class PgLike {

  private PgLike() {}

  /** The startup phase, from the client: untagged. */
  public sealed interface StartupMessage permits SslRequest, Startup {}

  /** Asks for TLS; code 80877103. */
  public record SslRequest() implements StartupMessage {}

  /** Starts the session; code 196608 (protocol 3.0), then the user's name. */
  public record Startup(String user) implements StartupMessage {}

  /** The server's one-byte answer to SslRequest: {@code N} or {@code S}. */
  public record Answer(char code) {}

  /** The tagged phase, from the client. */
  public sealed interface Frontend permits Query, Describe, Terminate {}

  public record Query(String sql) implements Frontend {}

  public record Describe(String name) implements Frontend {}

  public record Terminate() implements Frontend {}

  /** The tagged phase, from the server. */
  public sealed interface Backend permits AuthenticationOk, DataRow, CommandComplete, ReadyForQuery {}

  public record AuthenticationOk() implements Backend {}

  public record DataRow(String value) implements Backend {}

  public record CommandComplete(String tag) implements Backend {}

  public record ReadyForQuery() implements Backend {}

  static final int SSL_REQUEST = 80877103;
  static final int PROTOCOL_3 = 196608;

  public static final Protocol<StartupMessage> STARTUP = new Mapped<>(HeaderLayoutsTest.POSTGRES_STARTUP,
      frame -> switch ((int) frame.get("code")) {
        case SSL_REQUEST -> new SslRequest();
        case PROTOCOL_3 -> new Startup(text(frame));
        default -> throw new IllegalArgumentException("code " + frame.get("code"));
      },
      (raw, message) -> message instanceof Startup startup
          ? raw.frame(Map.of("code", (long) PROTOCOL_3), bytes(startup.user()))
          : raw.frame(Map.of("code", (long) SSL_REQUEST), Bytes.empty()));

  public static final Protocol<Answer> ANSWER = new Mapped<>(HeaderLayoutsTest.POSTGRES_SSL,
      frame -> new Answer((char) frame.get("answer")),
      (raw, message) -> raw.frame(Map.of("answer", (long) message.code()), Bytes.empty()));

  public static final Protocol<Frontend> FRONTEND = new Mapped<>(HeaderLayoutsTest.POSTGRES_TYPED,
      frame -> switch ((char) frame.get("tag")) {
        case 'Q' -> new Query(text(frame));
        case 'D' -> new Describe(text(frame));
        case 'X' -> new Terminate();
        default -> throw new IllegalArgumentException("frontend tag " + (char) frame.get("tag"));
      },
      (raw, message) -> {
        if (message instanceof Query query) {
          return raw.frame(Map.of("tag", (long) 'Q'), bytes(query.sql()));
        }
        if (message instanceof Describe describe) {
          return raw.frame(Map.of("tag", (long) 'D'), bytes(describe.name()));
        }
        return raw.frame(Map.of("tag", (long) 'X'), Bytes.empty());
      });

  public static final Protocol<Backend> BACKEND = new Mapped<>(HeaderLayoutsTest.POSTGRES_TYPED,
      frame -> switch ((char) frame.get("tag")) {
        case 'R' -> new AuthenticationOk();
        case 'D' -> new DataRow(text(frame));
        case 'C' -> new CommandComplete(text(frame));
        case 'Z' -> new ReadyForQuery();
        default -> throw new IllegalArgumentException("backend tag " + (char) frame.get("tag"));
      },
      (raw, message) -> {
        if (message instanceof DataRow row) {
          return raw.frame(Map.of("tag", (long) 'D'), bytes(row.value()));
        }
        if (message instanceof CommandComplete complete) {
          return raw.frame(Map.of("tag", (long) 'C'), bytes(complete.tag()));
        }
        return raw.frame(Map.of("tag", (long) (message instanceof ReadyForQuery ? 'Z' : 'R')), Bytes.empty());
      });

  /** The client's view of each phase. */
  public static final Conversation<Answer, StartupMessage> CLIENT_STARTUP = Conversation.of(ANSWER, STARTUP);
  public static final Conversation<Backend, StartupMessage> CLIENT_STARTED = Conversation.of(BACKEND, STARTUP);
  public static final Conversation<Backend, Frontend> CLIENT_TAGGED = Conversation.of(BACKEND, FRONTEND);

  /** The server's view of each phase. */
  public static final Conversation<StartupMessage, Answer> SERVER_STARTUP = CLIENT_STARTUP.peer();
  public static final Conversation<Frontend, Backend> SERVER_TAGGED = CLIENT_TAGGED.peer();

  /** The bytes of {@code message} as {@code protocol} frames it. */
  public static <M> byte[] frame(Protocol<M> protocol, M message) {
    ByteBuffer out = ByteBuffer.allocate(protocol.encodedSize(message));
    protocol.encode(message, out);
    return out.array();
  }

  private static String text(HeaderRawProtocol.Frame frame) {
    return new String(frame.body().toByteArray(), StandardCharsets.UTF_8);
  }

  private static Bytes bytes(String text) {
    return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A typed protocol over {@link HeaderRawProtocol}'s frames. */
  private static final class Mapped<T> implements Protocol<T> {
    private final HeaderRawProtocol raw;
    private final Function<HeaderRawProtocol.Frame, T> read;
    private final java.util.function.BiFunction<HeaderRawProtocol, T, HeaderRawProtocol.Frame> write;

    Mapped(FrameFormat format, Function<HeaderRawProtocol.Frame, T> read,
        java.util.function.BiFunction<HeaderRawProtocol, T, HeaderRawProtocol.Frame> write) {
      this.raw = new HeaderRawProtocol(format);
      this.read = read;
      this.write = write;
    }

    @Override
    public FrameFormat frameFormat() {
      return raw.frameFormat();
    }

    @Override
    public int encodedSize(T message) {
      return raw.encodedSize(write.apply(raw, message));
    }

    @Override
    public void encode(T message, ByteBuffer out) {
      raw.encode(write.apply(raw, message), out);
    }

    @Override
    public T decode(ByteBuffer frame) throws ProtocolException {
      HeaderRawProtocol.Frame decoded = raw.decode(frame);
      try {
        return read.apply(decoded);
      } catch (IllegalArgumentException e) {
        throw new MalformedFrameException("", e.getMessage(), 0);
      }
    }
  }
}
