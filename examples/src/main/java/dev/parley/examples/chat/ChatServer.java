package dev.parley.examples.chat;

import dev.parley.runtime.nio.CloseReason;
import dev.parley.runtime.nio.ConnectionOptions;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.nio.Handler;
import dev.parley.runtime.nio.NioConnection;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The chat server: one event-loop thread for every client. Rooms live on the loop's thread, so
 * they need no locks. A client that leaves gets its own LEFT event, then half-closes; the server
 * closes once that event has gone out. A client that vanishes without leaving is reported LEFT to
 * its room all the same.
 */
public final class ChatServer implements Closeable {

  private final EventLoop loop;
  private final InetSocketAddress address;
  private final Map<String, Set<NioConnection<ChatMessage>>> rooms = new HashMap<>();
  private long sequence;

  /** A client's place in a room, kept as its connection's attachment. */
  private record Member(String room, String nick) {}

  private ChatServer(EventLoop loop, InetSocketAddress bind) throws IOException {
    this.loop = loop;
    this.address = loop.listen(bind, ChatProtocol.INSTANCE, new Rooms(),
        ConnectionOptions.defaults().withIdleTimeout(Duration.ofMinutes(10)).withMaxPendingBytes(1 << 20));
  }

  /** Starts a server on {@code bind}; port 0 picks a free one. */
  public static ChatServer start(InetSocketAddress bind) throws IOException {
    EventLoop loop = EventLoop.start("chat-server");
    try {
      return new ChatServer(loop, bind);
    } catch (IOException | RuntimeException e) {
      loop.close();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** Stops accepting, lets queued events go out for up to two seconds, and closes everything. */
  @Override
  public void close() {
    loop.close(Duration.ofSeconds(2));
  }

  private final class Rooms implements Handler<ChatMessage> {
    @Override
    public void onMessage(NioConnection<ChatMessage> connection, ChatMessage message) {
      Member member = (Member) connection.attachment();
      if (message instanceof Join join && member == null) {
        connection.attach(new Member(join.room(), join.nick()));
        rooms.computeIfAbsent(join.room(), r -> new LinkedHashSet<>()).add(connection);
        broadcast(join.room(), EventKind.JOINED, join.nick(), Optional.empty(), null);
      } else if (message instanceof Say say && member != null) {
        broadcast(member.room(), EventKind.SAID, member.nick(), Optional.of(say.text()), null);
      } else if (message instanceof Leave && member != null) {
        leave(connection, member, connection);
      }
      // Anything else (a second Join, words before joining) is ignored: the protocol is lenient.
    }

    @Override
    public void onClose(NioConnection<ChatMessage> connection, CloseReason reason, Throwable cause) {
      Member member = (Member) connection.attachment();
      if (member != null && rooms.getOrDefault(member.room(), Set.of()).contains(connection)) {
        leave(connection, member, null);
      }
    }
  }

  /** Takes {@code connection} out of its room and tells the room, and {@code alsoTell}. */
  private void leave(NioConnection<ChatMessage> connection, Member member, NioConnection<ChatMessage> alsoTell) {
    Set<NioConnection<ChatMessage>> room = rooms.get(member.room());
    room.remove(connection);
    broadcast(member.room(), EventKind.LEFT, member.nick(), Optional.empty(), alsoTell);
    if (room.isEmpty()) {
      rooms.remove(member.room());
    }
  }

  private void broadcast(String room, EventKind kind, String nick, Optional<String> text,
      NioConnection<ChatMessage> alsoTell) {
    Set<NioConnection<ChatMessage>> members = rooms.getOrDefault(room, Set.of());
    List<String> nicks = new ArrayList<>();
    for (NioConnection<ChatMessage> member : members) {
      nicks.add(((Member) member.attachment()).nick());
    }
    nicks.sort(null);
    RoomEvent event = new RoomEvent(++sequence, room, kind, nick, text, nicks);
    for (NioConnection<ChatMessage> member : members) {
      member.send(event);
    }
    if (alsoTell != null) {
      alsoTell.send(event);
    }
  }
}
