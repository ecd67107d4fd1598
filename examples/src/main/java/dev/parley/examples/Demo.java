package dev.parley.examples;

import dev.parley.examples.chat.ChatClient;
import dev.parley.examples.chat.ChatMessage;
import dev.parley.examples.chat.ChatProtocol;
import dev.parley.examples.chat.ChatServer;
import dev.parley.examples.chat.Mood;
import dev.parley.examples.chat.RoomEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Starts the chat server on a free 127.0.0.1 port, lets three clients join, talk and leave, prints
 * the transcript with the size of every frame, and shuts everything down.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws IOException {
    run(System.out);
  }

  /** Runs the conversation, printing to {@code out}. */
  public static void run(PrintStream out) throws IOException {
    try (ChatServer server = ChatServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ChatClient alice = ChatClient.connect(server.address(), "alice");
        ChatClient bob = ChatClient.connect(server.address(), "bob");
        ChatClient carol = ChatClient.connect(server.address(), "carol")) {
      out.printf("chat server on %s:%d (one event-loop thread); clients on blocking sockets%n%n",
          server.address().getHostString(), server.address().getPort());
      sent(out, alice, alice.join("lobby", Mood.HAPPY));
      received(out, List.of(alice));
      sent(out, bob, bob.join("lobby", Mood.CALM));
      received(out, List.of(alice, bob));
      sent(out, carol, carol.join("lobby", Mood.GRUMPY));
      received(out, List.of(alice, bob, carol));
      sent(out, alice, alice.say("hello, both of you"));
      received(out, List.of(alice, bob, carol));
      sent(out, bob, bob.say("hi alice"));
      received(out, List.of(alice, bob, carol));
      sent(out, carol, carol.say("héllo 👋"));
      received(out, List.of(alice, bob, carol));
      List<ChatClient> present = new ArrayList<>(List.of(alice, bob, carol));
      for (ChatClient leaving : List.of(bob, alice, carol)) {
        sent(out, leaving, leaving.leave());
        received(out, present); // the room, and the one who left, hear of it
        present.remove(leaving);
        if (leaving.nextEvent().isPresent()) {
          throw new IOException(leaving.nick() + " got an event after leaving");
        }
        out.printf("%-6s    connection closed cleanly by the server%n", leaving.nick());
      }
    }
    out.printf("%nserver stopped; all sockets closed%n");
  }

  private static void sent(PrintStream out, ChatClient client, ChatMessage message) {
    out.printf(Locale.ROOT, "%-6s -> %-50s %3d bytes%n", client.nick(), describe(message), frameSize(message));
  }

  /** Each of {@code clients} reads one event: the one the last action caused. */
  private static void received(PrintStream out, List<ChatClient> clients) throws IOException {
    for (ChatClient client : clients) {
      RoomEvent event = client.nextEvent().orElseThrow(() -> new IOException(client.nick() + ": closed early"));
      out.printf(Locale.ROOT, "%-6s <- %-50s %3d bytes%n", client.nick(), describe(event), frameSize(event));
    }
  }

  private static int frameSize(ChatMessage message) {
    return ChatProtocol.INSTANCE.frameFormat().lengthSize() + ChatProtocol.INSTANCE.encodedSize(message);
  }

  private static String describe(ChatMessage message) {
    if (message instanceof RoomEvent e) {
      return "#" + e.sequence() + " " + e.kind() + " " + e.nick()
          + e.text().map(t -> ": \"" + t + "\"").orElse("") + " " + e.members();
    }
    return message.toString();
  }
}
