package dev.parley.examples.chat;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.ProtocolException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** A chat client over a blocking connection: it sends, and reads the room's events in order. */
public final class ChatClient implements Closeable {

  private final BlockingConnection<ChatMessage, ChatMessage> connection;
  private final String nick;

  private ChatClient(BlockingConnection<ChatMessage, ChatMessage> connection, String nick) {
    this.connection = connection;
    this.nick = nick;
  }

  public static ChatClient connect(InetSocketAddress server, String nick) throws IOException {
    BlockingConnection<ChatMessage, ChatMessage> connection =
        BlockingConnection.connect(server, ChatProtocol.INSTANCE, Duration.ofSeconds(5));
    connection.setReadTimeout(Duration.ofSeconds(10));
    return new ChatClient(connection, nick);
  }

  public String nick() {
    return nick;
  }

  public Join join(String room, Mood mood) throws IOException {
    return send(new Join(room, nick, mood));
  }

  public Say say(String text) throws IOException {
    return send(new Say(text));
  }

  /** Leaves the room and says it is done sending; events still arrive until the server closes. */
  public Leave leave() throws IOException {
    Leave leave = send(new Leave());
    connection.shutdownOutput();
    return leave;
  }

  private <M extends ChatMessage> M send(M message) throws IOException {
    connection.send(message);
    return message;
  }

  /** The next event of the room; empty once the server has closed the connection. */
  public Optional<RoomEvent> nextEvent() throws IOException {
    Optional<ChatMessage> message = connection.receive();
    if (message.isPresent() && !(message.get() instanceof RoomEvent)) {
      throw new ProtocolException("a server sends only room events, not " + message.get(), -1);
    }
    return message.map(RoomEvent.class::cast);
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
