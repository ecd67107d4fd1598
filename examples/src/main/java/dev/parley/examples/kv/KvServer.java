package dev.parley.examples.kv;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.BlockingServer;
import dev.parley.runtime.Bytes;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The key-value server: a thread per connection (on the executor the caller picks) over one
 * sorted, concurrent map. Each request gets exactly one reply, in order.
 */
public final class KvServer implements Closeable {

  /** The most entries one scan page may hold. */
  public static final int MAX_PAGE = 1000;

  private final ConcurrentSkipListMap<String, Bytes> store = new ConcurrentSkipListMap<>();
  private final BlockingServer<KvMessage> server;

  private KvServer(InetSocketAddress bind, Executor executor, BiConsumer<SocketAddress, Throwable> onError)
      throws IOException {
    this.server = BlockingServer.start(bind, KvProtocol.INSTANCE, executor, Duration.ofMinutes(5), onError,
        this::serve);
  }

  public static KvServer start(InetSocketAddress bind, Executor executor,
      BiConsumer<SocketAddress, Throwable> onError) throws IOException {
    return new KvServer(bind, executor, onError);
  }

  public InetSocketAddress address() {
    return server.address();
  }

  private void serve(BlockingConnection<KvMessage> connection) throws IOException {
    for (Optional<KvMessage> request = connection.receive(); request.isPresent(); request = connection.receive()) {
      connection.send(answer(request.get()));
    }
  }

  private KvMessage answer(KvMessage request) {
    if (request instanceof Get get) {
      return new Value(Optional.ofNullable(store.get(get.key())));
    } else if (request instanceof Put put) {
      return new Done(store.put(put.key(), put.value()) != null);
    } else if (request instanceof Delete delete) {
      return new Done(store.remove(delete.key()) != null);
    } else if (request instanceof Scan scan) {
      if (scan.limit() < 1 || scan.limit() > MAX_PAGE) {
        return new Failure("scan limit must be from 1 to " + MAX_PAGE + ", not " + scan.limit());
      }
      List<Entry> entries = new ArrayList<>();
      Optional<String> next = Optional.empty();
      for (Map.Entry<String, Bytes> e : store.tailMap(scan.start(), true).entrySet()) {
        if (entries.size() == scan.limit()) {
          next = Optional.of(e.getKey());
          break;
        }
        entries.add(new Entry(e.getKey(), e.getValue()));
      }
      return new Page(entries, next);
    }
    return new Failure("not a request: " + request.getClass().getSimpleName());
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
