package dev.parley.protocols.memcached;

import dev.parley.protocols.memcached.MemcachedStore.Count;
import dev.parley.protocols.memcached.MemcachedStore.Item;
import dev.parley.protocols.memcached.MemcachedStore.Mode;
import dev.parley.protocols.memcached.MemcachedStore.Outcome;
import dev.parley.protocols.memcached.ServerConversation.Incoming;
import dev.parley.protocols.memcached.ServerConversation.Outgoing;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.Handler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One connection of a {@link MemcachedServer}: each request answered in order, on the event
 * loop's thread, from the shared store. A quiet command answers only a failure (GetQ and GetKQ:
 * only a hit); Quit is answered, then the connection closes once the answers have left; so does
 * a request refused for invalid arguments.
 */
final class MemcachedSession implements Handler<Incoming, Outgoing> {

  /** memcached's longest key. */
  static final int MAX_KEY_LENGTH = 250;

  private final MemcachedServer server;
  private final MemcachedStore store;
  private boolean quitting;

  MemcachedSession(MemcachedServer server) {
    this.server = server;
    this.store = server.store();
  }

  @Override
  public void onOpen(Connection<Incoming, Outgoing> connection) {
    server.stats().connectionOpened();
  }

  @Override
  public void onClose(Connection<Incoming, Outgoing> connection, CloseReason reason, Throwable cause) {
    server.stats().connectionClosed();
  }

  @Override
  public void onMessage(Connection<Incoming, Outgoing> c, Incoming incoming) {
    if (quitting) {
      return; // frames that arrived with the Quit (or an invalid request): memcached reads nothing after it
    }
    if (incoming instanceof Incoming.Refused refused) {
      if (refused.status() == MemcachedStatus.UNKNOWN_COMMAND) {
        c.send(new Outgoing.UnknownCommand(refused.opcode(), refused.opaque()));
      } else {
        refuseAndClose(c, refusal(refused.opcode(), refused.opaque(), refused.status(), Bytes.empty()));
      }
      return;
    }
    MemcachedResponseMessage response = answer(c, ((Incoming.Command) incoming).request());
    if (response == null) {
      return;
    }
    if (response.status() == MemcachedStatus.INVALID_ARGUMENTS.code()) {
      refuseAndClose(c, response);
    } else {
      reply(c, response);
    }
  }

  /**
   * Answers invalid arguments, then closes once the answer has left, as memcached does: a request
   * whose lengths do not fit its command says the peer frames requests otherwise. (An unknown
   * opcode is answered and the connection goes on: clients probe for commands that way.)
   */
  private void refuseAndClose(Connection<Incoming, Outgoing> c, MemcachedResponseMessage refusal) {
    quitting = true;
    reply(c, refusal);
    c.closeWhenSent();
  }

  private static void reply(Connection<Incoming, Outgoing> c, MemcachedResponseMessage response) {
    c.send(new Outgoing.Response(response));
  }

  /** The answer to {@code m}, or null when there is none (a quiet success, a Stat answered already). */
  private MemcachedResponseMessage answer(Connection<Incoming, Outgoing> c, MemcachedRequestMessage m) {
    long op = m.opaque();
    if (m instanceof Get g) {
      return get(g.typeId(), op, g.key(), false, false);
    } else if (m instanceof GetQ g) {
      return get(g.typeId(), op, g.key(), true, false);
    } else if (m instanceof GetK g) {
      return get(g.typeId(), op, g.key(), false, true);
    } else if (m instanceof GetKQ g) {
      return get(g.typeId(), op, g.key(), true, true);
    } else if (m instanceof Set s) {
      return store(s, Mode.SET, s.extras(), s.key(), s.value(), false);
    } else if (m instanceof SetQ s) {
      return store(s, Mode.SET, s.extras(), s.key(), s.value(), true);
    } else if (m instanceof Add s) {
      return store(s, Mode.ADD, s.extras(), s.key(), s.value(), false);
    } else if (m instanceof AddQ s) {
      return store(s, Mode.ADD, s.extras(), s.key(), s.value(), true);
    } else if (m instanceof Replace s) {
      return store(s, Mode.REPLACE, s.extras(), s.key(), s.value(), false);
    } else if (m instanceof ReplaceQ s) {
      return store(s, Mode.REPLACE, s.extras(), s.key(), s.value(), true);
    } else if (m instanceof Append a) {
      return concat(a, a.key(), a.value(), true, false);
    } else if (m instanceof AppendQ a) {
      return concat(a, a.key(), a.value(), true, true);
    } else if (m instanceof Prepend p) {
      return concat(p, p.key(), p.value(), false, false);
    } else if (m instanceof PrependQ p) {
      return concat(p, p.key(), p.value(), false, true);
    } else if (m instanceof Delete d) {
      return delete(d, d.key(), false);
    } else if (m instanceof DeleteQ d) {
      return delete(d, d.key(), true);
    } else if (m instanceof Increment i) {
      return count(i, i.extras(), i.key(), true, false);
    } else if (m instanceof IncrementQ i) {
      return count(i, i.extras(), i.key(), true, true);
    } else if (m instanceof Decrement d) {
      return count(d, d.extras(), d.key(), false, false);
    } else if (m instanceof DecrementQ d) {
      return count(d, d.extras(), d.key(), false, true);
    } else if (m instanceof Touch t) {
      return touch(t);
    } else if (m instanceof Noop) {
      return new NoopResponse(0, 0, op, 0, Bytes.empty());
    } else if (m instanceof Version) {
      return new VersionResponse(0, 0, op, 0, MemcachedServer.VERSION);
    } else if (m instanceof Stat s) {
      return stat(c, s);
    } else if (m instanceof Quit) {
      quitting = true;
      reply(c, new QuitResponse(0, 0, op, 0, Bytes.empty()));
      c.closeWhenSent();
      return null;
    } else if (m instanceof QuitQ) {
      quitting = true;
      c.closeWhenSent();
      return null;
    }
    throw new IllegalStateException("a request without an answer: " + m);
  }

  private MemcachedResponseMessage get(int opcode, long opaque, Bytes key, boolean quiet, boolean withKey) {
    if (!isValidKey(key)) {
      return refusal(opcode, opaque, MemcachedStatus.INVALID_ARGUMENTS, Bytes.empty());
    }
    Item item = store.get(key);
    server.stats().get(item != null);
    if (item == null) {
      return quiet ? null : refusal(opcode, opaque, MemcachedStatus.KEY_NOT_FOUND, withKey ? key : Bytes.empty());
    }
    Bytes flags = u32(item.flags());
    long cas = item.cas();
    return switch (opcode) {
      case Get.TYPE_ID -> new GetResponse(0, 0, opaque, cas, flags, item.value());
      case GetQ.TYPE_ID -> new GetQResponse(0, 0, opaque, cas, flags, item.value());
      case GetK.TYPE_ID -> new GetKResponse(0, 0, opaque, cas, flags, key, item.value());
      default -> new GetKQResponse(0, 0, opaque, cas, flags, key, item.value());
    };
  }

  private MemcachedResponseMessage store(MemcachedRequestMessage m, Mode mode, StorageExtras extras, Bytes key,
      Bytes value, boolean quiet) {
    if (!isValidKey(key)) {
      return refusal(m.typeId(), m.opaque(), MemcachedStatus.INVALID_ARGUMENTS, Bytes.empty());
    }
    server.stats().set();
    Outcome outcome = store.store(mode, key, value, extras.flags(), extras.expiration(), m.cas());
    return stored(m, outcome, quiet);
  }

  private MemcachedResponseMessage concat(MemcachedRequestMessage m, Bytes key, Bytes value, boolean append,
      boolean quiet) {
    if (!isValidKey(key)) {
      return refusal(m.typeId(), m.opaque(), MemcachedStatus.INVALID_ARGUMENTS, Bytes.empty());
    }
    server.stats().set();
    return stored(m, store.concat(key, value, append, m.cas()), quiet);
  }

  /** The answer to a write: its new cas, nothing when quiet, or why not. */
  private static MemcachedResponseMessage stored(MemcachedRequestMessage m, Outcome outcome, boolean quiet) {
    if (outcome.status() != MemcachedStatus.NO_ERROR) {
      // memcached's words for a refused Add and Replace: "exists" and "not found", not "not stored".
      return refusal(m.typeId(), m.opaque(), outcome.status(), Bytes.empty());
    }
    if (quiet) {
      return null;
    }
    long cas = outcome.item().cas();
    long op = m.opaque();
    Bytes none = Bytes.empty();
    return switch (m.typeId()) {
      case Set.TYPE_ID -> new SetResponse(0, 0, op, cas, none);
      case Add.TYPE_ID -> new AddResponse(0, 0, op, cas, none);
      case Replace.TYPE_ID -> new ReplaceResponse(0, 0, op, cas, none);
      case Append.TYPE_ID -> new AppendResponse(0, 0, op, cas, none);
      default -> new PrependResponse(0, 0, op, cas, none);
    };
  }

  private MemcachedResponseMessage delete(MemcachedRequestMessage m, Bytes key, boolean quiet) {
    if (!isValidKey(key)) {
      return refusal(m.typeId(), m.opaque(), MemcachedStatus.INVALID_ARGUMENTS, Bytes.empty());
    }
    MemcachedStatus status = store.delete(key, m.cas());
    if (status != MemcachedStatus.NO_ERROR) {
      return refusal(m.typeId(), m.opaque(), status, Bytes.empty());
    }
    return quiet ? null : new DeleteResponse(0, 0, m.opaque(), 0, Bytes.empty());
  }

  private MemcachedResponseMessage count(MemcachedRequestMessage m, CounterExtras extras, Bytes key,
      boolean increment, boolean quiet) {
    if (!isValidKey(key)) {
      return refusal(m.typeId(), m.opaque(), MemcachedStatus.INVALID_ARGUMENTS, Bytes.empty());
    }
    Count count = store.count(key, increment, extras.delta(), extras.initial(), extras.expiration(), m.cas());
    if (count.status() != MemcachedStatus.NO_ERROR) {
      return refusal(m.typeId(), m.opaque(), count.status(), Bytes.empty());
    }
    if (quiet) {
      return null;
    }
    Bytes value = Bytes.of(ByteBuffer.allocate(8).putLong(count.value()).array());
    return increment ? new IncrementResponse(0, 0, m.opaque(), count.cas(), value)
        : new DecrementResponse(0, 0, m.opaque(), count.cas(), value);
  }

  private MemcachedResponseMessage touch(Touch t) {
    if (!isValidKey(t.key())) {
      return refusal(t.typeId(), t.opaque(), MemcachedStatus.INVALID_ARGUMENTS, Bytes.empty());
    }
    Item item = store.touch(t.key(), t.extras().expiration());
    if (item == null) {
      return refusal(t.typeId(), t.opaque(), MemcachedStatus.KEY_NOT_FOUND, Bytes.empty());
    }
    return new TouchResponse(0, 0, t.opaque(), item.cas(), u32(item.flags()), Bytes.empty());
  }

  /** The general statistics, one response each, then the empty one that ends them; no other group. */
  private MemcachedResponseMessage stat(Connection<Incoming, Outgoing> c, Stat s) {
    if (!s.group().isEmpty()) {
      return refusal(s.typeId(), s.opaque(), MemcachedStatus.KEY_NOT_FOUND, Bytes.empty());
    }
    for (Map.Entry<String, String> stat : server.stats().snapshot(store).entrySet()) {
      reply(c, new StatResponse(0, 0, s.opaque(), 0, stat.getKey(), stat.getValue()));
    }
    return new StatResponse(0, 0, s.opaque(), 0, "", "");
  }

  private static boolean isValidKey(Bytes key) {
    return !key.isEmpty() && key.size() <= MAX_KEY_LENGTH;
  }

  private static Bytes u32(long value) {
    return Bytes.of(ByteBuffer.allocate(4).putInt((int) value).array());
  }

  /**
   * The response to a request of {@code opcode} that failed with {@code status}: the status's text
   * as its value, as memcached writes it; a GetK miss also carries its key.
   */
  static MemcachedResponseMessage refusal(int opcode, long opaque, MemcachedStatus status, Bytes key) {
    int st = status.code();
    Bytes text = Bytes.of(status.text().getBytes(StandardCharsets.US_ASCII));
    Bytes none = Bytes.empty();
    return switch (opcode) {
      case Get.TYPE_ID -> new GetResponse(0, st, opaque, 0, none, text);
      case Set.TYPE_ID -> new SetResponse(0, st, opaque, 0, text);
      case Add.TYPE_ID -> new AddResponse(0, st, opaque, 0, text);
      case Replace.TYPE_ID -> new ReplaceResponse(0, st, opaque, 0, text);
      case Delete.TYPE_ID -> new DeleteResponse(0, st, opaque, 0, text);
      case Increment.TYPE_ID -> new IncrementResponse(0, st, opaque, 0, text);
      case Decrement.TYPE_ID -> new DecrementResponse(0, st, opaque, 0, text);
      case Quit.TYPE_ID -> new QuitResponse(0, st, opaque, 0, text);
      case GetQ.TYPE_ID -> new GetQResponse(0, st, opaque, 0, none, text);
      case Noop.TYPE_ID -> new NoopResponse(0, st, opaque, 0, text);
      case Version.TYPE_ID -> new VersionResponse(0, st, opaque, 0, status.text());
      case GetK.TYPE_ID -> new GetKResponse(0, st, opaque, 0, none, key, text);
      case GetKQ.TYPE_ID -> new GetKQResponse(0, st, opaque, 0, none, key, text);
      case Append.TYPE_ID -> new AppendResponse(0, st, opaque, 0, text);
      case Prepend.TYPE_ID -> new PrependResponse(0, st, opaque, 0, text);
      case Stat.TYPE_ID -> new StatResponse(0, st, opaque, 0, "", status.text());
      case SetQ.TYPE_ID -> new SetQResponse(0, st, opaque, 0, text);
      case AddQ.TYPE_ID -> new AddQResponse(0, st, opaque, 0, text);
      case ReplaceQ.TYPE_ID -> new ReplaceQResponse(0, st, opaque, 0, text);
      case DeleteQ.TYPE_ID -> new DeleteQResponse(0, st, opaque, 0, text);
      case IncrementQ.TYPE_ID -> new IncrementQResponse(0, st, opaque, 0, text);
      case DecrementQ.TYPE_ID -> new DecrementQResponse(0, st, opaque, 0, text);
      case QuitQ.TYPE_ID -> new QuitQResponse(0, st, opaque, 0, text);
      case AppendQ.TYPE_ID -> new AppendQResponse(0, st, opaque, 0, text);
      case PrependQ.TYPE_ID -> new PrependQResponse(0, st, opaque, 0, text);
      case Touch.TYPE_ID -> new TouchResponse(0, st, opaque, 0, none, text);
      default -> throw new IllegalArgumentException("no response for opcode " + opcode);
    };
  }
}
