package dev.parley.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.examples.chat.ChatClient;
import dev.parley.examples.chat.ChatServer;
import dev.parley.examples.chat.EventKind;
import dev.parley.examples.chat.Mood;
import dev.parley.examples.chat.RoomEvent;
import dev.parley.examples.kv.Entry;
import dev.parley.examples.kv.KvClient;
import dev.parley.examples.kv.KvServer;
import dev.parley.examples.kv.Page;
import dev.parley.runtime.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples over loopback: the chat conversation, the key-value store, and the demo. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesTest {

  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @Test
  void chatRoomHearsJoinsWordsAndLeaves() throws Exception {
    try (ChatServer server = ChatServer.start(ANY);
        ChatClient ann = ChatClient.connect(server.address(), "ann");
        ChatClient ben = ChatClient.connect(server.address(), "ben")) {
      ann.join("r", Mood.CALM);
      assertEquals(List.of("ann"), ann.nextEvent().orElseThrow().members());
      ben.join("r", Mood.HAPPY);
      RoomEvent joined = ann.nextEvent().orElseThrow();
      assertEquals(EventKind.JOINED, joined.kind());
      assertEquals(List.of("ann", "ben"), joined.members());
      assertEquals(joined, ben.nextEvent().orElseThrow(), "both hear the same event");
      ben.say("hi");
      RoomEvent said = ann.nextEvent().orElseThrow();
      assertEquals(EventKind.SAID, said.kind());
      assertEquals(Optional.of("hi"), said.text());
      assertEquals("ben", said.nick());
      assertEquals(said, ben.nextEvent().orElseThrow());
      ben.leave();
      assertEquals(EventKind.LEFT, ann.nextEvent().orElseThrow().kind());
      assertEquals(EventKind.LEFT, ben.nextEvent().orElseThrow().kind());
      assertEquals(Optional.empty(), ben.nextEvent(), "then the server closes cleanly");
    }
  }

  @Test
  void aClientThatVanishesIsReportedLeft() throws Exception {
    try (ChatServer server = ChatServer.start(ANY); ChatClient ann = ChatClient.connect(server.address(), "ann")) {
      ann.join("r", Mood.CALM);
      ann.nextEvent();
      ChatClient ghost = ChatClient.connect(server.address(), "ghost");
      ghost.join("r", Mood.GRUMPY);
      assertEquals("ghost", ann.nextEvent().orElseThrow().nick());
      ghost.close(); // no Leave
      RoomEvent left = ann.nextEvent().orElseThrow();
      assertEquals(EventKind.LEFT, left.kind());
      assertEquals(List.of("ann"), left.members());
    }
  }

  @Test
  void keyValueStoreGetsPutsDeletesAndPagesThroughScans() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    try (KvServer server = KvServer.start(ANY, pool, (peer, e) -> errors.add(e));
        KvClient client = KvClient.connect(server.address())) {
      assertEquals(Optional.empty(), client.get("a"));
      assertFalse(client.put("a", bytes("1")));
      assertTrue(client.put("a", bytes("2")), "existed");
      assertEquals(Optional.of(bytes("2")), client.get("a"));
      assertTrue(client.delete("a"));
      assertFalse(client.delete("a"));
      for (int i = 0; i < 25; i++) {
        client.put(String.format("k%02d", i), bytes("v" + i));
      }
      Page first = client.scan("k", 10);
      assertEquals(10, first.entries().size());
      assertEquals(Optional.of("k10"), first.next());
      List<Entry> all = client.scanAll("k05", 7);
      assertEquals(20, all.size());
      assertEquals("k05", all.get(0).key());
      assertEquals(bytes("v24"), all.get(19).value());
      IOException refused = assertThrows(IOException.class, () -> client.scan("k", 0));
      assertEquals("server refused Scan: scan limit must be from 1 to 1000, not 0", refused.getMessage());
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(), errors);
  }

  @Test
  void demoPrintsTheWholeConversation() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String transcript = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(transcript.contains("alice  -> Join[room=lobby, nick=alice, mood=HAPPY]"), transcript);
    assertTrue(transcript.contains("carol  <- #6 SAID carol: \"héllo 👋\" [alice, bob, carol]"), transcript);
    assertTrue(transcript.contains("carol  <- #9 LEFT carol []"), transcript);
    assertTrue(transcript.endsWith("server stopped; all sockets closed\n".replace("\n", System.lineSeparator())),
        transcript);
    assertEquals(30, transcript.lines().filter(l -> l.contains(" bytes")).count(), transcript);
  }

  static Bytes bytes(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
  }
}
