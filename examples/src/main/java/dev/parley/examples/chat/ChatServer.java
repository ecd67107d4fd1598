package dev.parley.examples.chat;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.nio.EventLoop;
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
  private final Map<String, Set<Member>> rooms = new HashMap<>();
  private long sequence;

  private ChatServer(EventLoop loop, InetSocketAddress bind) throws IOException {
    this.loop = loop;
    this.address = loop.listen(bind, Conversation.of(ChatProtocol.INSTANCE), Member::new,
        ConnectionOptions.defaults().withIdleTimeout(Duration.ofMinutes(10)).withMaxPendingBytes(1 << 20),
        ListenOptions.defaults());
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

  /** One client: its connection's handler, and its place in a room once it joined. */
  private final class Member implements Handler<ChatMessage, ChatMessage> {
    private Connection<ChatMessage, ChatMessage> connection;
    private String room;
    private String nick;

    @Override
    public void onOpen(Connection<ChatMessage, ChatMessage> opened) {
      this.connection = opened;
    }

    @Override
    public void onMessage(Connection<ChatMessage, ChatMessage> from, ChatMessage message) {
      if (message instanceof Join join && room == null) {
        room = join.room();
        nick = join.nick();
        rooms.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(this);
        broadcast(room, EventKind.JOINED, nick, Optional.empty(), null);
      } else if (message instanceof Say say && room != null) {
        broadcast(room, EventKind.SAID, nick, Optional.of(say.text()), null);
      } else if (message instanceof Leave && room != null) {
        leave(this, this);
      }
      // Anything else (a second Join, words before joining) is ignored: the protocol is lenient.
    }

    @Override
    public void onClose(Connection<ChatMessage, ChatMessage> closed, CloseReason reason, Throwable cause) {
      if (room != null && rooms.getOrDefault(room, Set.of()).contains(this)) {
        leave(this, null);
      }
    }
  }

  /** Takes {@code member} out of its room and tells the room, and {@code alsoTell}. */
  private void leave(Member member, Member alsoTell) {
    Set<Member> room = rooms.get(member.room);
    room.remove(member);
    broadcast(member.room, EventKind.LEFT, member.nick, Optional.empty(), alsoTell);
    if (room.isEmpty()) {
      rooms.remove(member.room);
    }
  }

  private void broadcast(String room, EventKind kind, String nick, Optional<String> text, Member alsoTell) {
    Set<Member> members = rooms.getOrDefault(room, Set.of());
    List<String> nicks = new ArrayList<>();
    for (Member member : members) {
      nicks.add(member.nick);
    }
    nicks.sort(null);
    RoomEvent event = new RoomEvent(++sequence, room, kind, nick, text, nicks);
    for (Member member : members) {
      member.connection.send(event);
    }
    if (alsoTell != null) {
      alsoTell.connection.send(event);
    }
  }
}
