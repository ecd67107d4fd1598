package dev.parley.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.examples.kv.Delete;
import dev.parley.examples.kv.Done;
import dev.parley.examples.kv.Entry;
import dev.parley.examples.kv.Get;
import dev.parley.examples.kv.KvGenerators;
import dev.parley.examples.kv.KvMessage;
import dev.parley.examples.kv.KvProtocol;
import dev.parley.examples.kv.KvStore;
import dev.parley.examples.kv.Page;
import dev.parley.examples.kv.Put;
import dev.parley.examples.kv.Scan;
import dev.parley.examples.kv.Value;
import dev.parley.runtime.Bytes;
import dev.parley.testing.Arbitrary;
import dev.parley.testing.Property;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * How a user tests a protocol handler with the generated generators: random sequences of
 * requests, each sent through the wire format, must get the replies a plain TreeMap model
 * predicts. A failure shrinks to the shortest sequence that still fails, and names its seed.
 */
class KvStorePropertyTest {

  /** A random request; keys come from a small set so that gets and deletes find puts. */
  static KvMessage randomRequest(java.util.random.RandomGenerator rnd, int size) {
    String key = "k" + rnd.nextInt(8);
    return switch (rnd.nextInt(4)) {
      case 0 -> new Get(key);
      case 1 -> new Put(key, KvGenerators.randomPut(rnd, size).value());
      case 2 -> new Delete(key);
      default -> new Scan(rnd.nextBoolean() ? "" : key, 1 + rnd.nextInt(5));
    };
  }

  @Test
  void theStoreAnswersLikeASortedMap() {
    Property.forAll("kv store agrees with a TreeMap", (rnd, size) ->
            Arbitrary.list(Arbitrary.listSize(rnd, size, 60), () -> randomRequest(rnd, size)))
        .shrinkWith(requests -> Arbitrary.shrinkList(requests, request -> Stream.empty()))
        .check(requests -> {
          KvStore store = new KvStore();
          TreeMap<String, Bytes> model = new TreeMap<>();
          for (KvMessage request : requests) {
            assertEquals(expected(model, request), store.answer(overTheWire(request)), () -> "after " + requests);
          }
        });
  }

  @Test
  void everyGeneratedMessageSurvivesTheWireAndTheStore() {
    Property.forAll("any kv message", KvGenerators::randomKvMessage)
        .shrinkWith(KvGenerators::shrinkKvMessage)
        .check(message -> {
          KvMessage received = overTheWire(message);
          assertEquals(message, received);
          KvMessage reply = new KvStore().answer(received);
          assertEquals(reply, overTheWire(reply), "replies survive the wire too");
        });
  }

  static KvMessage overTheWire(KvMessage message) throws Exception {
    ByteBuffer body = ByteBuffer.allocate(KvProtocol.INSTANCE.encodedSize(message));
    KvProtocol.INSTANCE.encode(message, body);
    return KvProtocol.INSTANCE.decode(body.flip());
  }

  static KvMessage expected(TreeMap<String, Bytes> model, KvMessage request) {
    if (request instanceof Get get) {
      return new Value(Optional.ofNullable(model.get(get.key())));
    } else if (request instanceof Put put) {
      return new Done(model.put(put.key(), put.value()) != null);
    } else if (request instanceof Delete delete) {
      return new Done(model.remove(delete.key()) != null);
    }
    Scan scan = (Scan) request;
    List<Entry> page = new ArrayList<>();
    Optional<String> next = Optional.empty();
    for (Map.Entry<String, Bytes> e : model.tailMap(scan.start(), true).entrySet()) {
      if (page.size() == scan.limit()) {
        next = Optional.of(e.getKey());
        break;
      }
      page.add(new Entry(e.getKey(), e.getValue()));
    }
    return new Page(page, next);
  }

}
